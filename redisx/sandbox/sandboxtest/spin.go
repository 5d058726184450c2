package sandboxtest

import (
	"fmt"
	"time"
)

// SpinLua is a Lua block that keeps the server busy for at least d, for
// tests that need a script to outlast a timeout or hold the server.
//
// A loop on redis.call('TIME') alone is not enough: Redis 7.0 moves TIME
// within a script, but Redis 8.0 and Valkey 8.1 answer the script's start
// time until the script passes busy-reply-threshold (5 s by default), so
// such a loop runs 5 s there, whatever it asked for. The block therefore
// also counts os.clock, the server's CPU time, which those servers have
// (7.0 has no os table). On a loaded machine CPU time lags the wall
// clock, so the spin may last longer than d, never shorter.
func SpinLua(d time.Duration) string {
	return fmt.Sprintf("do local os_ = rawget(_G, 'os') local t0 = redis.call('TIME') local c0 = os_ and os_.clock() or 0 "+
		"while true do local t = redis.call('TIME') "+
		"if math.max((t[1] - t0[1]) * 1000000 + (t[2] - t0[2]), os_ and (os_.clock() - c0) * 1000000 or 0) >= %d then break end "+
		"end end", d.Microseconds())
}
