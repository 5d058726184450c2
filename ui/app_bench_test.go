package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
)

// BenchmarkStartupFirstFrame is the in-process cost from New to the first
// drawn frame at 120×40 with a 10,000-line script (no server: connecting
// is measured by the redisx benchmarks).
//
//	go test -run '^$' -bench StartupFirstFrame -benchmem ./ui/
func BenchmarkStartupFirstFrame(b *testing.B) {
	benchFirstFrame(b, strings.Repeat("local x = redis.call('get', KEYS[1]) -- comment\n", 10000))
}

// benchFirstFrame builds the app on src and draws its first frame at
// 120×40, as luascope does at start.
func benchFirstFrame(b *testing.B, src string) {
	th := monoTheme(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m := New(Options{Target: redisx.Target{Network: "tcp", Addr: "127.0.0.1:6379"}, Source: src, Theme: th})
		mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		if len(mm.View()) == 0 {
			b.Fatal("empty frame")
		}
	}
}

// BenchmarkAppKeystroke is one key typed into the editor of the whole app
// (root routing + every pane's View) with a 10,000-line script.
func BenchmarkAppKeystroke(b *testing.B) {
	benchKeystroke(b, strings.Repeat("local x = redis.call('get', KEYS[1]) -- comment\n", 10000))
}

// benchKeystroke types one key into the editor of the app on src and
// draws the frame after it, per op.
func benchKeystroke(b *testing.B, src string) {
	m := New(Options{Target: redisx.Target{Network: "tcp", Addr: "127.0.0.1:6379"}, Source: src, Theme: monoTheme(b)})
	var mm tea.Model = m
	mm, _ = mm.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	key := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'x'}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mm, _ = mm.Update(key)
		_ = mm.View()
	}
}

// BenchmarkRunKey10k is the first reaction to ctrl+r with a 10,000-line
// script: the Update that starts the run and the frame drawn after it
// (the run's command itself is not executed: the round trips are
// measured by the redisx benchmarks). Connected to a sandbox server,
// since without a session ctrl+r only says "not connected". Protected
// runs a production connection, where the run is checked for blocking
// findings first (read-only too, so that no "may write" question
// comes first).
//
//	go test -run '^$' -bench RunKey10k -benchmem ./ui/
func BenchmarkRunKey10k(b *testing.B) {
	_, tg, s := sandboxSession(b)
	src := strings.Repeat("local x = redis.call('get', KEYS[1]) -- comment\n", 10000)
	for _, c := range []struct {
		name       string
		production bool
	}{{"plain", false}, {"production", true}} {
		b.Run(c.name, func(b *testing.B) {
			m := New(Options{Session: s, Target: tg, Source: src, Keys: []string{"k"}, Theme: monoTheme(b), Production: c.production, ReadOnly: c.production})
			var base tea.Model = m
			base, _ = base.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			_ = base.View()
			key := tea.KeyMsg{Type: tea.KeyCtrlR}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				mm, cmd := base.Update(key)
				if cmd == nil {
					b.Fatal("ctrl+r started nothing")
				}
				_ = mm.View()
			}
		})
	}
}

// bigScript is a 10 MB script (about 300,000 lines) of the kind `luascope
// run` is measured with in docs/performance.md.
func bigScript() string {
	blk := "if redis.call('INCR', KEYS[1]) > tonumber(ARGV[1]) then\n  redis.call('EXPIRE', KEYS[1], 60) -- window\nend\n"
	return "-- 10 MB script\n" + strings.Repeat(blk, 10<<20/len(blk)) + "return redis.call('GET', KEYS[1])\n"
}

// BenchmarkStartupFirstFrame10MB is BenchmarkStartupFirstFrame with a
// 10 MB script: opening it must cost what splitting it costs, no more
// (lexing and drawing are for the visible lines).
func BenchmarkStartupFirstFrame10MB(b *testing.B) { benchFirstFrame(b, bigScript()) }

// BenchmarkAppKeystroke10MB is BenchmarkAppKeystroke with a 10 MB script:
// bounded, not linear, since over 1 MiB a key neither joins nor hashes
// the text (the title's SHA and the rescue copy wait for a pause in
// typing: TestBigScriptKeysDoNotHash).
func BenchmarkAppKeystroke10MB(b *testing.B) { benchKeystroke(b, bigScript()) }
