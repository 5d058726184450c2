package redisx

import (
	"context"
	"net"
	"testing"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/resp"
	"luascope/redisx/sandbox/sandboxtest"
)

// The two ways of reading a reply once that issue 12 asked to compare,
// on the same warm EVALSHA of a large reply:
//
//   - GoRedisFrames: exchange, what luascope does: go-redis writes the
//     command and frames the reply (DoRawWriteTo) into a resp.Decoder.
//
//   - OwnConn: luascope writes the command and reads the socket itself
//     (guard, then Decoder), go-redis not involved at all: the most a
//     connection of luascope's own could save.
//
//     go test -run '^$' -bench 'Exchange' -benchmem -count 6 ./redisx/
func BenchmarkExchange(b *testing.B) {
	for _, tc := range []struct{ name, script string }{
		{"ints1M", "local t={} for i=1,1000000 do t[i]=i end return t"},
		{"bulk100MB", "return string.rep('x', 100*1024*1024)"},
	} {
		srv := sandboxtest.StartT(b)
		ctx := context.Background()
		sha := SHA1(tc.script)
		// luascope's options: one connection, no read timeout (a run may
		// take as long as the server lets it).
		c := redis.NewClient(&redis.Options{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2, PoolSize: 1, DisableIdentity: true, ReadTimeout: -1})
		c.AddHook(tapHook{t: &tap{}})
		if err := c.ScriptLoad(ctx, tc.script).Err(); err != nil {
			b.Fatal(err)
		}
		// Warm: the server's first run of a big reply allocates its memory.
		if _, err := exchange(ctx, c, "EVALSHA", sha, "0"); err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name+"/GoRedisFrames", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if v, err := exchange(ctx, c, "EVALSHA", sha, "0"); err != nil || v.Kind == resp.Error {
					b.Fatal(err, v)
				}
			}
		})
		_ = c.Close()
		conn, err := net.Dial(srv.Network(), srv.Addr())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name+"/OwnConn", func(b *testing.B) {
			b.ReportAllocs()
			g := resp.NewGuard(resp.DefaultLimits)
			cmd := resp.Encode(nil, resp.Value{Kind: resp.Array, Elems: []resp.Value{
				{Kind: resp.Bulk, Str: []byte("EVALSHA")}, {Kind: resp.Bulk, Str: []byte(sha)}, {Kind: resp.Bulk, Str: []byte("0")}}})
			buf := make([]byte, 32<<10)
			for b.Loop() {
				if _, err := conn.Write(cmd); err != nil {
					b.Fatal(err)
				}
				var dec resp.Decoder
				for !dec.Done() {
					n, err := conn.Read(buf)
					if err != nil {
						b.Fatal(err)
					}
					if err := g.Feed(buf[:n]); err != nil {
						b.Fatal(err)
					}
					if _, err := dec.Write(buf[:n]); err != nil {
						b.Fatal(err)
					}
				}
				if v, err := dec.Value(); err != nil || v.Kind == resp.Error {
					b.Fatal(err, v)
				}
			}
		})
		_ = conn.Close()
	}
}
