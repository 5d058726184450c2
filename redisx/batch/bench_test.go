package batch_test

import (
	"context"
	"testing"

	"luascope/redisx"
	"luascope/redisx/batch"
	"luascope/redisx/sandbox/sandboxtest"
)

// BenchmarkBatchStandalone is one call per op: INCRBY through EVALSHA,
// pipelines of 64, one standalone sandbox server. calls/s is the batch's
// own figure (calls answered per second of the whole batch).
func BenchmarkBatchStandalone(b *testing.B) {
	srv := sandboxtest.StartT(b)
	rep := benchBatch(b, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}, 1)
	b.ReportMetric(float64(b.N)/float64(rep.Latency.RoundTrips), "calls/trip")
}

// BenchmarkBatchConnections50 is BenchmarkBatchStandalone on 50
// connections, bench-cli's "-c 50" row. There the server's core is the
// limit, and the client's cpu-ns/call is what it takes from the server:
// on this two-core machine a second process using a fifth of a core made
// the server's own CPU per call 30% higher (docs/performance.md).
func BenchmarkBatchConnections50(b *testing.B) {
	srv := sandboxtest.StartT(b)
	benchBatch(b, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}, 50)
}

// BenchmarkBatchCluster is BenchmarkBatchStandalone on the 3-primary
// sandbox cluster: one connection per primary, lines routed by slot. On
// a machine whose cores the servers fill, the client's cpu-ns/call, not
// its calls/s, is the figure to compare (docs/performance.md).
func BenchmarkBatchCluster(b *testing.B) {
	cl := sandboxtest.StartClusterT(b)
	benchBatch(b, redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Cluster: true, Protocol: 2}, 1)
}

// benchBatch runs b.N INCRBY calls through the batch on t (conns
// connections per node), checks they
// all answered ok and reports calls/s and cpu-ns/call: the CPU time
// (user + system) of this process per call, the batch's whole cost to
// the machine whatever the servers do with theirs.
func benchBatch(b *testing.B, t redisx.Target, conns int) *batch.Report {
	s, err := redisx.Connect(context.Background(), t)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	script := redisx.NewScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	rep, err := batch.Run(context.Background(), s, script, batch.BenchInput(b.N), batch.Options{Pipeline: 64, Connections: conns})
	cpu = processCPU() - cpu
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if rep.Outcomes[batch.OK] != b.N {
		b.Fatalf("outcomes %v, want %d ok", rep.Outcomes, b.N)
	}
	b.ReportMetric(rep.CallsPerSec, "calls/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/call")
	return rep
}
