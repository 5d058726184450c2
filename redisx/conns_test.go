package redisx

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"luascope/redisx/sandbox/sandboxtest"
)

// TestCloseClosesEveryConnection: the session owns every connection it
// opens (the run path, the admin connection, OnNode's and NodeClient's),
// and Close closes them all, as the server sees in CLIENT LIST; none is
// opened after Close.
func TestCloseClosesEveryConnection(t *testing.T) {
	srv := sandboxtest.StartT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	watch := srv.Client()
	defer watch.Close()
	clients := func() int {
		t.Helper()
		list, err := watch.ClientList(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(list, "\n") // the watcher counts in every sample alike
	}
	waitFor := func(want int) {
		t.Helper()
		got := clients()
		for deadline := time.Now().Add(10 * time.Second); got != want && time.Now().Before(deadline); got = clients() {
			time.Sleep(10 * time.Millisecond) // the server notices a close when it reads the socket
		}
		if got != want {
			t.Fatalf("%d connections, want %d", got, want)
		}
	}
	// Only the watcher: the sandbox's readiness probe may still be closing.
	const before = 1
	waitFor(before)

	s, err := Connect(ctx, Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res := s.Run(ctx, Call{Script: NewScript("return 1")}, nil); res.ClientErr != nil {
		t.Fatalf("run: %v", res.ClientErr)
	}
	if _, err := s.ScriptExists(ctx, SHA1("return 1")); err != nil {
		t.Fatalf("admin: %v", err)
	}
	if _, err := s.OnNode(ctx, srv.Addr(), "PING"); err != nil {
		t.Fatalf("OnNode: %v", err)
	}
	c, err := s.NodeClient(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("NodeClient: %v", err)
	}
	if c2, _ := s.NodeClient(srv.Addr()); c2 != c {
		t.Error("NodeClient made a second client for the same node")
	}
	waitFor(before + 4) // run path, admin, OnNode, NodeClient

	if err := s.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	waitFor(before)
	if _, err := s.NodeClient(srv.Addr()); !errors.Is(err, errSessionClosed) {
		t.Errorf("NodeClient after close: %v", err)
	}
	if _, err := s.OnNode(ctx, srv.Addr(), "PING"); !errors.Is(err, errSessionClosed) {
		t.Errorf("OnNode after close: %v", err)
	}
	if _, err := s.ScriptExists(ctx, SHA1("return 1")); err == nil {
		t.Error("admin after close: no error")
	}
	if got := clients(); got != before {
		t.Errorf("%d connections after using a closed session, want %d", got, before)
	}
}
