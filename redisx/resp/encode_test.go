package resp

import (
	"math"
	"testing"
)

// Values built by hand are written so the output still parses.
func TestEncodeNormalises(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		want string
	}{
		{"zero NilWire", Value{Kind: Nil}, "_\r\n"},
		{"status newline", status("a\nb\r\nc"), "+a b\r c\r\n"},
		{"error newline", errv("ERR\nx"), "-ERR x\r\n"},
		{"blob error keeps newline", blobErr("a\nb"), "!3\r\na\nb\r\n"},
		{"double from float", Value{Kind: Double, Float: 1.5}, ",1.5\r\n"},
		{"double inf", Value{Kind: Double, Float: math.Inf(1)}, ",inf\r\n"},
		{"double -inf", Value{Kind: Double, Float: math.Inf(-1)}, ",-inf\r\n"},
		{"double nan", Value{Kind: Double, Float: math.NaN()}, ",nan\r\n"},
		{"double raw text wins", Value{Kind: Double, Float: 1.5, Str: []byte("1.50")}, ",1.50\r\n"},
		{"verbatim no format", verbatim("", "x"), "=5\r\ntxt:x\r\n"},
		{"verbatim long format", verbatim("markdown", "x"), "=5\r\nmar:x\r\n"},
		{"verbatim short format", verbatim("x", "y"), "=5\r\nx  :y\r\n"},
		{"map odd", Value{Kind: Map, Elems: []Value{bulk("k")}}, "%1\r\n$1\r\nk\r\n_\r\n"},
		{"invalid kind", Value{}, "_\r\n"},
		{"attr of another kind", withAttr(integer(1), &Value{Kind: Map, Elems: []Value{bulk("a"), bulk("b")}}),
			"|1\r\n$1\r\na\r\n$1\r\nb\r\n:1\r\n"},
	}
	for _, tc := range tests {
		got := Encode(nil, tc.v)
		if string(got) != tc.want {
			t.Errorf("%s: Encode = %q, want %q", tc.name, got, tc.want)
		}
		if _, n, err := Parse(got); err != nil || n != len(got) {
			t.Errorf("%s: output does not parse: %v", tc.name, err)
		}
	}
	// Encode appends.
	if got := string(Encode([]byte("+OK\r\n"), integer(1))); got != "+OK\r\n:1\r\n" {
		t.Errorf("Encode did not append: %q", got)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	values := []Value{
		bulk(string(allBytes())),
		status("a\rb"),
		errv(string(allBytes()[32:127])),
		blobErr(string(allBytes())),
		verbatim("mkd", string(allBytes())),
		Value{Kind: Double, Float: math.NaN()},
		Value{Kind: Double, Float: math.Copysign(0, -1)}, // -0.0 in Go is +0
		Value{Kind: Double, Float: math.SmallestNonzeroFloat64},
		Value{Kind: Double, Float: math.MaxFloat64},
		array(array(), dict(), set(), push(), null('$'), null('*'), null('_')),
		withAttr(push(bulk("invalidate"), array(bulk("k"))), attr(bulk("a"), withAttr(bulk("b"), attr()))),
		dict(array(integer(1)), set(boolean(true)), bignum("-99999999999999999999999"), integer(math.MinInt64)),
	}
	for _, v := range values {
		wire := Encode(nil, v)
		got, n, err := Parse(wire)
		if err != nil || n != len(wire) {
			t.Errorf("Parse(Encode(%s)): n=%d err=%v", v, n, err)
			continue
		}
		if !got.Equal(v) {
			t.Errorf("round trip of %s gave %s", v, got)
		}
	}
}
