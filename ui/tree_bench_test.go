package ui

import "testing"

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
