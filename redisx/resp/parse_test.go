package resp

import (
	"bytes"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
)

// validCases are canonical wire forms: Encode must give back the same
// bytes, which is why the raw view can trust Encode.
var validCases = []struct {
	name string
	in   string
	want Value
}{
	// RESP2
	{"integer", ":1\r\n", integer(1)},
	{"integer zero", ":0\r\n", integer(0)},
	{"integer negative", ":-42\r\n", integer(-42)},
	{"integer max", ":9223372036854775807\r\n", integer(math.MaxInt64)},
	{"integer min", ":-9223372036854775808\r\n", integer(math.MinInt64)},
	{"bulk", "$3\r\nabc\r\n", bulk("abc")},
	{"bulk empty", "$0\r\n\r\n", bulk("")},
	{"bulk with CRLF inside", "$6\r\na\r\nb\r\n\r\n", bulk("a\r\nb\r\n")},
	{"bulk utf8", "$8\r\nщука\r\n", bulk("щука")},
	{"status", "+OK\r\n", status("OK")},
	{"status empty", "+\r\n", status("")},
	{"status with lone CR", "+a\rb\r\n", status("a\rb")},
	{"error", "-ERR unknown command 'x'\r\n", errv("ERR unknown command 'x'")},
	{"error empty", "-\r\n", errv("")},
	{"null bulk", "$-1\r\n", null('$')},
	{"null array", "*-1\r\n", null('*')},
	{"array empty", "*0\r\n", array()},
	{"array mixed", "*3\r\n:1\r\n$3\r\ntwo\r\n+three\r\n", array(integer(1), bulk("two"), status("three"))},
	{"array nested", "*3\r\n:1\r\n$3\r\ntwo\r\n*2\r\n$6\r\nnested\r\n$-1\r\n",
		array(integer(1), bulk("two"), array(bulk("nested"), null('$')))},
	{"array with error", "*2\r\n+OK\r\n-ERR boom\r\n", array(status("OK"), errv("ERR boom"))},
	{"array of nulls", "*3\r\n$-1\r\n*-1\r\n_\r\n", array(null('$'), null('*'), null('_'))},
	// RESP3
	{"null", "_\r\n", null('_')},
	{"double", ",1.5\r\n", double("1.5")},
	{"double integral", ",10\r\n", double("10")},
	{"double negative exponent", ",-1.5e-3\r\n", double("-1.5e-3")},
	{"double upper exponent", ",2E+10\r\n", double("2E+10")},
	{"double plus sign", ",+3\r\n", double("+3")},
	{"double inf", ",inf\r\n", double("inf")},
	{"double -inf", ",-inf\r\n", double("-inf")},
	{"double nan", ",nan\r\n", double("nan")},
	{"double out of range", ",1e400\r\n", double("1e400")},
	{"boolean true", "#t\r\n", boolean(true)},
	{"boolean false", "#f\r\n", boolean(false)},
	{"bignum", "(3492890328409238509324850943850943825024385\r\n", bignum("3492890328409238509324850943850943825024385")},
	{"bignum negative", "(-1\r\n", bignum("-1")},
	// Malformed big numbers are kept as written: go-redis refuses them, and
	// the tapped bytes are the only way the user sees what came.
	{"bignum malformed", "(123  123\r\n", bignum("123  123")},
	{"bignum empty", "(\r\n", bignum("")},
	{"bignum minus only", "(-\r\n", bignum("-")},
	{"blob error", "!21\r\nSYNTAX invalid syntax\r\n", blobErr("SYNTAX invalid syntax")},
	{"blob error with CRLF", "!4\r\na\r\nb\r\n", blobErr("a\r\nb")},
	{"verbatim", "=15\r\ntxt:Some string\r\n", verbatim("txt", "Some string")},
	{"verbatim empty body", "=4\r\nmkd:\r\n", verbatim("mkd", "")},
	{"verbatim odd format", "=5\r\nx:y:z\r\n", verbatim("x:y", "z")},
	{"map", "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
		dict(status("first"), integer(1), status("second"), integer(2))},
	{"map empty", "%0\r\n", dict()},
	{"map nested", "%1\r\n$1\r\nk\r\n%1\r\n$1\r\nj\r\n*0\r\n",
		dict(bulk("k"), dict(bulk("j"), array()))},
	{"set", "~3\r\n+a\r\n:1\r\n#f\r\n", set(status("a"), integer(1), boolean(false))},
	{"set empty", "~0\r\n", set()},
	{"push", ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", push(bulk("message"), bulk("ch"), bulk("hi"))},
	{"attribute before value", "|1\r\n+ttl\r\n:3600\r\n:2\r\n",
		withAttr(integer(2), attr(status("ttl"), integer(3600)))},
	{"attribute empty", "|0\r\n+OK\r\n", withAttr(status("OK"), attr())},
	{"attribute inside array", "*2\r\n:1\r\n|1\r\n+key-popularity\r\n,0.5\r\n:2\r\n",
		array(integer(1), withAttr(integer(2), attr(status("key-popularity"), double("0.5"))))},
	{"attribute before aggregate", "|1\r\n+a\r\n+b\r\n*1\r\n:1\r\n",
		withAttr(array(integer(1)), attr(status("a"), status("b")))},
	{"attributes chained", "|1\r\n+first\r\n:1\r\n|1\r\n+second\r\n:2\r\n+OK\r\n",
		withAttr(status("OK"), withAttrPtr(attr(status("second"), integer(2)), attr(status("first"), integer(1))))},
	{"attribute on attribute entry", "|1\r\n|0\r\n+k\r\n+v\r\n_\r\n",
		withAttr(null('_'), attr(withAttr(status("k"), attr()), status("v")))},
}

func withAttrPtr(a *Value, earlier *Value) *Value {
	a.Attr = earlier
	return a
}

func TestParseValid(t *testing.T) {
	for _, tc := range validCases {
		t.Run(tc.name, func(t *testing.T) {
			v, n, err := Parse([]byte(tc.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if n != len(tc.in) {
				t.Errorf("n = %d, want %d", n, len(tc.in))
			}
			if !v.Equal(tc.want) {
				t.Errorf("Parse(%q) =\n%s\nwant\n%s", tc.in, v, tc.want)
			}
			if got := string(Encode(nil, v)); got != tc.in {
				t.Errorf("Encode = %q, want the input back", got)
			}
			// Trailing bytes are not consumed.
			_, n, err = Parse([]byte(tc.in + "+next\r\n"))
			if err != nil || n != len(tc.in) {
				t.Errorf("with trailing value: n = %d, err = %v", n, err)
			}
		})
	}
}

// Every proper prefix of a valid value is incomplete, never an error.
func TestParsePrefixesIncomplete(t *testing.T) {
	for _, tc := range validCases {
		for i := range len(tc.in) {
			_, n, err := Parse([]byte(tc.in[:i]))
			if err != ErrIncomplete || n != 0 {
				t.Errorf("%s: Parse(%q) = %d, %v; want ErrIncomplete", tc.name, tc.in[:i], n, err)
			}
		}
	}
}

func TestParseExactFields(t *testing.T) {
	v, _, _ := Parse([]byte(",-inf\r\n"))
	if !math.IsInf(v.Float, -1) || string(v.Str) != "-inf" {
		t.Errorf("-inf: Float %v, Str %q", v.Float, v.Str)
	}
	v, _, _ = Parse([]byte(",nan\r\n"))
	if !math.IsNaN(v.Float) {
		t.Errorf("nan: Float %v", v.Float)
	}
	v, _, _ = Parse([]byte(",1.5e3\r\n"))
	if v.Float != 1500 || string(v.Str) != "1.5e3" {
		t.Errorf("1.5e3: Float %v, Str %q", v.Float, v.Str)
	}
	v, _, _ = Parse([]byte("!3\r\nERR\r\n"))
	if !v.BulkError || v.Kind != Error {
		t.Errorf("blob error: %+v", v)
	}
	v, _, _ = Parse([]byte("-ERR\r\n"))
	if v.BulkError {
		t.Errorf("simple error marked as blob")
	}
	// Equal must see the differences the raw view shows.
	if null('$').Equal(null('*')) || null('_').Equal(null('$')) || errv("x").Equal(blobErr("x")) ||
		status("OK").Equal(bulk("OK")) {
		t.Error("Equal ignores a wire difference")
	}
}

func TestParseBinarySafe(t *testing.T) {
	payload := allBytes()
	wire := Encode(nil, Value{Kind: Bulk, Str: payload})
	v, n, err := Parse(wire)
	if err != nil || n != len(wire) {
		t.Fatalf("Parse: n=%d err=%v", n, err)
	}
	if !bytes.Equal(v.Str, payload) {
		t.Errorf("payload changed: %q", v.Str)
	}
	// Str must not let an append overwrite the CRLF that follows it.
	_ = append(v.Str, 'X')
	if !bytes.Equal(wire[len(wire)-2:], []byte("\r\n")) {
		t.Error("appending to Str overwrote the input")
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		offset int // -1: ErrIncomplete expected
	}{
		{"unknown type byte", "x\r\n", 0},
		{"unknown type byte later", "*2\r\n:1\r\n?\r\n", 8},
		{"space is not a type", " +OK\r\n", 0},
		{"status LF only", "+OK\n", 3},
		{"status bare LF inside", "+O\nK\r\n", 2},
		{"integer LF only", ":1\n", 2},
		{"integer empty", ":\r\n", 1},
		{"integer with space", ": 1\r\n", 1},
		{"integer with plus", ":+1\r\n", 1},
		{"integer trailing junk", ":12a\r\n", 3},
		{"integer overflow", ":9223372036854775808\r\n", 1},
		{"integer underflow", ":-9223372036854775809\r\n", 2},
		{"integer CR without LF", ":1\rx", 3},
		{"integer leading zeros", ":" + strings.Repeat("0", 30) + "\r\n", 1},
		{"bulk bad length", "$abc\r\n", 1},
		{"bulk negative length", "$-2\r\n", 1},
		{"bulk length out of range", "$99999999999\r\n", 1},
		{"bulk missing CRLF", "$3\r\nabcXY", 7},
		{"bulk too short", "$3\r\nab\r\n+", 7},
		{"bulk LF only header", "$3\nabc\r\n", 2},
		{"array negative", "*-5\r\n", 1},
		{"array -2", "*-2\r\n", 1},
		{"map null", "%-1\r\n", 1},
		{"set null", "~-1\r\n", 1},
		{"push null", ">-1\r\n", 1},
		{"attribute null", "|-1\r\n", 1},
		{"blob error null", "!-1\r\n", 1},
		{"verbatim null", "=-1\r\n", 1},
		{"verbatim without format", "=3\r\nabc\r\n", 4},
		{"verbatim without colon", "=5\r\ntxtx1\r\n", 4},
		{"null with payload", "_x\r\n", 1},
		{"boolean other", "#x\r\n", 1},
		{"boolean empty", "#\r\n", 1},
		{"boolean long", "#tt\r\n", 1},
		{"double empty", ",\r\n", 1},
		{"double two dots", ",1.2.3\r\n", 1},
		{"double exponent only", ",e5\r\n", 1},
		{"double exponent without digits", ",1e\r\n", 1},
		{"double hex", ",0x1p3\r\n", 1},
		{"double infinity", ",infinity\r\n", 1},
		{"double space", ", 1\r\n", 1},
		{"error in nested array", "*1\r\n*1\r\n:x\r\n", 9},
		// incomplete
		{"empty input", "", -1},
		{"status no CRLF", "+OK", -1},
		{"status CR only", "+OK\r", -1},
		{"integer no CRLF", ":12", -1},
		{"bulk short", "$3\r\nab", -1},
		{"bulk no trailing CRLF", "$3\r\nabc", -1},
		{"bulk huge length little data", "$2147483647\r\nabc", -1},
		{"array short", "*2\r\n:1\r\n", -1},
		{"array huge count little data", "*2147483647\r\n:1\r\n", -1},
		{"map missing value", "%1\r\n+k\r\n", -1},
		{"attribute without value", "|1\r\n+a\r\n+b\r\n", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, n, err := Parse([]byte(tc.in))
			if n != 0 || v.Kind != 0 {
				t.Errorf("on error got n=%d v=%v, want zero", n, v)
			}
			if tc.offset < 0 {
				if err != ErrIncomplete {
					t.Fatalf("Parse(%q) err = %v, want ErrIncomplete", tc.in, err)
				}
				return
			}
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) err = %v, want *ProtocolError", tc.in, err)
			}
			if pe.Offset != tc.offset {
				t.Errorf("Parse(%q) offset = %d (%v), want %d", tc.in, pe.Offset, pe, tc.offset)
			}
		})
	}
}

func TestParseDepth(t *testing.T) {
	deepest := strings.Repeat("*1\r\n", MaxDepth) + ":1\r\n"
	if _, _, err := Parse([]byte(deepest)); err != nil {
		t.Fatalf("MaxDepth levels: %v", err)
	}
	bombs := map[string]string{
		"arrays":     strings.Repeat("*1\r\n", MaxDepth+1) + ":1\r\n",
		"maps":       strings.Repeat("%1\r\n+k\r\n", MaxDepth+1) + ":1\r\n",
		"attributes": strings.Repeat("|0\r\n", MaxDepth+1) + ":1\r\n",
		"huge":       strings.Repeat("*1\r\n", 1_000_000),
		"incomplete": strings.Repeat("*2\r\n", MaxDepth+1),
	}
	for name, in := range bombs {
		_, _, err := Parse([]byte(in))
		var pe *ProtocolError
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "nesting") {
			t.Errorf("%s: err = %v, want a nesting ProtocolError", name, err)
		}
		if pe != nil && pe.Offset > len(in) {
			t.Errorf("%s: offset %d past the input", name, pe.Offset)
		}
	}
}

// A header that lies about its length must not make Parse allocate for it.
func TestParseHostileLengthsDoNotAllocate(t *testing.T) {
	inputs := []string{
		"*2147483647\r\n:1\r\n",
		"%2147483647\r\n",
		strings.Repeat("*2147483647\r\n", MaxDepth-1),
		strings.Repeat("*1000000\r\n", MaxDepth-1) + ":1\r\n",
		"$2147483647\r\nabc",
	}
	for _, in := range inputs {
		b := []byte(in)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := Parse(b)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%.20q: no error", in)
		}
		// At most one Value per 3 input bytes, plus slack, plus the
		// recursion's stack for inputs nested MaxDepth deep.
		limit := uint64(len(b)/3)*96 + 1<<20 + uint64(strings.Count(in, "\n"))*1024
		if got := after.TotalAlloc - before.TotalAlloc; got > limit {
			t.Errorf("%.20q… (%d bytes) allocated %d bytes, limit %d", in, len(b), got, limit)
		}
	}
}

func TestParseAll(t *testing.T) {
	hello := "%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n"
	reply := "|1\r\n+ttl\r\n:10\r\n*2\r\n:1\r\n$1\r\nx\r\n"
	vs, err := ParseAll([]byte(hello + reply))
	if err != nil {
		t.Fatal(err)
	}
	want := []Value{
		dict(bulk("server"), bulk("redis"), bulk("proto"), integer(3)),
		withAttr(array(integer(1), bulk("x")), attr(status("ttl"), integer(10))),
	}
	if len(vs) != len(want) {
		t.Fatalf("got %d values, want %d (attributes must not be returned alone)", len(vs), len(want))
	}
	for i := range want {
		if !vs[i].Equal(want[i]) {
			t.Errorf("value %d = %s, want %s", i, vs[i], want[i])
		}
	}

	vs, err = ParseAll([]byte("+OK\r\n$5\r\nab"))
	if err != ErrIncomplete || len(vs) != 1 {
		t.Errorf("trailing partial: %d values, err %v; want 1 and ErrIncomplete", len(vs), err)
	}
	vs, err = ParseAll([]byte("+OK\r\n:1\r\nx"))
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Offset != 9 || len(vs) != 2 {
		t.Errorf("protocol error: %d values, err %v; want 2 and offset 9", len(vs), err)
	}
	if vs, err := ParseAll(nil); err != nil || len(vs) != 0 {
		t.Errorf("empty input: %v %v", vs, err)
	}
}

// Decoding a large array allocates a fixed number of times, not once per
// element: that is what keeps a 1M-element reply linear.
func TestParseAllocsPerElement(t *testing.T) {
	for _, n := range []int{1000, 100_000} {
		wire := bulkArrayWire(n)
		allocs := testing.AllocsPerRun(3, func() {
			if _, _, err := Parse(wire); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 2 {
			t.Errorf("n=%d: %v allocations, want at most 2 whatever the size", n, allocs)
		}
	}
}

func TestProtocolErrorMessage(t *testing.T) {
	_, _, err := Parse([]byte("\x1b[31m\r\n"))
	msg := err.Error()
	if strings.ContainsRune(msg, 0x1b) {
		t.Errorf("error message carries a raw escape byte: %q", msg)
	}
	if !strings.HasPrefix(msg, "resp: protocol error at offset 0: unknown type byte") {
		t.Errorf("message = %q", msg)
	}
}
