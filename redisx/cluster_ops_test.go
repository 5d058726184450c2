package redisx

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// TestClusterOps drives the per-node admin operations against one real
// 3-primary, 3-replica sandbox cluster, shared by the subtests (in order:
// the last one kills a node).
func TestClusterOps(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cl := sandboxtest.StartClusterT(t)
	s, err := Connect(ctx, Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	top, err := s.ServerTopology(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(top.Nodes) != 6 || len(top.Primaries()) != 3 {
		t.Fatalf("topology: %+v", top.Nodes)
	}
	primaries := addrsOf(top.Primaries())
	replicaOf := map[string]string{} // primary addr → its replica's addr
	byID := map[string]string{}
	for _, n := range top.Nodes {
		byID[n.ID] = n.Addr
	}
	for _, n := range top.Nodes {
		if n.Role == "replica" {
			replicaOf[byID[n.PrimaryID]] = n.Addr
		}
	}

	t.Run("script cache", func(t *testing.T) {
		src := fmt.Sprintf("return 'cluster ops %d'", time.Now().UnixNano())
		sha := SHA1(src)
		before, err := s.ScriptCacheByNode(ctx, sha)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) != 6 {
			t.Fatalf("want all 6 nodes, got %d", len(before))
		}
		for _, ns := range before {
			if ns.Err != nil || ns.Cached {
				t.Errorf("before loading, %s (%s): cached %v err %v", ns.Node.Addr, ns.Node.Role, ns.Cached, ns.Err)
			}
		}
		loaded, err := s.LoadOnAllPrimaries(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		if len(loaded) != 3 {
			t.Fatalf("SCRIPT LOAD went to %d nodes, want the 3 primaries", len(loaded))
		}
		for _, r := range loaded {
			if r.Err != nil || r.Reply == nil || r.Reply.Kind != resp.Bulk || string(r.Reply.Str) != sha {
				t.Errorf("SCRIPT LOAD on %s: %v %v", r.Addr, r.Reply, r.Err)
			}
		}
		// WAIT returns once each primary's replica has acknowledged
		// everything the primary propagated so far, SCRIPT LOAD included if
		// it were propagated: after it, what a replica lacks it never gets.
		for _, r := range s.OnAll(ctx, primaries, "WAIT", "1", "5000") {
			if r.Err != nil || r.Reply.Kind != resp.Integer || r.Reply.Int != 1 {
				t.Fatalf("WAIT on %s: %v %v", r.Addr, r.Reply, r.Err)
			}
		}
		after, err := s.ScriptCacheByNode(ctx, sha)
		if err != nil {
			t.Fatal(err)
		}
		for _, ns := range after {
			// Redis 7.0+ does not propagate SCRIPT LOAD (scripts replicate
			// as effects), so replicas never get the script: EVALSHA after
			// a failover meets NOSCRIPT. Redis 6 and older did propagate it.
			want := ns.Node.Role == "primary"
			if ns.Err != nil || ns.Cached != want {
				t.Errorf("after loading on the primaries, %s (%s): cached %v (want %v) err %v",
					ns.Node.Addr, ns.Node.Role, ns.Cached, want, ns.Err)
			}
		}
	})

	t.Run("functions", func(t *testing.T) {
		target := primaries[1]
		lib := "#!lua name=lscope_ops\nredis.register_function{function_name='lscope_ops_f', " +
			"callback=function() return 1 end, flags={'no-writes'}, description='says one'}"
		v, err := s.OnNode(ctx, target, "FUNCTION", "LOAD", "REPLACE", lib)
		if err != nil || v.Kind == resp.Error {
			t.Fatalf("FUNCTION LOAD: %v %v", v, err)
		}
		t.Cleanup(func() { _, _ = s.OnNode(context.Background(), target, "FUNCTION", "DELETE", "lscope_ops") })
		check := func(t *testing.T, s *Session) {
			byNode, err := s.functionsByNode(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(byNode) != 3 {
				t.Fatalf("FUNCTION LIST went to %d nodes, want the 3 primaries", len(byNode))
			}
			for _, nf := range byNode {
				if nf.Err != nil {
					t.Errorf("%s: %v", nf.Node.Addr, nf.Err)
					continue
				}
				if nf.Node.Addr != target {
					if len(nf.Libraries) != 0 {
						t.Errorf("%s has %+v: libraries must not cross shards", nf.Node.Addr, nf.Libraries)
					}
					continue
				}
				want := []Library{{Name: "lscope_ops", Engine: "LUA", Functions: []LibraryFunction{
					{Name: "lscope_ops_f", Description: "says one", Flags: []string{"no-writes"}}}}}
				if fmt.Sprint(nf.Libraries) != fmt.Sprint(want) {
					t.Errorf("%s: %+v, want %+v", nf.Node.Addr, nf.Libraries, want)
				}
			}
		}
		check(t, s)
		t.Run("RESP3", func(t *testing.T) {
			s3, err := Connect(ctx, Target{Network: "tcp", Addr: cl.Nodes[2].Addr(), Protocol: 3})
			if err != nil {
				t.Fatal(err)
			}
			defer s3.Close()
			check(t, s3)
		})
		// Within a shard a library does replicate (FUNCTION LOAD is a write).
		if r := s.OnAll(ctx, []string{target}, "WAIT", "1", "5000")[0]; r.Err != nil || r.Reply.Int != 1 {
			t.Fatalf("WAIT: %v %v", r.Reply, r.Err)
		}
		v, err = s.OnNode(ctx, replicaOf[target], "FUNCTION", "LIST")
		if err != nil || !strings.Contains(resp.Text(*v), "lscope_ops") {
			t.Errorf("the replica of %s does not list the library: %v %v", target, v, err)
		}
	})

	t.Run("read-only", func(t *testing.T) {
		s.SetReadOnly(true)
		defer s.SetReadOnly(false)
		if _, err := s.OnNode(ctx, primaries[0], "FUNCTION", "LOAD", "#!lua name=x\n"); !errors.Is(err, ErrReadOnlyAdmin) {
			t.Errorf("FUNCTION LOAD in read-only mode: %v", err)
		}
		if _, err := s.OnNode(ctx, primaries[0], "script", "flush"); !errors.Is(err, ErrReadOnlyAdmin) {
			t.Errorf("SCRIPT FLUSH in read-only mode: %v", err)
		}
		rs, err := s.LoadOnAllPrimaries(ctx, "return 'ro'")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Err != nil || r.Reply.Kind != resp.Bulk {
				t.Errorf("SCRIPT LOAD is allowed read-only (it changes no data): %s %v %v", r.Addr, r.Reply, r.Err)
			}
		}
	})

	t.Run("never waits for a running script", func(t *testing.T) {
		node := primaries[2]
		if v, err := s.OnNode(ctx, node, "CONFIG", "SET", "busy-reply-threshold", "100"); err != nil || v.Kind == resp.Error {
			t.Fatalf("CONFIG SET: %v %v", v, err)
		}
		done := make(chan Result, 1)
		go func() {
			done <- s.Run(ctx, Call{Script: NewScript("#!lua flags=no-writes\nwhile true do end"), Node: node, Strategy: EvalOnly}, nil)
		}()
		// The run holds the session's lock; OnNode must get through anyway.
		deadline := time.Now().Add(10 * time.Second)
		for {
			v, err := s.OnNode(ctx, node, "SCRIPT", "KILL")
			if err != nil {
				t.Fatal(err)
			}
			if v.Kind != resp.Error {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("SCRIPT KILL never got through: %s", resp.Text(*v))
			}
			time.Sleep(20 * time.Millisecond)
		}
		if res := <-done; res.Error == nil || res.Error.Class != "killed" {
			t.Errorf("run: %+v", res.Error)
		}
	})

	t.Run("one node down", func(t *testing.T) {
		dead := cl.Nodes[5] // a replica: its loss leaves every slot served
		if err := dead.Kill(); err != nil {
			t.Fatal(err)
		}
		all := addrsOf(top.Nodes)
		start := time.Now()
		replies := s.OnAll(ctx, all, "PING")
		t.Logf("PING on %d nodes, one dead: %v", len(all), time.Since(start).Round(time.Microsecond))
		for i, r := range replies {
			if r.Addr != all[i] {
				t.Errorf("reply %d is for %s, want %s (order of addrs)", i, r.Addr, all[i])
			}
			if r.Addr == dead.Addr() {
				if r.Err == nil || !strings.Contains(r.Err.Error(), dead.Addr()) {
					t.Errorf("dead node %s: reply %v err %v", r.Addr, r.Reply, r.Err)
				}
				t.Logf("dead node: %v", r.Err)
				continue
			}
			if r.Err != nil || r.Reply.Kind != resp.Status || string(r.Reply.Str) != "PONG" {
				t.Errorf("%s: %v %v", r.Addr, r.Reply, r.Err)
			}
		}
		caches, err := s.ScriptCacheByNode(ctx, SHA1("return 1"))
		if err != nil {
			t.Fatal(err)
		}
		for _, ns := range caches {
			if (ns.Err != nil) != (ns.Node.Addr == dead.Addr()) {
				t.Errorf("%s: err %v", ns.Node.Addr, ns.Err)
			}
		}
	})

	t.Run("closed", func(t *testing.T) {
		s2, err := Connect(ctx, Target{Network: "tcp", Addr: cl.Nodes[1].Addr(), Protocol: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s2.OnNode(ctx, primaries[0], "PING"); err != nil {
			t.Fatal(err)
		}
		if err := s2.Close(); err != nil { // Close calls closeClusterNodes
			t.Errorf("close: %v", err)
		}
		if _, err := s2.OnNode(ctx, primaries[0], "PING"); !errors.Is(err, errSessionClosed) {
			t.Errorf("OnNode after close: %v", err)
		}
	})
}

// TestClusterOpsStandalone: on a server that is not a cluster the same
// calls work on the one server, over TCP and over a unix socket.
func TestClusterOpsStandalone(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{UnixSocket: true, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	s, err := Connect(ctx, Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Topology(ctx); !errors.Is(err, ErrNotCluster) {
		t.Errorf("Topology on a standalone server: %v", err)
	}
	top, err := s.ServerTopology(ctx)
	if err != nil || len(top.Nodes) != 1 || top.Nodes[0].Role != "primary" || top.Nodes[0].Addr != srv.Addr() {
		t.Fatalf("topology %+v %v", top, err)
	}
	src := "return 'standalone'"
	if c, err := s.ScriptCacheByNode(ctx, SHA1(src)); err != nil || len(c) != 1 || c[0].Cached || c[0].Err != nil {
		t.Errorf("before: %+v %v", c, err)
	}
	rs, err := s.LoadOnAllPrimaries(ctx, src)
	if err != nil || len(rs) != 1 || rs[0].Err != nil || string(rs[0].Reply.Str) != SHA1(src) {
		t.Fatalf("load: %+v %v", rs, err)
	}
	if c, err := s.ScriptCacheByNode(ctx, SHA1(src)); err != nil || len(c) != 1 || !c[0].Cached {
		t.Errorf("after: %+v %v", c, err)
	}
	fs, err := s.functionsByNode(ctx)
	if err != nil || len(fs) != 1 || fs[0].Err != nil || len(fs[0].Libraries) != 0 {
		t.Errorf("functions: %+v %v", fs, err)
	}
}
