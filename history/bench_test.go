package history

import (
	"os"
	"testing"
)

// BenchmarkAppend is one run recorded: encode, open, flock, write, close.
func BenchmarkAppend(b *testing.B) {
	s := openTemp(b, Options{})
	e := sample(1)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Append(e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad10k reads a history of 10,000 typical runs (about 1 KB each),
// what the TUI does when it opens the history pane.
func BenchmarkLoad10k(b *testing.B) {
	s := openTemp(b, Options{MaxBytes: 1 << 30})
	for i := range 10_000 {
		if err := s.Append(sample(i)); err != nil {
			b.Fatal(err)
		}
	}
	st, _ := os.Stat(s.Path())
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		es, ps, err := s.Load()
		if err != nil || len(es) != 10_000 || len(ps) != 0 {
			b.Fatalf("%d entries, %v, %v", len(es), ps, err)
		}
	}
}

// BenchmarkFilter10k is one keystroke in the history search box.
func BenchmarkFilter10k(b *testing.B) {
	es := make([]Entry, 10_000)
	for i := range es {
		es[i] = sample(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		Filter(es, "expire rate:99")
	}
}
