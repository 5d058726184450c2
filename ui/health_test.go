package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

// alt+k on a cluster where one primary has a library the others lack:
// each node's cache figures, each node's libraries, and the drift.
func TestHealthViewShowsDrift(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	cl := sandboxtest.StartClusterT(t)
	ctx := context.Background()
	tg := redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Protocol: 2, Cluster: true}
	s, err := redisx.Connect(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	c := cl.Nodes[0].Client()
	defer c.Close()
	// Several functions, so that FUNCTION LIST's hash-table order shows;
	// one cached script, for the singular.
	if err := c.Do(ctx, "FUNCTION", "LOAD", "#!lua name=only\nredis.register_function('f', function() return 1 end)\n"+
		"redis.register_function('zeta', function() return 1 end)\nredis.register_function('alpha', function() return 1 end)\n"+
		"redis.register_function('mid', function() return 1 end)").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "SCRIPT", "LOAD", "return 1").Err(); err != nil {
		t.Fatal(err)
	}
	m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: "return 1"})
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("k"), Alt: true})
	m = drain(t, mm.(Model), cmd)
	d, ok := topOf[*detailView](m.overlays)
	if !ok {
		t.Fatalf("no view; status %q", m.status)
	}
	text := d.doc.Text()
	for _, want := range []string{"0 cached scripts", "1 cached script,", "only LUA code", "alpha, f, mid, zeta", "DRIFT", "library only, missing"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	// Each primary followed by its own replica, in both sections, as
	// luascope cache and functions list them.
	top, err := s.Topology(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]redisx.ClusterNode{}
	for _, n := range top.Nodes {
		byAddr[n.Addr] = n
	}
	for _, section := range []string{"script cache", "functions"} {
		var order []redisx.ClusterNode
		in := false
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, section+" ") {
				in = true
			} else if in && !strings.HasPrefix(l, " ") {
				break
			}
			if !in {
				continue
			}
			for _, f := range strings.Fields(l) {
				if n, ok := byAddr[f]; ok {
					order = append(order, n)
				}
			}
		}
		if len(order) != 6 {
			t.Fatalf("%s: %d nodes listed:\n%s", section, len(order), text)
		}
		for i, n := range order {
			if i%2 == 0 && n.Role != "primary" || i%2 == 1 && (n.Role != "replica" || n.PrimaryID != order[i-1].ID) {
				t.Errorf("%s: node %d is %s %s (primary %s), want each primary then its replica:\n%s", section, i, n.Role, n.Addr, n.PrimaryID, text)
			}
		}
	}
}

// alt+k while another client's script holds the server: the node could
// not be read, and the drift line says so instead of "none".
func TestHealthBusyNodeNotRead(t *testing.T) {
	srv := sandboxtest.StartT(t, "busy-reply-threshold 100")
	sandboxtest.HoldBusy(t, srv, "EVAL", sandboxtest.SpinLua(20*time.Second), 0)
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}
	s, err := redisx.Connect(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	text := healthDoc(healthCmd(s)().(healthLoadedMsg)).Text()
	t.Logf("\n%s", text)
	if strings.Contains(text, "none: every primary") {
		t.Errorf("a busy node reported in sync:\n%s", text)
	}
	for _, want := range []string{srv.Addr() + " (primary): could not be read: ", "1 node could not be read, so drift there is unknown: " + srv.Addr()} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
}
