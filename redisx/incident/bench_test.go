package incident

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkSummarize groups a full 10,000-entry slow log (slowlog-max-len
// raised that far): 40 scripts, 10 functions, a third other commands.
func BenchmarkSummarize(b *testing.B) {
	entries := make([]SlowEntry, 10000)
	for i := range entries {
		var words []string
		switch i % 3 {
		case 0:
			words = []string{"EVALSHA", fmt.Sprintf("%040d", i%40), "1", "key", "arg"}
		case 1:
			words = []string{"FCALL", fmt.Sprintf("fn%d", i%10), "1", "key", "arg"}
		default:
			words = []string{"GET", "key"}
		}
		entries[i] = SlowEntry{Node: "127.0.0.1:6379", ID: int64(i), Time: time.Unix(int64(1e9+i), 0),
			Duration: time.Duration(i%997) * time.Microsecond, Words: words}
	}
	r := NewResolver(nil)
	b.ReportAllocs()
	for b.Loop() {
		if s := Summarize(entries, r); len(s.Groups) != 50 {
			b.Fatal(len(s.Groups))
		}
	}
}
