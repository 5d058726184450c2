package resp

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func seq(n int, f func(i int) Value) []Value {
	out := make([]Value, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

var textCases = []struct {
	name string
	v    Value
	want string
}{
	{"integer", integer(-7), "(integer) -7"},
	{"bulk", bulk("hello"), `"hello"`},
	{"bulk empty", bulk(""), `""`},
	{"bulk escaped", bulk("a\"b\\c\n\x1b[31m\xff"), `"a\"b\\c\n\x1b[31m\xff"`},
	{"status", status("OK"), "(status) OK"},
	{"status escaped", status("O\x07K \"q\""), `(status) O\aK \"q\"`},
	{"error", errv("ERR unknown command"), "(error) ERR unknown command"},
	{"error bidi", errv("ERR \u202eevil"), `(error) ERR \u{202e}evil`},
	{"blob error", blobErr("SYNTAX a\r\nb"), `(error) SYNTAX a\r\nb`},
	{"null bulk", null('$'), "(nil)"},
	{"null array", null('*'), "(nil)"},
	{"null resp3", null('_'), "(nil)"},
	{"double", double("1.5"), "(double) 1.5"},
	{"double wire text", double("1.50e3"), "(double) 1.50e3"},
	{"double inf", Value{Kind: Double, Float: math.Inf(1)}, "(double) inf"},
	{"double -inf", Value{Kind: Double, Float: math.Inf(-1)}, "(double) -inf"},
	{"double nan", Value{Kind: Double, Float: math.NaN()}, "(double) nan"},
	{"double large", Value{Kind: Double, Float: 1e21}, "(double) 1e+21"},
	{"boolean true", boolean(true), "(boolean) true"},
	{"boolean false", boolean(false), "(boolean) false"},
	{"bignum", bignum("-1234567890123456789012"), "(bignum) -1234567890123456789012"},
	{"verbatim", verbatim("txt", "line1\nline2"), `(verbatim txt) "line1\nline2"`},
	{"verbatim mkd", verbatim("mkd", "# T"), `(verbatim mkd) "# T"`},
	{"empty array", array(), "(empty array)"},
	{"empty map", dict(), "(empty map)"},
	{"empty set", set(), "(empty set)"},
	{"empty push", push(), "(empty push)"},
	{"invalid kind", Value{}, "(invalid kind 0)"},
	{"array nested", array(integer(1), bulk("two"), array(bulk("nested"), null('$'))), `
1) (integer) 1
2) "two"
3) 1) "nested"
   2) (nil)`},
	{"array with error", array(status("OK"), errv("ERR boom")), `
1) (status) OK
2) (error) ERR boom`},
	{"ten items align", array(append(seq(9, func(i int) Value { return integer(int64(i + 1)) }),
		array(bulk("a"), bulk("b")))...), `
 1) (integer) 1
 2) (integer) 2
 3) (integer) 3
 4) (integer) 4
 5) (integer) 5
 6) (integer) 6
 7) (integer) 7
 8) (integer) 8
 9) (integer) 9
10) 1) "a"
    2) "b"`},
	{"ten items nested", array(integer(1), array(seq(10, func(i int) Value { return bulk(string(rune('a' + i))) })...), integer(3)), `
1) (integer) 1
2)  1) "a"
    2) "b"
    3) "c"
    4) "d"
    5) "e"
    6) "f"
    7) "g"
    8) "h"
    9) "i"
   10) "j"
3) (integer) 3`},
	{"deep", array(array(array(integer(1), integer(2)))), `
1) 1) 1) (integer) 1
      2) (integer) 2`},
	{"map", dict(bulk("key"), status("value"), bulk("other"), set()), `
1# "key" => (status) value
2# "other" => (empty set)`},
	{"map nested value", dict(bulk("k"), array(integer(1), integer(2)), bulk("j"), dict(bulk("x"), null('_'))), `
1# "k" => 1) (integer) 1
   2) (integer) 2
2# "j" => 1# "x" => (nil)`},
	{"map odd", Value{Kind: Map, Elems: []Value{bulk("k")}}, `1# "k" => (nil)`},
	{"set", set(status("a"), integer(1)), `
1~ (status) a
2~ (integer) 1`},
	{"push", push(bulk("message"), bulk("ch"), bulk("hi")), `
1> "message"
2> "ch"
3> "hi"`},
	{"array in map in array", array(dict(bulk("a"), array(integer(1), integer(2)))), `
1) 1# "a" => 1) (integer) 1
      2) (integer) 2`},
	{"attribute", withAttr(array(integer(1), integer(2)), attr(bulk("ttl"), integer(3600))), `
|attr 1# "ttl" => (integer) 3600
1) (integer) 1
2) (integer) 2`},
	{"attribute two entries", withAttr(status("OK"), attr(bulk("a"), integer(1), bulk("b"), array(integer(1), integer(2)))), `
|attr 1# "a" => (integer) 1
      2# "b" => 1) (integer) 1
         2) (integer) 2
(status) OK`},
	{"attribute in array", array(integer(1), withAttr(integer(2), attr(status("popularity"), double("0.5")))), `
1) (integer) 1
2) |attr 1# (status) popularity => (double) 0.5
   (integer) 2`},
	{"attribute empty", withAttr(status("OK"), attr()), `
|attr (empty)
(status) OK`},
	{"attributes chained", withAttr(status("OK"), withAttrPtr(attr(status("second"), integer(2)), attr(status("first"), integer(1)))), `
|attr 1# (status) first => (integer) 1
|attr 1# (status) second => (integer) 2
(status) OK`},
	{"attribute alone", *attr(bulk("k"), bulk("v")), `|attr 1# "k" => "v"`},
}

func TestText(t *testing.T) {
	for _, tc := range textCases {
		t.Run(tc.name, func(t *testing.T) {
			want := strings.TrimPrefix(tc.want, "\n")
			if got := Text(tc.v); got != want {
				t.Errorf("Text =\n%s\nwant\n%s", got, want)
			}
			var buf bytes.Buffer
			if err := WriteText(&buf, tc.v); err != nil {
				t.Fatal(err)
			}
			if buf.String() != want+"\n" {
				t.Errorf("WriteText = %q, want Text plus newline", buf.String())
			}
		})
	}
}

type failingWriter struct{ writes int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.writes++
	return 0, errors.New("broken pipe")
}

func TestWriteTextStopsOnError(t *testing.T) {
	v := array(seq(100_000, func(i int) Value { return bulk("some value") })...)
	w := &failingWriter{}
	if err := WriteText(w, v); err == nil || err.Error() != "broken pipe" {
		t.Errorf("err = %v", err)
	}
	if w.writes != 1 {
		t.Errorf("%d writes after the first failure", w.writes-1)
	}
	// Chunks stream: a big reply is written in several writes.
	var counting countingWriter
	if err := WriteText(&counting, v); err != nil {
		t.Fatal(err)
	}
	if counting.writes < 2 || counting.n != len(Text(v))+1 {
		t.Errorf("%d writes, %d bytes", counting.writes, counting.n)
	}
}

type countingWriter struct{ writes, n int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	w.n += len(p)
	return len(p), nil
}

func TestTextNeverRaw(t *testing.T) {
	v := array(bulk(string(allBytes())), status(string(allBytes()[:128])), errv("\x1b]0;title\x07"),
		verbatim("t\x1bt", "\u009b31m"), dict(bulk("\u2066"), bulk("\u2069")))
	for _, s := range []string{Text(v), Summary(v.Elems[0], 0), Summary(v.Elems[2], 0)} {
		if !utf8.ValidString(s) {
			t.Errorf("not UTF-8: %q", s)
		}
		for _, r := range s {
			if (r < 0x20 && r != '\n') || r == 0x7f || hidden(r) {
				t.Errorf("raw %U in %q", r, s)
			}
		}
	}
}

func TestSummary(t *testing.T) {
	long := strings.Repeat("a", 40)
	tests := []struct {
		v    Value
		max  int
		want string
	}{
		{integer(1), 40, "(integer) 1"},
		{integer(12345), 5, "(int…"},
		{status("OK"), 40, "(status) OK"},
		{bulk("abc"), 40, `"abc"`},
		{bulk(""), 40, `""`},
		{bulk("abcdefghijkl"), 14, `"abcdefghijkl"`},
		{bulk("abcdefghijkl"), 12, `"abcdefghi…"`},
		{bulk(long), 30, `"aaaaaaaaaa…" (bulk, 40 bytes)`},
		{bulk("abcdefghijklmnopqrstuvwxyz"), 40, `"abcdefghijklmnopqrstuvwxyz"`},
		{bulk("\x1b\x1b\x1b\x1b\x1b"), 10, `"\x1b…"`},
		{bulk("a\nb"), 0, `"a\nb"`},
		{errv("ERR wrong number of arguments for 'get' command"), 20, "(error) ERR wrong n…"},
		{errv("ERR x"), 0, "(error) ERR x"},
		{status("\u202eOK"), 40, `(status) \u{202e}OK`},
		{null('$'), 40, "(nil)"},
		{null('*'), 40, "(nil)"},
		{array(integer(1), integer(2), integer(3)), 40, "array[3]"},
		{dict(bulk("a"), integer(1), bulk("b"), integer(2)), 40, "map[2]"},
		{set(), 40, "set[0]"},
		{push(bulk("a")), 40, "push[1]"},
		{double("1.5"), 40, "(double) 1.5"},
		{boolean(true), 40, "(boolean) true"},
		{bignum("12345678901234567890"), 15, "(bignum) 12345…"},
		{verbatim("txt", "hello"), 40, `(verbatim txt) "hello"`},
		{verbatim("txt", "hello world"), 20, `(verbatim txt) "he…"`},
		{withAttr(integer(1), attr()), 40, "(integer) 1"},
		{bulk("x"), 1, "…"},
	}
	for _, tc := range tests {
		got := Summary(tc.v, tc.max)
		if got != tc.want {
			t.Errorf("Summary(%s, %d) = %q, want %q", tc.v.Kind, tc.max, got, tc.want)
		}
		if tc.max > 0 && utf8.RuneCountInString(got) > tc.max {
			t.Errorf("Summary(%s, %d) = %q is longer than max", tc.v.Kind, tc.max, got)
		}
	}
	// Every length limit is honoured.
	for _, v := range []Value{bulk(long + "\x00é\u202e"), status(long), verbatim("txt", long), integer(-1 << 40)} {
		for max := 1; max < 60; max++ {
			if got := Summary(v, max); utf8.RuneCountInString(got) > max || !utf8.ValidString(got) {
				t.Errorf("Summary(%s, %d) = %q", v.Kind, max, got)
			}
		}
	}
}

func TestValueString(t *testing.T) {
	if got := array(integer(1)).String(); got != "1) (integer) 1" {
		t.Errorf("String() = %q", got)
	}
}

// Rendering a large reply allocates a fixed number of times, not once per
// element.
func TestTextAllocsBounded(t *testing.T) {
	for _, n := range []int{10_000, 200_000} {
		v, _, err := Parse(bulkArrayWire(n))
		if err != nil {
			t.Fatal(err)
		}
		text := testing.AllocsPerRun(2, func() { _ = Text(v) })
		write := testing.AllocsPerRun(2, func() { _ = WriteText(io.Discard, v) })
		if text > 4 || write > 2 {
			t.Errorf("n=%d: Text %v allocations, WriteText %v", n, text, write)
		}
	}
}
