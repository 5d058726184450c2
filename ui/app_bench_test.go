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
	src := strings.Repeat("local x = redis.call('get', KEYS[1]) -- comment\n", 10000)
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
	src := strings.Repeat("local x = redis.call('get', KEYS[1]) -- comment\n", 10000)
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
