package redisx_test

import (
	"context"
	"io"
	"testing"

	"luascope/redisx"
)

// The scripts of docs/performance.md's large-reply rows.
const (
	benchInts1M = "local t={} for i=1,1000000 do t[i]=i end return t"
	benchBulk   = "return string.rep('x', 100*1024*1024)"
)

// benchReplyRun runs script once warm, then b.N times: one round trip
// each, the reply read off the wire and decoded (what `luascope run`
// does before printing). The server's own time (building the table or
// the string) is part of every figure.
func benchReplyRun(b *testing.B, script string, check func(redisx.Result) bool) {
	srv := startServerB(b)
	s, err := redisx.Connect(context.Background(), redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	call := redisx.Call{Script: redisx.NewScript(script)}
	ctx := context.Background()
	if res := s.Run(ctx, call, nil); res.Error != nil || !check(res) {
		b.Fatal(res.Error)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := s.Run(ctx, call, nil); res.Error != nil || !check(res) {
			b.Fatal(res.Error)
		}
	}
}

// BenchmarkRunReply1M is a run whose reply is an array of 1,000,000
// integers: round trip and decode.
//
//	go test -run '^$' -bench 'RunReply1M|RunBulk100MB' -benchmem -count 6 ./redisx/
func BenchmarkRunReply1M(b *testing.B) {
	benchReplyRun(b, benchInts1M, func(r redisx.Result) bool { return r.Reply != nil && len(r.Reply.Elems) == 1_000_000 })
}

// BenchmarkRunBulk100MB is a run whose reply is one 100 MiB bulk string.
func BenchmarkRunBulk100MB(b *testing.B) {
	benchReplyRun(b, benchBulk, func(r redisx.Result) bool { return r.Reply != nil && len(r.Reply.Str) == 100<<20 })
}

// benchReport runs the 1M-integer script once and returns the session,
// the call and its result, for the output benchmarks.
func benchReport(b *testing.B) redisx.Report {
	srv := startServerB(b)
	s, err := redisx.Connect(context.Background(), redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	call := redisx.Call{Script: redisx.NewScript(benchInts1M)}
	res := s.Run(context.Background(), call, nil)
	if res.Error != nil {
		b.Fatal(res.Error)
	}
	return redisx.NewReport(s, call, res)
}

// BenchmarkReportJSON1M is `run --json`'s output of a 1M-integer reply
// (the reply appears twice: in its step and as the reply).
//
//	go test -run '^$' -bench 'Report(JSON|Text)1M' -benchmem -count 6 ./redisx/
func BenchmarkReportJSON1M(b *testing.B) {
	rep := benchReport(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := rep.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportText1M is `run`'s text output of a 1M-integer reply.
func BenchmarkReportText1M(b *testing.B) {
	rep := benchReport(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := rep.WriteText(io.Discard, false); err != nil {
			b.Fatal(err)
		}
	}
}
