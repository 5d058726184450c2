package sandbox

import (
	"context"
	"testing"
	"time"
)

// StartT starts a server for one test or benchmark and stops it when the
// test ends.
//
// Deprecated: use sandboxtest.StartT, which keeps package testing out of
// the luascope binary; this file goes once its last callers have moved.
func StartT(tb testing.TB, config ...string) *Server {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opt := Options{Config: config, Logf: tb.Logf}
	if _, bench := tb.(*testing.B); bench {
		opt.Logf = nil // keeps benchmark output to the figures
	}
	srv, err := Start(ctx, opt)
	if err != nil {
		tb.Fatalf("start sandbox: %v", err)
	}
	tb.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// StartClusterT starts a 6-node cluster (3 primaries, 3 replicas) for one
// test and stops it when the test ends.
//
// Deprecated: use sandboxtest.StartClusterT.
func StartClusterT(tb testing.TB) *Cluster {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cl, err := StartCluster(ctx, ClusterOptions{Options: Options{Logf: tb.Logf}})
	if err != nil {
		tb.Fatalf("start sandbox cluster: %v", err)
	}
	tb.Cleanup(func() { _ = cl.Stop() })
	return cl
}
