package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// BenchmarkTreeFrame1M is one frame of a 1,000,000-element array reply at
// 120×40: a PageDown, then View (only the 39 visible rows are drawn). At
// the bottom it starts again from the top, so every frame moves.
func BenchmarkTreeFrame1M(b *testing.B) {
	tr := treeTestNew(treeTestMillion(1_000_000), 120, 40)
	k := tr.common.Keys
	down, top := treeTestPress(k.PageDown), treeTestPress(k.Top)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if tr.Cursor() >= tr.rowCount()-1 {
			tr, _ = tr.update(top)
		}
		tr, _ = tr.update(down)
		if len(tr.View()) == 0 {
			b.Fatal("empty view")
		}
	}
}

// BenchmarkTreeSetReply1M is SetReply of a 1,000,000-element array reply
// plus its first frame: what a user waits for after the run finishes.
func BenchmarkTreeSetReply1M(b *testing.B) {
	v := treeTestMillion(1_000_000)
	tr := treeTestNew(nil, 120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tr.SetReply(v)
		if len(tr.View()) == 0 {
			b.Fatal("empty view")
		}
	}
}

// BenchmarkTreeToggleRoot1M collapses and expands the root of a
// 1,000,000-element reply, then draws a frame.
func BenchmarkTreeToggleRoot1M(b *testing.B) {
	tr := treeTestNew(treeTestMillion(1_000_000), 120, 40)
	toggle := treeTestPress(tr.common.Keys.Toggle)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tr, _ = tr.update(toggle)
		_ = tr.View()
	}
}

// BenchmarkTreeRawView1M switches a 1,000,000-element reply to the raw
// view (Encode and the line index, built once per reply) and draws it.
func BenchmarkTreeRawView1M(b *testing.B) {
	v := treeTestMillion(1_000_000)
	tr := treeTestNew(nil, 120, 40)
	raw := treeTestPress(tr.common.Keys.RawView)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tr.SetReply(v)
		tr, _ = tr.update(raw)
		if !tr.Raw() || len(tr.View()) == 0 {
			b.Fatal("no raw view")
		}
		tr, _ = tr.update(raw)
	}
}

// BenchmarkTreeSearch1M is one search in a 1,000,000-element reply (the
// integers 0 … 999,999), as each typed character of the query makes: the
// walk over every element (no row is drawn), the jump to the first match
// and the frame that shows it. "rare" finds 20 matches, "half" 468,559.
func BenchmarkTreeSearch1M(b *testing.B) {
	for _, c := range []struct {
		name, q string
		want    int
	}{{"rare", "98765", 20}, {"half", "7", 468_559}} {
		b.Run(c.name, func(b *testing.B) {
			tr := treeTestNew(treeTestMillion(1_000_000), 120, 40)
			k := tr.common.Keys
			slash, esc := treeTestPress(k.Search), tea.KeyMsg{Type: tea.KeyEsc}
			typed := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(c.q)}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				tr, _ = tr.update(slash)
				tr, _ = tr.update(typed)
				if len(tr.View()) == 0 || tr.search.tree.len() != c.want {
					b.Fatalf("matches: %d", tr.search.tree.len())
				}
				tr, _ = tr.update(esc)
			}
		})
	}
}

// BenchmarkTreeSearchTyped1M is "/" and a query typed one character at
// a time into a 1,000,000-element reply, with a frame after each: the
// first character searches the whole reply, the others only the matches
// left (the query only grows).
func BenchmarkTreeSearchTyped1M(b *testing.B) {
	tr := treeTestNew(treeTestMillion(1_000_000), 120, 40)
	k := tr.common.Keys
	slash, esc := treeTestPress(k.Search), tea.KeyMsg{Type: tea.KeyEsc}
	query := searchTestType("98765")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tr, _ = tr.update(slash)
		for _, q := range query {
			tr, _ = tr.update(q)
			_ = tr.View()
		}
		if tr.search.tree.len() != 20 {
			b.Fatalf("matches: %d", tr.search.tree.len())
		}
		tr, _ = tr.update(esc)
	}
}

// BenchmarkTreeSearchNext1M is n in a 1,000,000-element reply with
// 50,000 matches: a binary search over the matches, a reveal and a frame.
func BenchmarkTreeSearchNext1M(b *testing.B) {
	tr := treeTestNew(treeTestMillion(1_000_000), 120, 40)
	k := tr.common.Keys
	tr, _ = tr.update(treeTestPress(k.Search))
	for _, q := range searchTestType("77", tea.KeyEnter) {
		tr, _ = tr.update(q)
	}
	next := treeTestPress(k.NextMatch)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tr, _ = tr.update(next)
		if len(tr.View()) == 0 {
			b.Fatal("empty view")
		}
	}
}
