package redisx_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
	"luascope/tools/rttproxy"
)

// BenchmarkHandshake is what `luascope run` does with a warm script, less
// the process: open a session, one EVALSHA, close. "connect" is Connect
// (the TUI's: the handshake first, then the run), "deferred" is
// ConnectDeferred (the CLI's: the handshake rides on the script's
// write), "go-redis" is a bare go-redis client doing the same. Each runs
// on loopback and through a proxy that delays each direction by 50 ms;
// rt/op is the round trips the proxy counted.
//
//	go test -run '^$' -bench Handshake -benchmem -count 6 ./redisx/
func BenchmarkHandshake(b *testing.B) {
	srv := startServerB(b)
	ctx := context.Background()
	sha := redisx.SHA1(benchScript)
	{
		c := srv.Client()
		if err := c.ScriptLoad(ctx, benchScript).Err(); err != nil {
			b.Fatal(err)
		}
		_ = c.Close()
	}
	call := redisx.Call{Script: redisx.NewScript(benchScript), Keys: []string{"bench"}}
	clients := []struct {
		name string
		run  func(b *testing.B, addr string)
	}{
		{"connect", func(b *testing.B, addr string) {
			s, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: addr, Protocol: 2})
			if err != nil {
				b.Fatal(err)
			}
			if res := s.Run(ctx, call, nil); res.Error != nil || res.ClientErr != nil {
				b.Fatal(res.Error, res.ClientErr)
			}
			_ = s.Close()
		}},
		{"deferred", func(b *testing.B, addr string) {
			s, err := redisx.ConnectDeferred(redisx.Target{Network: "tcp", Addr: addr, Protocol: 2})
			if err != nil {
				b.Fatal(err)
			}
			if res := s.Run(ctx, call, nil); res.Error != nil || res.ClientErr != nil {
				b.Fatal(res.Error, res.ClientErr)
			}
			_ = s.Close()
		}},
		{"go-redis", func(b *testing.B, addr string) {
			c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, PoolSize: 1, DisableIdentity: true})
			if err := c.EvalSha(ctx, sha, []string{"bench"}).Err(); err != nil {
				b.Fatal(err)
			}
			_ = c.Close()
		}},
	}
	for _, link := range []time.Duration{0, 50 * time.Millisecond} {
		p, err := rttproxy.Start(srv.Addr(), link)
		if err != nil {
			b.Fatal(err)
		}
		name := "loopback"
		if link > 0 {
			name = "link=" + (2 * link).String()
		}
		for _, c := range clients {
			b.Run(name+"/"+c.name, func(b *testing.B) {
				if srv.Network() != "tcp" {
					b.Skip("the proxy is TCP")
				}
				p.Reset()
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					c.run(b, p.Addr())
				}
				b.ReportMetric(float64(p.RoundTrips())/float64(b.N), "rt/op")
			})
		}
		_ = p.Close()
	}
}
