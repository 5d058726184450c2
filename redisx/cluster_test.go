package redisx_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

// TestClusterFollowsMoved: with -c, a MOVED reply is a step of its own,
// the run goes on on the node it names, and the slot is remembered.
func TestClusterFollowsMoved(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl := sandboxtest.StartClusterT(t)
	seed := cl.Nodes[0]
	s, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: seed.Addr(), Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Info().Mode != "cluster" {
		t.Fatalf("mode %q, want cluster (detected from INFO)", s.Info().Mode)
	}
	// Find a key that node 0 does not own.
	key := ""
	c := seed.Client()
	defer c.Close()
	//lint:ignore SA1019 CLUSTER SLOTS answers on every server version, its reply is what this needs; CLUSTER SHARDS needs Redis 7.0
	slots, err := c.ClusterSlots(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000 && key == ""; i++ {
		k := "k" + strings.Repeat("x", i)
		for _, r := range slots {
			if redisx.KeySlot(k) >= int(r.Start) && redisx.KeySlot(k) <= int(r.End) && r.Nodes[0].Addr != seed.Addr() {
				key = k
			}
		}
	}
	call := redisx.Call{Script: redisx.NewScript("return redis.call('incr', KEYS[1])"), Keys: []string{key}}
	res := s.Run(ctx, call, nil)
	if got := names(res.Steps); got != "EVALSHA:moved → EVALSHA:noscript → SCRIPT LOAD:ok → EVALSHA:ok" {
		t.Errorf("first run: %s", got)
	}
	if res.Error != nil || res.Steps[0].Node == res.Steps[1].Node || res.Steps[1].Node != res.Steps[3].Node {
		t.Errorf("nodes: %+v err %v", res.Steps, res.Error)
	}
	res = s.Run(ctx, call, nil)
	if got := names(res.Steps); got != "EVALSHA:ok" {
		t.Errorf("second run should go straight to the owner: %s", got)
	}
}
