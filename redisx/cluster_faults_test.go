package redisx_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

func startCluster(t *testing.T) *sandbox.Cluster {
	t.Helper()
	return sandboxtest.StartClusterT(t)
}

// nodeInfo maps addresses to node IDs and finds the owner of a slot.
func ownerOf(t *testing.T, c *redis.Client, slot int) (addr, id string, ids map[string]string) {
	t.Helper()
	text, err := c.ClusterNodes(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	top, err := redisx.ParseClusterNodes(text, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ids = map[string]string{}
	for _, n := range top.Nodes {
		ids[n.Addr] = n.ID
	}
	o, ok := top.Owner(slot)
	if !ok {
		return "", "", ids
	}
	return o.Addr, o.ID, ids
}

func clientFor(t *testing.T, addr string) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestClusterMigration moves a slot between two primaries by hand, as
// redis-cli --cluster reshard does, and checks ASK, TRYAGAIN and MOVED
// appear as steps and are followed.
func TestClusterMigration(t *testing.T) {
	cl := startCluster(t)
	ctx := context.Background()
	seed := clientFor(t, cl.Nodes[0].Addr())
	const tag = "{mig}"
	slot := redisx.KeySlot(tag)
	srcAddr, srcID, ids := ownerOf(t, seed, slot)
	var dstAddr, dstID string
	for _, p := range cl.Nodes[:3] {
		if p.Addr() != srcAddr {
			dstAddr, dstID = p.Addr(), ids[p.Addr()]
			break
		}
	}
	src, dst := clientFor(t, srcAddr), clientFor(t, dstAddr)
	src.Set(ctx, tag+"present", "1", 0)

	s, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: srcAddr, Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	must := func(c *redis.Client, args ...any) {
		t.Helper()
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	must(dst, "CLUSTER", "SETSLOT", slot, "IMPORTING", srcID)
	must(src, "CLUSTER", "SETSLOT", slot, "MIGRATING", dstID)

	// A key that is not on the source during the migration: ASK.
	res := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('set', KEYS[1], 'new')"), Keys: []string{tag + "absent"}}, nil)
	got := names(res.Steps)
	if res.Error != nil || !strings.Contains(got, "EVALSHA:ask → ASKING:ok") {
		t.Errorf("ASK during migration: %s, error %v", got, res.Error)
	}

	// Two keys, one still on the source, one already moved: TRYAGAIN.
	res = s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('mget', KEYS[1], KEYS[2])"), Keys: []string{tag + "present", tag + "absent"}, Strategy: redisx.EvalOnly}, nil)
	if res.Error == nil || res.Error.Class != classify.TryAgain || !strings.Contains(names(res.Steps), "EVAL:error") {
		t.Errorf("TRYAGAIN: %s, error %+v", names(res.Steps), res.Error)
	}
	retries := 0
	for _, st := range res.Steps {
		if strings.HasPrefix(st.Note, "TRYAGAIN") {
			retries++
		}
	}
	if retries == 0 {
		t.Errorf("TRYAGAIN was not retried: %s", names(res.Steps))
	}

	// Finish: move the key, give the slot to the destination everywhere.
	must(src, "MIGRATE", strings.Split(dstAddr, ":")[0], strings.Split(dstAddr, ":")[1], "", 0, 5000, "KEYS", tag+"present")
	for _, n := range cl.Nodes[:3] {
		must(clientFor(t, n.Addr()), "CLUSTER", "SETSLOT", slot, "NODE", dstID)
	}
	res = s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('get', KEYS[1])"), Keys: []string{tag + "present"}}, nil)
	got = names(res.Steps)
	if res.Error != nil || !strings.HasPrefix(got, "EVALSHA:moved") || res.Steps[len(res.Steps)-1].Node != dstAddr {
		t.Errorf("MOVED after migration: %s (%+v)", got, res.Error)
	}
	if string(res.Reply.Str) != "1" {
		t.Errorf("reply %v", res.Reply)
	}
}

func TestClusterCrossSlotRefusedBeforeSending(t *testing.T) {
	cl := startCluster(t)
	s, err := redisx.Connect(context.Background(), redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res := s.Run(context.Background(), redisx.Call{Script: redisx.NewScript("return 1"), Keys: []string{"a", "b"}}, nil)
	if len(res.Steps) != 0 || res.Error == nil || res.Error.Class != classify.CrossSlot || res.ExitCode() != 1 {
		t.Errorf("cross-slot: steps %d, error %+v", len(res.Steps), res.Error)
	}
	res = s.Run(context.Background(), redisx.Call{Script: redisx.NewScript("return 1"), Keys: []string{"{u}a", "{u}b"}}, nil)
	if res.Error != nil {
		t.Errorf("same slot refused: %+v", res.Error)
	}
}

// TestClusterFailover kills the primary serving a key while runs go on:
// the runs fail while no primary serves the slot, the trace shows the
// slot map being refreshed, and once the replica is promoted the runs
// resume there with the NOSCRIPT fallback (a promoted replica has an
// empty script cache).
func TestClusterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("failover takes a few seconds")
	}
	cl := startCluster(t)
	ctx := context.Background()
	seed := clientFor(t, cl.Nodes[0].Addr())
	key := "{fo}counter"
	victim, _, _ := ownerOf(t, seed, redisx.KeySlot(key))
	var seedAddr string
	for _, n := range cl.Nodes[:3] {
		if n.Addr() != victim {
			seedAddr = n.Addr()
			break
		}
	}
	s, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: seedAddr, Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	call := redisx.Call{Script: redisx.NewScript("return redis.call('incr', KEYS[1])"), Keys: []string{key}}
	if res := s.Run(ctx, call, nil); res.Error != nil {
		t.Fatal(res.Error)
	}
	for _, n := range cl.Nodes {
		if n.Addr() == victim {
			if err := n.Kill(); err != nil {
				t.Fatal(err)
			}
		}
	}
	sawRefresh, failures := false, 0
	var ok *redisx.Result
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res := s.Run(ctx, call, nil)
		for _, st := range res.Steps {
			if len(st.Command) == 2 && st.Command[0] == "CLUSTER" && st.Command[1] == "NODES" {
				sawRefresh = true
			}
		}
		if res.Error == nil {
			ok = &res
			break
		}
		failures++
		time.Sleep(300 * time.Millisecond)
	}
	if ok == nil {
		t.Fatalf("runs never resumed after the failover (%d failures)", failures)
	}
	if failures == 0 || !sawRefresh {
		t.Errorf("expected failed runs and a slot-map refresh in the trace: failures %d, refresh %v", failures, sawRefresh)
	}
	last := ok.Steps[len(ok.Steps)-1]
	if last.Node == victim || !strings.Contains(names(ok.Steps), "noscript") {
		t.Errorf("resumed run: %s on %s", names(ok.Steps), last.Node)
	}
	t.Logf("resumed after %d failed runs: %s", failures, names(ok.Steps))
}
