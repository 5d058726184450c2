package resp

import (
	"bytes"
	"io"
	"strconv"
	"sync"
	"testing"
)

// bulkArrayWire is an n-element array of small bulk strings ("v0", "v1", …).
func bulkArrayWire(n int) []byte {
	b := make([]byte, 0, n*12+16)
	b = appendHeader(b, '*', n)
	var s []byte
	for i := range n {
		s = strconv.AppendInt(append(s[:0], 'v'), int64(i), 10)
		b = appendBlob(b, '$', s)
	}
	return b
}

// intArrayWire is an n-element array of integers.
func intArrayWire(n int) []byte {
	b := make([]byte, 0, n*10+16)
	b = appendHeader(b, '*', n)
	for i := range n {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, '\r', '\n')
	}
	return b
}

const million = 1_000_000

var (
	benchOnce            sync.Once
	benchBulk, benchInts []byte
	benchValue           Value
)

func benchData(b *testing.B) {
	benchOnce.Do(func() {
		benchBulk = bulkArrayWire(million)
		benchInts = intArrayWire(million)
		var err error
		if benchValue, _, err = Parse(benchBulk); err != nil {
			panic(err)
		}
	})
	b.ResetTimer()
}

func BenchmarkParseArray1M(b *testing.B) {
	for _, tc := range []struct {
		name string
		wire *[]byte
	}{{"bulk", &benchBulk}, {"integer", &benchInts}} {
		b.Run(tc.name, func(b *testing.B) {
			benchData(b)
			b.SetBytes(int64(len(*tc.wire)))
			b.ReportAllocs()
			for b.Loop() {
				v, _, err := Parse(*tc.wire)
				if err != nil || len(v.Elems) != million {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReaderArray1M(b *testing.B) {
	benchData(b)
	b.SetBytes(int64(len(benchBulk)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := NewReader(bytes.NewReader(benchBulk)).Read()
		if err != nil || len(v.Elems) != million {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSON1M(b *testing.B) {
	benchData(b)
	b.ReportAllocs()
	for b.Loop() {
		out, err := benchValue.MarshalJSON()
		if err != nil || len(out) == 0 {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}

func BenchmarkText1M(b *testing.B) {
	b.Run("WriteText", func(b *testing.B) {
		benchData(b)
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteText(io.Discard, benchValue); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Text", func(b *testing.B) {
		benchData(b)
		b.ReportAllocs()
		for b.Loop() {
			if len(Text(benchValue)) == 0 {
				b.Fatal("empty")
			}
		}
	})
}

func BenchmarkEncode1M(b *testing.B) {
	benchData(b)
	b.SetBytes(int64(len(benchBulk)))
	b.ReportAllocs()
	buf := make([]byte, 0, len(benchBulk))
	for b.Loop() {
		buf = Encode(buf[:0], benchValue)
	}
}

// feedLines writes wire to d the way go-redis's DoRawWriteTo does: each
// header or scalar line, then its CRLF, and a blob's payload through
// ReadFrom.
func feedLines(d *Decoder, wire []byte) {
	var br bytes.Reader
	lr := io.LimitedReader{R: &br}
	for len(wire) > 0 {
		i := bytes.IndexByte(wire, '\n')
		_, _ = d.Write(wire[:i-1])
		_, _ = d.Write(wire[i-1 : i+1])
		line := wire[:i-1]
		wire = wire[i+1:]
		if line[0] == '$' {
			n, _ := strconv.Atoi(string(line[1:]))
			if n >= 0 {
				br.Reset(wire[:n+2])
				lr.N = int64(n + 2)
				_, _ = d.ReadFrom(&lr)
				wire = wire[n+2:]
			}
		}
	}
}

// BenchmarkDecode1M decodes a 1,000,000-element array as a run does:
// written to a Decoder line by line, then one slab of Values.
//
//	go test -run '^$' -bench 'Decode' -benchmem -count 6 ./redisx/resp/
func BenchmarkDecode1M(b *testing.B) {
	for _, tc := range []struct {
		name string
		wire *[]byte
	}{{"bulk", &benchBulk}, {"integer", &benchInts}} {
		b.Run(tc.name, func(b *testing.B) {
			benchData(b)
			b.SetBytes(int64(len(*tc.wire)))
			b.ReportAllocs()
			for b.Loop() {
				var d Decoder
				feedLines(&d, *tc.wire)
				if v, err := d.Value(); err != nil || len(v.Elems) != million {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeBulk100MB decodes one 100 MiB bulk string: its header
// reserves the room, the payload is read into it.
func BenchmarkDecodeBulk100MB(b *testing.B) {
	wire := Encode(nil, Value{Kind: Bulk, Str: bytes.Repeat([]byte{'x'}, 100<<20)})
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var d Decoder
		feedLines(&d, wire)
		if v, err := d.Value(); err != nil || len(v.Str) != 100<<20 {
			b.Fatal(err)
		}
	}
}
