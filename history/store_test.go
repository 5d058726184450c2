package history

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTemp(t testing.TB, opt Options) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "state", "luascope", "history.jsonl"), opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sample is a typical run; i makes entries distinguishable.
func sample(i int) Entry {
	return Entry{
		Time:     time.Date(2025, 3, 1, 12, 0, 0, i*1000, time.UTC),
		Target:   "redis://app:***@127.0.0.1:6379/0",
		Label:    "sandbox",
		SHA:      "a823594bad293c42703d93bd53e014c5a25094dd",
		Source:   "-- rate limiter\nlocal n = redis.call('INCR', KEYS[1])\nif n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end\nreturn {n <= tonumber(ARGV[1]) and 1 or 0, n}",
		Keys:     []string{fmt.Sprintf("rate:%d", i)},
		Args:     []string{"5", "60"},
		Strategy: "evalsha-load",
		Steps: []Step{
			{Command: []string{"EVALSHA", "a823594bad293c42703d93bd53e014c5a25094dd", "1", fmt.Sprintf("rate:%d", i), "5", "60"}, Node: "127.0.0.1:6379", Outcome: "noscript", Micros: 76, Reply: "(error) NOSCRIPT No matching script. Please use EVAL."},
			{Command: []string{"SCRIPT", "LOAD", "-- rate limiter…(140 bytes)"}, Node: "127.0.0.1:6379", Outcome: "ok", Micros: 81, Reply: `"a823594bad293c42703d93bd53e014c5a25094dd"`},
			{Command: []string{"EVALSHA", "a823594bad293c42703d93bd53e014c5a25094dd", "1", fmt.Sprintf("rate:%d", i), "5", "60"}, Node: "127.0.0.1:6379", Outcome: "ok", Micros: 97, Reply: "array[2]"},
		},
		Reply:  "array[2]",
		Micros: 278,
	}
}

func load(t testing.TB, s *Store) ([]Entry, []LoadProblem) {
	t.Helper()
	es, ps, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	return es, ps
}

func TestRoundTrip(t *testing.T) {
	s := openTemp(t, Options{Sync: true})
	in := []Entry{
		sample(1),
		{
			Time:       time.Date(2025, 3, 1, 12, 0, 1, 123456789, time.FixedZone("CET", 3600)),
			Target:     "unix:///run/redis.sock?db=2",
			SHA:        "0000000000000000000000000000000000000000",
			Source:     "return ARGV[1] .. '\x00\xff' -- é <>&\u2028",
			Function:   "mylib_fn",
			Keys:       []string{"", "k\x00ey", "\xff\xfe", "ok"},
			Args:       []string{"\x80", "plain", "\"quoted\"\n\t", "bad utf8 tail \xe2\x82", string([]byte{0, 1, 2, 255})},
			Strategy:   "eval",
			ReadOnly:   true,
			Steps:      []Step{{Command: []string{"EVAL", "return …", "1", "\xff"}, Outcome: "error", Micros: 5, Reply: "(error) ERR boom"}},
			Reply:      "(error) ERR boom",
			ErrorClass: "runtime",
			Error:      "ERR user_script:1: boom",
			Micros:     9,
		},
	}
	for _, e := range in {
		if err := s.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	out, problems := load(t, s)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	if len(out) != len(in) {
		t.Fatalf("loaded %d entries, want %d", len(out), len(in))
	}
	for i := range in {
		if !out[i].Time.Equal(in[i].Time) {
			t.Errorf("entry %d time %v, want %v", i, out[i].Time, in[i].Time)
		}
		out[i].Time = in[i].Time
		if !reflect.DeepEqual(out[i], in[i]) {
			t.Errorf("entry %d:\n got %#v\nwant %#v", i, out[i], in[i])
		}
	}
	raw, _ := os.ReadFile(s.Path())
	if !bytes.Contains(raw, []byte(`{"hex":"fffe"}`)) || !bytes.Contains(raw, []byte(`n <= tonumber`)) {
		t.Errorf("file does not show hex for invalid UTF-8 or escapes HTML:\n%s", raw)
	}
}

func TestEntryJSONShape(t *testing.T) {
	e := Entry{Time: time.Date(2025, 3, 1, 12, 0, 0, 5, time.UTC), Target: "redis://h:6379", SHA: "ab", Source: "return 1", Args: []string{"\xff"}, Strategy: "eval", Reply: "(integer) 1", Micros: 3}
	b, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2025-03-01T12:00:00.000000005Z","target":"redis://h:6379","sha":"ab","source":"return 1","keys":[],"args":[{"hex":"ff"}],"strategy":"eval","readonly":false,"steps":[],"reply":"(integer) 1","error_class":"","micros":3}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	var back Entry
	if err := back.UnmarshalJSON(b); err != nil || back.Args[0] != "\xff" {
		t.Fatalf("unmarshal: %v %#v", err, back)
	}
}

func TestModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	s, err := Open(filepath.Join(dir, "history.jsonl"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, s.Path(): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", path, st.Mode().Perm(), want)
		}
	}
	// An existing file that others can read is narrowed.
	wide := filepath.Join(t.TempDir(), "h.jsonl")
	if err := os.WriteFile(wide, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(wide, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(wide, Options{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(wide); st.Mode().Perm() != 0o600 {
		t.Errorf("existing file mode %v, want 0600", st.Mode().Perm())
	}
	// Rotation keeps the mode.
	s2 := openTemp(t, Options{MaxBytes: 2000})
	for i := range 10 {
		if err := s2.Append(sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := os.Stat(s2.Path()); st.Mode().Perm() != 0o600 {
		t.Errorf("rotated file mode %v, want 0600", st.Mode().Perm())
	}
}

func TestTornLastLine(t *testing.T) {
	s := openTemp(t, Options{})
	for i := range 3 {
		if err := s.Append(sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Simulate a crash in the middle of writing a fourth entry.
	line, _ := encode(prepare(sample(3), time.Now()).toWire())
	f, err := os.OpenFile(s.Path(), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(line[:len(line)/2])
	f.Close()

	es, ps := load(t, s)
	if len(es) != 3 || len(ps) != 1 || ps[0].Line != 4 || !strings.Contains(ps[0].Err, "incomplete last line") {
		t.Fatalf("got %d entries, problems %v; want 3 entries and an incomplete line 4", len(es), ps)
	}
	for i, e := range es {
		if e.Keys[0] != fmt.Sprintf("rate:%d", i) {
			t.Errorf("entry %d damaged: %v", i, e.Keys)
		}
	}
	// The next append must not be glued to the torn fragment.
	if err := s.Append(sample(5)); err != nil {
		t.Fatal(err)
	}
	es, ps = load(t, s)
	if len(es) != 4 || es[3].Keys[0] != "rate:5" || len(ps) != 1 || ps[0].Line != 4 || strings.Contains(ps[0].Err, "incomplete") {
		t.Fatalf("after append: %d entries, problems %v; want 4 entries and line 4 reported as corrupt", len(es), ps)
	}
}

func TestCorruptMiddleLine(t *testing.T) {
	s := openTemp(t, Options{})
	var content bytes.Buffer
	for i, mid := range []string{"", "{not json\n", "\n", "[1,2]\n", "{}\n", `{"time":"2025-01-01T00:00:00Z","keys":[{"hex":"zz"}]}` + "\n", ""} {
		content.WriteString(mid)
		line, _ := encode(prepare(sample(i), time.Now()).toWire())
		content.Write(line)
	}
	if err := os.WriteFile(s.Path(), content.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	es, ps := load(t, s)
	if len(es) != 7 {
		t.Errorf("%d entries, want 7", len(es))
	}
	lines := []int{}
	for _, p := range ps {
		lines = append(lines, p.Line)
	}
	// The blank line (4) is skipped silently.
	if want := []int{2, 6, 8, 10}; !reflect.DeepEqual(lines, want) {
		t.Errorf("problem lines %v, want %v (%v)", lines, want, ps)
	}
}

func TestLongLineSkipped(t *testing.T) {
	old := maxLine
	maxLine = 1000
	t.Cleanup(func() { maxLine = old })
	s := openTemp(t, Options{})
	huge := sample(1)
	huge.Source = strings.Repeat("x", 200<<10) // larger than the 64 KiB read buffer too
	for _, e := range []Entry{sample(0), huge, sample(2)} {
		if err := s.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	es, ps := load(t, s)
	if len(es) != 2 || len(ps) != 1 || ps[0].Line != 2 || !strings.Contains(ps[0].Err, "longer than") {
		t.Fatalf("%d entries, problems %v; want 2 and line 2 too long", len(es), ps)
	}
	maxLine = old
	es, ps = load(t, s)
	if len(es) != 3 || len(ps) != 0 || es[1].Source != huge.Source {
		t.Fatalf("with the real limit: %d entries, problems %v", len(es), ps)
	}
}

func TestRotation(t *testing.T) {
	const maxBytes = 8 << 10
	s := openTemp(t, Options{MaxBytes: maxBytes, KeepBytes: 3 << 10})
	for i := range 200 {
		if err := s.Append(sample(i)); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(s.Path()); err != nil || st.Size() > maxBytes {
			t.Fatalf("after append %d: size %v, err %v; want ≤ %d", i, st.Size(), err, maxBytes)
		}
	}
	es, ps := load(t, s)
	if len(ps) != 0 || len(es) == 0 {
		t.Fatalf("%d entries, problems %v", len(es), ps)
	}
	// The newest survive, contiguous and in order.
	for j, e := range es {
		if want := fmt.Sprintf("rate:%d", 200-len(es)+j); e.Keys[0] != want {
			t.Fatalf("entry %d is %s, want %s", j, e.Keys[0], want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(s.Path()), ".*.tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestKeepNewestDropsTorn(t *testing.T) {
	data := []byte("{\"a\":1}\n{torn\n{\"b\":2}\n{\"c\":")
	if got := string(keepNewest(data, 100)); got != "{\"a\":1}\n{\"b\":2}\n" {
		t.Errorf("keepNewest = %q", got)
	}
	if got := string(keepNewest(data, 3)); got != "{\"b\":2}\n" {
		t.Errorf("keepNewest with a tiny budget = %q; the newest line must stay", got)
	}
}

func TestConcurrentAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.jsonl")
	shared, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 6, 40
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := shared
			if w%2 == 1 { // separate Stores: only the flock keeps them apart
				s, _ = Open(path, Options{})
			}
			for i := range each {
				e := sample(w*1000 + i)
				e.Source = strings.Repeat(fmt.Sprint(w), 3_000+i*97) // large writes
				if err := s.Append(e); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	es, ps := load(t, shared)
	if len(es) != writers*each || len(ps) != 0 {
		t.Fatalf("%d entries (want %d), problems %v", len(es), writers*each, ps)
	}
}

// TestConcurrentRotation has several Stores append to a small file at once,
// so rotations (renames) race with appends that must notice them.
func TestConcurrentRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.jsonl")
	const maxBytes = 6 << 10
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(path, Options{MaxBytes: maxBytes})
			if err != nil {
				t.Error(err)
				return
			}
			for i := range 60 {
				if err := s.Append(sample(w*1000 + i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	s, _ := Open(path, Options{MaxBytes: maxBytes})
	es, ps := load(t, s)
	if len(ps) != 0 || len(es) == 0 {
		t.Fatalf("%d entries, problems %v", len(es), ps)
	}
	if st, _ := os.Stat(path); st.Size() > maxBytes {
		t.Errorf("size %d > %d", st.Size(), maxBytes)
	}
}

func TestLoadMissingFile(t *testing.T) {
	s := openTemp(t, Options{})
	os.Remove(s.Path())
	es, ps, err := s.Load()
	if err != nil || es != nil || ps != nil {
		t.Fatalf("Load of a missing file = %v, %v, %v", es, ps, err)
	}
	if err := s.Append(sample(1)); err != nil { // and Append recreates it
		t.Fatal(err)
	}
	if st, _ := os.Stat(s.Path()); st.Mode().Perm() != 0o600 {
		t.Errorf("recreated mode %v", st.Mode().Perm())
	}
}

func TestTimeFilledIn(t *testing.T) {
	s := openTemp(t, Options{})
	fixed := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	s.now = func() time.Time { return fixed }
	e := sample(1)
	e.Time = time.Time{}
	if err := s.Append(e); err != nil {
		t.Fatal(err)
	}
	es, _ := load(t, s)
	if !es[0].Time.Equal(fixed) {
		t.Errorf("time %v, want %v", es[0].Time, fixed)
	}
}
