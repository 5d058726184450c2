package resp

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll reads values until an error and returns both.
func readAll(r *Reader) ([]Value, error) {
	var out []Value
	for {
		v, err := r.Read()
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
}

// chunked wraps a reader so every Read returns at most n bytes.
type chunked struct {
	r io.Reader
	n int
}

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

var splitters = map[string]func(io.Reader) io.Reader{
	"whole":    func(r io.Reader) io.Reader { return r },
	"one byte": iotest.OneByteReader,
	"half":     iotest.HalfReader,
	"7 bytes":  func(r io.Reader) io.Reader { return chunked{r, 7} },
	"data+EOF": iotest.DataErrReader,
}

func TestReaderMatchesParse(t *testing.T) {
	var stream bytes.Buffer
	var want []Value
	for _, tc := range validCases {
		stream.WriteString(tc.in)
		want = append(want, tc.want)
	}
	for name, split := range splitters {
		t.Run(name, func(t *testing.T) {
			got, err := readAll(NewReader(split(bytes.NewReader(stream.Bytes()))))
			if err != io.EOF {
				t.Errorf("final error = %v, want io.EOF", err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d values, want %d", len(got), len(want))
			}
			for i := range want {
				if !got[i].Equal(want[i]) {
					t.Errorf("%s: got %s, want %s", validCases[i].name, got[i], want[i])
				}
			}
		})
	}
}

// Values stay valid after later reads: the Reader never reuses memory it
// handed out.
func TestReaderValuesSurviveLaterReads(t *testing.T) {
	var stream bytes.Buffer
	for i := range 5000 {
		stream.Write(Encode(nil, bulk(strings.Repeat("x", i%100)+"end")))
	}
	r := NewReader(chunked{bytes.NewReader(stream.Bytes()), 1000})
	got, err := readAll(r)
	if err != io.EOF || len(got) != 5000 {
		t.Fatalf("%d values, err %v", len(got), err)
	}
	for i, v := range got {
		if want := strings.Repeat("x", i%100) + "end"; string(v.Str) != want {
			t.Fatalf("value %d = %q, want %q", i, v.Str, want)
		}
	}
}

func TestReaderEOF(t *testing.T) {
	r := NewReader(strings.NewReader(""))
	if _, err := r.Read(); err != io.EOF {
		t.Errorf("empty stream: %v, want io.EOF", err)
	}
	for _, in := range []string{"+OK", "$5\r\nab", "*2\r\n:1\r\n", "|1\r\n+a\r\n+b\r\n"} {
		r := NewReader(strings.NewReader(in))
		_, err := r.Read()
		if !errors.Is(err, ErrIncomplete) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%q: err = %v, want ErrIncomplete and io.ErrUnexpectedEOF", in, err)
		}
	}
}

func TestReaderProtocolErrorIsStickyWithStreamOffset(t *testing.T) {
	r := NewReader(iotest.OneByteReader(strings.NewReader("+OK\r\n:1\r\n$2\r\nabc\r\n+later\r\n")))
	for range 2 {
		if _, err := r.Read(); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		_, err := r.Read()
		var pe *ProtocolError
		if !errors.As(err, &pe) || pe.Offset != 15 {
			t.Fatalf("err = %v, want ProtocolError at offset 15", err)
		}
	}
}

func TestReaderDepthBomb(t *testing.T) {
	in := strings.Repeat("*1\r\n", 10*MaxDepth)
	_, err := NewReader(chunked{strings.NewReader(in), 100}).Read()
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Offset != 4*MaxDepth {
		t.Errorf("err = %v, want nesting error at %d", err, 4*MaxDepth)
	}
}

type errAfter struct {
	data []byte
	err  error
}

func (e *errAfter) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

// A read error (a deadline, say) is not final: reading again resumes.
func TestReaderResumesAfterReadError(t *testing.T) {
	boom := errors.New("deadline")
	src := &errAfter{data: []byte("*2\r\n:1\r\n"), err: boom}
	r := NewReader(src)
	if _, err := r.Read(); err != boom {
		t.Fatalf("err = %v, want the read error", err)
	}
	src.data = []byte(":2\r\n")
	v, err := r.Read()
	if err != nil || !v.Equal(array(integer(1), integer(2))) {
		t.Errorf("after resume: %v, %v", v, err)
	}
}

// Headers that promise gigabytes do not make the Reader allocate them.
func TestReaderHostileHeaders(t *testing.T) {
	for _, in := range []string{
		"$2147483647\r\nabc",
		strings.Repeat("*2147483647\r\n", MaxDepth-1),
		"*2147483647\r\n" + strings.Repeat(":1\r\n", 1000),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := NewReader(strings.NewReader(in)).Read()
		runtime.ReadMemStats(&after)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%.20q: err = %v", in, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 { // the stack of MaxDepth open aggregates
			t.Errorf("%.20q: allocated %d bytes", in, got)
		}
	}
}

// A long status line arriving in small pieces is searched once, not once
// per piece (which would be quadratic); and a long reply stays linear.
func TestReaderAllocsLinear(t *testing.T) {
	for _, n := range []int{10_000, 200_000} {
		wire := bulkArrayWire(n)
		allocs := testing.AllocsPerRun(2, func() {
			v, err := NewReader(chunked{bytes.NewReader(wire), 1500}).Read()
			if err != nil || len(v.Elems) != n {
				t.Fatal(err)
			}
		})
		// Buffers double, so allocations grow with log(n), not n.
		if allocs > 40 {
			t.Errorf("n=%d: %v allocations", n, allocs)
		}
	}
	long := "+" + strings.Repeat("a", 1<<20) + "\r\n"
	v, err := NewReader(chunked{strings.NewReader(long), 512}).Read()
	if err != nil || len(v.Str) != 1<<20 {
		t.Errorf("long status: %v", err)
	}
}
