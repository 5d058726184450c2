package redisx_test

import (
	"context"
	"runtime"
	"testing"

	"luascope/redisx"
	"luascope/redisx/resp"
)

// A large reply is decoded once, into one buffer of the size its header
// announced: a run of a 16 MiB bulk string allocates little more than
// 16 MiB (through the old tap and go-redis, 51 MB), and a 200,000-element
// array one slab of Values and its bytes.
func TestLargeReplyDecodedOnce(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	s, err := redisx.Connect(ctx, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		script string
		check  func(*resp.Value) bool
		limit  uint64
	}{
		{"return string.rep('x', 16*1024*1024)", func(v *resp.Value) bool { return v.Kind == resp.Bulk && len(v.Str) == 16<<20 }, 16<<20 + 4<<20},
		{"local t={} for i=1,200000 do t[i]=i end return t", func(v *resp.Value) bool {
			return v.Kind == resp.Array && len(v.Elems) == 200_000 && v.Elems[199_999].Kind == resp.Integer && v.Elems[199_999].Int == 200_000
		}, 200_000*96 + 8<<20},
	} {
		call := redisx.Call{Script: redisx.NewScript(tc.script)}
		if res := s.Run(ctx, call, nil); res.Error != nil { // loads the script: the next run is one round trip
			t.Fatal(res.Error)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res := s.Run(ctx, call, nil)
		runtime.ReadMemStats(&after)
		if res.Error != nil || res.Reply == nil || !tc.check(res.Reply) || len(res.Steps) != 1 {
			t.Fatalf("%s: %v, %d steps", tc.script, res.Error, len(res.Steps))
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > tc.limit {
			t.Errorf("%s: %d bytes allocated, want at most %d", tc.script, got, tc.limit)
		}
	}
}
