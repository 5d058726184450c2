package redisx_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

const benchScript = "return redis.call('incr', KEYS[1])"

// BenchmarkWarmRun is one warm luascope run (EVALSHA, 1 round trip, reply
// decoded exactly from the wire tap). Compare it with BenchmarkBareEvalSha:
//
//	go test -run '^$' -bench 'WarmRun|BareEvalSha' -benchmem -count 5 ./redisx/
func BenchmarkWarmRun(b *testing.B) {
	srv := startServerB(b)
	s, err := redisx.Connect(context.Background(), redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	call := redisx.Call{Script: redisx.NewScript(benchScript), Keys: []string{"bench"}}
	ctx := context.Background()
	if res := s.Run(ctx, call, nil); res.Error != nil {
		b.Fatal(res.Error)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := s.Run(ctx, call, nil); res.Error != nil || len(res.Steps) != 1 {
			b.Fatal(res.Error)
		}
	}
}

// BenchmarkBareEvalSha is the same round trip with go-redis alone.
func BenchmarkBareEvalSha(b *testing.B) {
	srv := startServerB(b)
	c := redis.NewClient(&redis.Options{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2, PoolSize: 1, DisableIdentity: true})
	defer c.Close()
	ctx := context.Background()
	sha := redisx.SHA1(benchScript)
	if err := c.ScriptLoad(ctx, benchScript).Err(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.EvalSha(ctx, sha, []string{"bench"}).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

func startServerB(b *testing.B) *sandbox.Server { return sandboxtest.StartT(b) }
