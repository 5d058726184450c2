package ui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/explain"
)

func altX() tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'x'}, Alt: true} }

// In explain mode the cache state and F2 are the wrapper's (what the next
// run sends); alt+x asks again for the plain script, and a late answer
// about the wrapper does not come back as "cached".
func TestExplainToggleRechecksCache(t *testing.T) {
	const src = "return 1"
	m, srv := guardModel(t, func(o *Options) { o.Explain, o.Source = true, src })
	c := srv.Client()
	defer c.Close()
	wrapSHA, err := c.ScriptLoad(context.Background(), explain.Wrap(src)).Result()
	if err != nil {
		t.Fatal(err)
	}
	m = sized(m, 120, 30)
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyF2})
	m = runCmds(t, m, cmd, 3)
	if m.cache != cacheHeld || !strings.Contains(m.status, "explain wrapper's sha "+short(wrapSHA)) {
		t.Fatalf("F2 in explain mode: cache %v, status %q", m.cache, m.status)
	}
	shown := m
	shown.status = ""
	if v := shown.View(); !strings.Contains(v, "wrapper cached") {
		t.Fatalf("status bar in explain mode does not say whose cache state it shows:\n%s", v)
	}
	m, cmd = guardKey(m, altX())
	if m.explain || m.cache != cacheUnknown {
		t.Fatalf("alt+x: explain %v, cache %v (want off, unknown)", m.explain, m.cache)
	}
	m = runCmds(t, m, cmd, 3)
	if m.cache != cacheMissing {
		t.Fatalf("after alt+x the plain script (not loaded) is %v, want not cached", m.cache)
	}
	// The wrapper's answer arriving late (the last run's check) is not
	// about the next run.
	mm, _ := m.Update(cacheCheckedMsg{sha: wrapSHA, exists: true})
	if mm.(Model).cache != cacheMissing {
		t.Fatal("a cache answer for the explain wrapper set the plain script's state")
	}
	m.cacheAsked = true
	m = runCmds(t, m, checkCacheCmd(m.session, shaJob{sha: redisx.SHA1(src)}), 1)
	if !strings.Contains(m.status, "the script's sha "+short(redisx.SHA1(src))+" is not in the cache") {
		t.Fatalf("F2 with explain off: %q", m.status)
	}
}
