package history

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLoad feeds any file content to Load: it must never panic or fail,
// only skip and report, and every entry it returns must survive a second
// round trip through Append.
func FuzzLoad(f *testing.F) {
	good, _ := encode(prepare(sample(1), time.Unix(1, 0)).toWire())
	f.Add(good)
	f.Add(append(append([]byte{}, good...), good[:len(good)/2]...))
	f.Add([]byte("{\"time\":\"2025-01-01T00:00:00Z\",\"args\":[{\"hex\":\"ff\"}],\"steps\":[{\"command\":null}]}\n"))
	f.Add([]byte("\n\n{}\n[]\nnull\n\"x\"\n{\"time\":1}\n"))
	f.Add([]byte{0xff, '\n', '{'})
	dir := f.TempDir()
	var n int
	f.Fuzz(func(t *testing.T, content []byte) {
		n++
		path := filepath.Join(dir, "h.jsonl")
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		s := &Store{path: path, opt: Options{MaxBytes: DefaultMaxBytes, KeepBytes: DefaultMaxBytes / 2}, now: time.Now}
		es, ps, err := s.Load()
		if err != nil {
			t.Fatalf("Load error: %v", err)
		}
		if lines := bytes.Count(content, []byte("\n")) + 1; len(es)+len(ps) > lines {
			t.Fatalf("%d entries + %d problems from %d lines", len(es), len(ps), lines)
		}
		for _, e := range es {
			b, err := e.MarshalJSON()
			if err != nil {
				t.Fatalf("re-marshal: %v", err)
			}
			var back Entry
			if err := back.UnmarshalJSON(b); err != nil {
				t.Fatalf("re-unmarshal %s: %v", b, err)
			}
		}
	})
}
