package sandboxtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/sandbox"
)

// HoldBusy sends args (an EVAL or FCALL of a script that spins, e.g.
// SpinLua) from a client of its own, which waits as long as the script
// runs, and returns once the server answers PING with BUSY: from then on
// the test sees what a user meets on a server stuck in a script (start the
// server with a low busy-reply-threshold). The channel gets that client's
// error when the script ends or is killed; both clients close when the
// test ends.
func HoldBusy(tb testing.TB, srv *sandbox.Server, args ...any) <-chan error {
	tb.Helper()
	c := srv.Client(func(o *redis.Options) { o.ReadTimeout = -1 })
	probe := srv.Client()
	tb.Cleanup(func() { _ = c.Close(); _ = probe.Close() })
	done := make(chan error, 1)
	go func() { done <- c.Do(context.Background(), args...).Err() }()
	for i := 0; i < 100; i++ {
		if err := probe.Ping(context.Background()).Err(); err != nil && strings.HasPrefix(err.Error(), "BUSY") {
			return done
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatal("the server never answered BUSY")
	return nil
}
