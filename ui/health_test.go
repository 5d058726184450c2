package ui

import (
	"context"
	"strings"
	"testing"

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
	if err := c.Do(ctx, "FUNCTION", "LOAD", "#!lua name=only\nredis.register_function('f', function() return 1 end)").Err(); err != nil {
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
	for _, want := range []string{"cached scripts", "only LUA code", "DRIFT", "library only, missing"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
}
