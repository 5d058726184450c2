package resp

import (
	"errors"
	"strings"
	"testing"
)

// feedEach feeds in pieces of the given size, as reads off a socket come.
func feedEach(g *Guard, in []byte, piece int) error {
	for len(in) > 0 {
		k := min(piece, len(in))
		if err := g.Feed(in[:k]); err != nil {
			return err
		}
		in = in[k:]
	}
	return nil
}

// Every valid reply passes the guard, however the reads split it, and
// after it the guard is between values again.
func TestGuardPassesValidReplies(t *testing.T) {
	var all []byte
	for _, tc := range validCases {
		all = append(all, tc.in...)
		for _, piece := range []int{1, 2, 3, 7, 1 << 20} {
			g := NewGuard(DefaultLimits)
			if err := feedEach(g, []byte(tc.in), piece); err != nil {
				t.Errorf("%s (pieces of %d): %v", tc.name, piece, err)
			}
			if g.typ != 0 || g.skip != 0 || len(g.stack) != 0 || g.outstanding != 0 {
				t.Errorf("%s: not between values after the reply: %+v", tc.name, g)
			}
		}
	}
	g := NewGuard(DefaultLimits)
	if err := feedEach(g, all, 5); err != nil {
		t.Errorf("all replies in one stream: %v", err)
	}
	deep := strings.Repeat("*1\r\n", MaxDepth) + ":1\r\n"
	if err := NewGuard(DefaultLimits).Feed([]byte(deep)); err != nil {
		t.Errorf("MaxDepth levels: %v", err)
	}
}

// Headers that promise what no server sends are refused before a reader
// behind the guard could allocate for them.
func TestGuardRefusesLies(t *testing.T) {
	cases := map[string]string{
		"bulk of a terabyte":   "$999999999999\r\n",
		"blob error":           "!999999999999\r\n",
		"array of 2^31":        "*2147483647\r\n",
		"map of 2^31":          "%2147483647\r\n",
		"attribute of 2^62":    "|4611686018427387904\r\n",
		"nested big arrays":    strings.Repeat("*16000000\r\n", 6),
		"depth bomb":           strings.Repeat("*1\r\n", MaxDepth+1),
		"length overflow":      "$99999999999999999999999\r\n",
		"length not a number":  "*abc\r\n",
		"negative length":      "$-5\r\n",
		"length line too long": "*" + strings.Repeat("0", 40) + "1\r\n",
		"unknown type":         "?what\r\n",
		"length without CR":    "$3\nabc\r\n",
		"after a good reply":   "+OK\r\n*2147483647\r\n",
	}
	for name, in := range cases {
		for _, piece := range []int{1, 4, 1 << 20} {
			err := feedEach(NewGuard(DefaultLimits), []byte(in), piece)
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Errorf("%s (pieces of %d): err = %v, want a ProtocolError", name, piece, err)
				continue
			}
			if !strings.Contains(pe.Msg, "refused before reading") {
				t.Errorf("%s: message %q", name, pe.Msg)
			}
		}
	}
	g := NewGuard(DefaultLimits)
	first := g.Feed([]byte("$999999999999\r\n"))
	if again := g.Feed([]byte("+OK\r\n")); again != first {
		t.Errorf("a refused stream must stay refused: %v then %v", first, again)
	}
	if !strings.Contains(first.Error(), "999,999,999,999 bytes") || !strings.Contains(first.Error(), "1 GiB") {
		t.Errorf("message does not say what was announced and the limit: %v", first)
	}
}

// A long simple line is bounded too (go-redis grows a buffer until '\n').
func TestGuardLongLine(t *testing.T) {
	g := NewGuard(Limits{MaxBulk: 10, MaxLine: 10, MaxOutstanding: 10, MaxDepth: 4})
	if err := g.Feed([]byte("+0123456789")); err != nil {
		t.Fatalf("10 bytes: %v", err)
	}
	if err := g.Feed([]byte("x")); err == nil {
		t.Error("an 11-byte line passed a 10-byte limit")
	}
}

// Attributes annotate the value that follows; they do not count as one of
// their parent's elements.
func TestGuardAttributes(t *testing.T) {
	g := NewGuard(DefaultLimits)
	in := "*2\r\n|1\r\n+ttl\r\n:10\r\n:1\r\n|0\r\n:2\r\n+next\r\n"
	if err := g.Feed([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if g.typ != 0 || len(g.stack) != 0 || g.outstanding != 0 {
		t.Errorf("not between values: %+v", g)
	}
}

// FuzzGuard: whatever Parse accepts as a whole, the guard passes, in any
// split; the guard never panics.
func FuzzGuard(f *testing.F) {
	for _, tc := range validCases {
		f.Add([]byte(tc.in), uint8(3))
	}
	f.Add([]byte("$999999999999\r\n"), uint8(1))
	f.Add([]byte("|1\r\n+a\r\n+b\r\n*1\r\n|0\r\n:1\r\n"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, piece uint8) {
		err := feedEach(NewGuard(DefaultLimits), data, int(piece)+1)
		if _, perr := ParseAll(data); perr == nil && len(data) > 0 && err != nil {
			t.Fatalf("Parse accepts %q but the guard refuses it: %v", data, err)
		}
	})
}

// BenchmarkGuardFeed: what the guard adds to every read — a warm run's
// reply (":1\r\n") and a 1M-integer array per byte.
func BenchmarkGuardFeed(b *testing.B) {
	small := []byte(":1\r\n")
	var big []byte
	big = append(big, "*1000000\r\n"...)
	for i := 0; i < 1_000_000; i++ {
		big = append(big, ":123456\r\n"...)
	}
	b.Run("warm-reply", func(b *testing.B) {
		g := NewGuard(DefaultLimits)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = g.Feed(small)
		}
	})
	b.Run("1M-integers", func(b *testing.B) {
		b.SetBytes(int64(len(big)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			g := NewGuard(DefaultLimits)
			for off := 0; off < len(big); off += 32 << 10 {
				_ = g.Feed(big[off:min(off+32<<10, len(big))])
			}
		}
	})
}
