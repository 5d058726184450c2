// Package sandboxtest starts sandbox servers for tests and benchmarks and
// stops them when the test ends, so every package's tests share one way
// of getting a real server. It is a package of its own, like
// net/http/httptest, so that package testing is linked only into test
// binaries, never into luascope.
package sandboxtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"luascope/redisx/sandbox"
)

// StartT starts a server for one test or benchmark, with config as extra
// redis.conf lines, and stops it when the test ends.
func StartT(tb testing.TB, config ...string) *sandbox.Server {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opt := sandbox.Options{Config: config, Logf: tb.Logf}
	if _, bench := tb.(*testing.B); bench {
		opt.Logf = nil // keeps benchmark output to the figures
	}
	srv, err := sandbox.Start(ctx, opt)
	if err != nil {
		tb.Fatalf("start sandbox: %v", err)
	}
	tb.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// StartClusterT starts a 6-node cluster (3 primaries, 3 replicas) for one
// test and stops it when the test ends.
func StartClusterT(tb testing.TB) *sandbox.Cluster {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cl, err := sandbox.StartCluster(ctx, sandbox.ClusterOptions{Options: sandbox.Options{Logf: tb.Logf}})
	if err != nil {
		tb.Fatalf("start sandbox cluster: %v", err)
	}
	tb.Cleanup(func() { _ = cl.Stop() })
	return cl
}

// PerServer picks srv's entry of byServer, whose keys are prefixes of
// srv.Describe() ("redis 7.0", "redis 8.", "valkey 8.1"): the longest
// matching key wins. A test whose expectation differs between servers
// states each one this way rather than skipping on the others. ok is
// false on a server nobody has recorded (a Redis 7.2 on someone's PATH):
// the test then checks only what holds on every server and logs what
// this one said, so that `make test` stays green there.
func PerServer[T any](srv *sandbox.Server, byServer map[string]T) (v T, ok bool) {
	best, d := "", srv.Describe()
	for k := range byServer {
		if strings.HasPrefix(d, k) && (!ok || len(k) > len(best)) {
			best, ok = k, true
		}
	}
	if ok {
		v = byServer[best]
	}
	return v, ok
}
