package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"luascope/redisx"
)

// TestFitBar: the least important item gives way first, shortened before
// dropped, the rightmost of equals first; kept items are never dropped.
func TestFitBar(t *testing.T) {
	items := []barItem{
		{full: "AAAA", prio: prioMust},
		{full: "bbbbbbbb", short: "bb", prio: prioInfo},
		{full: "cccc", prio: prioDecor},
		{full: "dddd", prio: prioDecor},
		{full: "EEEE", short: "E", prio: prioMust},
	}
	for _, tc := range []struct {
		w    int
		want string
	}{
		{100, "AAAA bbbbbbbb cccc dddd EEEE"},
		{27, "AAAA bbbbbbbb cccc EEEE"},
		{22, "AAAA bbbbbbbb EEEE"},
		{14, "AAAA bb EEEE"},
		{9, "AAAA EEEE"},
		{6, "AAAA E"},
		{3, "AAAA E"}, // kept: the caller cuts
	} {
		if got := strings.Join(fitBar(items, 1, tc.w, prioMust), " "); got != tc.want {
			t.Errorf("width %d: %q, want %q", tc.w, got, tc.want)
		}
	}
}

// TestBarsKeepWhatMatters: at every width from 40 to 200, in every state
// (running, production, read-only, explain, a long label, a long message,
// a lint finding), the status bar keeps the running state and the
// connection badge and the footer keeps F1 and quit, and neither is wider
// than the terminal. At 80 columns the EXPLAIN badge stays too.
func TestBarsKeepWhatMatters(t *testing.T) {
	type state struct {
		name  string
		opts  func(o *Options)
		setup func(m *Model)
		want  []string // in the status bar
	}
	long := "read-only was set by --ro or the connection's config; it cannot be turned off here, and this message is long"
	states := []state{
		{"running", nil, func(m *Model) { m.running, m.runStart = true, time.Now() }, []string{"running", "SANDBOX"}},
		{"prod-ro-explain-running", func(o *Options) { o.Production, o.Label, o.ReadOnly, o.Explain = true, "", true, true },
			func(m *Model) { m.running, m.runStart = true, time.Now(); m.setStatus(long, true) }, []string{"running", "PROD", "RO", "EXPLAIN"}},
		{"ro-explain-message", func(o *Options) { o.ReadOnly, o.Explain = true, true },
			func(m *Model) { m.setStatus(long, false) }, []string{"SANDBOX", "RO", "EXPLAIN"}},
		{"long-label-running", func(o *Options) { o.Production, o.Label = true, "production-eu-west-1-primary" },
			func(m *Model) { m.running, m.runStart = true, time.Now() }, []string{"running", "PRODUCTIO"}},
		{"label-lint", func(o *Options) { o.Label = "staging" }, func(m *Model) {
			m.editor.SetValue(lintedSrc)
			*m = update(*m, m.lintNow()())
			*m = update(*m, JumpToLineMsg{Line: 3})
		}, []string{"staging"}},
	}
	for _, st := range states {
		o := Options{
			Target: redisx.Target{Network: "tcp", Addr: "127.0.0.1:6379", Protocol: 2},
			Source: demoSrc, Filename: "limit.lua", Keys: []string{"k"}, Theme: monoTheme(t), Label: "sandbox",
		}
		if st.opts != nil {
			st.opts(&o)
		}
		m := New(o)
		st.setup(&m)
		for w := minWidth; w <= 200; w++ {
			m := sized(m, w, 24)
			bar, help := m.statusBar(), m.helpBar()
			for _, want := range st.want {
				if !strings.Contains(bar, want) {
					t.Errorf("%s, %d columns: the status bar lost %q: %q", st.name, w, want, bar)
				}
			}
			if w >= 80 && strings.Contains(st.name, "explain") && !strings.Contains(bar, "EXPLAIN") {
				t.Errorf("%s, %d columns: EXPLAIN cut: %q", st.name, w, bar)
			}
			for _, want := range []string{"F1 help", "ctrl+c quit"} {
				if !strings.Contains(help, want) {
					t.Errorf("%s, %d columns: the footer lost %q: %q", st.name, w, want, help)
				}
			}
			if bw, hw := ansi.StringWidth(bar), ansi.StringWidth(help); bw > w || hw > w {
				t.Errorf("%s, %d columns: status %d cells, footer %d cells", st.name, w, bw, hw)
			}
			if st.name == "label-lint" && w >= 80 && !strings.Contains(bar, "✗ error:") {
				t.Errorf("%d columns: the cursor line's finding is not shown: %q", w, bar)
			}
			if strings.HasPrefix(st.name, "ro-explain") && w >= 100 && !strings.Contains(bar, "read-only was set") {
				t.Errorf("%d columns: the message is gone: %q", w, bar)
			}
		}
	}
}
