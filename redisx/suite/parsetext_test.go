package suite

import (
	"math"
	"strings"
	"testing"

	"luascope/redisx/resp"
)

func bulk(s string) resp.Value { return resp.Value{Kind: resp.Bulk, Str: []byte(s)} }

// Every kind resp.Text writes reads back to the same text.
func TestParseTextRoundTrip(t *testing.T) {
	ten := resp.Value{Kind: resp.Array}
	for i := range 12 {
		ten.Elems = append(ten.Elems, resp.Value{Kind: resp.Integer, Int: int64(i)})
	}
	attr := resp.Value{Kind: resp.Attribute, Elems: []resp.Value{bulk("ttl"), {Kind: resp.Integer, Int: 3600}}}
	withAttr := resp.Value{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Integer, Int: 1}}, Attr: &attr}
	cases := []resp.Value{
		{Kind: resp.Integer, Int: -42},
		bulk("plain"),
		bulk("quote \" back \\ nl \n tab \t bin \x00\xff bidi \u202e => )"),
		{Kind: resp.Status, Str: []byte("OK")},
		{Kind: resp.Error, Str: []byte("ERR wrong number of arguments for 'get' command")},
		{Kind: resp.Nil, NilWire: '$'},
		{Kind: resp.Double, Str: []byte("3.8999999999999999"), Float: 3.9},
		{Kind: resp.Double, Str: []byte("inf"), Float: math.Inf(1)},
		{Kind: resp.Boolean, Bool: true},
		{Kind: resp.BigNumber, Str: []byte("1234567890123456789012")},
		{Kind: resp.Verbatim, Format: "txt", Str: []byte("a\nb")},
		{Kind: resp.Array},
		{Kind: resp.Map},
		{Kind: resp.Set},
		ten,
		{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Integer, Int: 1}, bulk("a"), {Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Double, Str: []byte("2.5"), Float: 2.5}, {Kind: resp.Status, Str: []byte("OK")}, ten}}}},
		{Kind: resp.Map, Elems: []resp.Value{bulk("k"), bulk("v"), bulk("nested"), {Kind: resp.Map, Elems: []resp.Value{bulk("a"), {Kind: resp.Array, Elems: []resp.Value{bulk("x"), bulk("y")}}, {Kind: resp.Integer, Int: 7}, {Kind: resp.Set, Elems: []resp.Value{bulk("s")}}}}}},
		{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Map, Elems: []resp.Value{bulk("k"), {Kind: resp.Nil}}}, {Kind: resp.Push, Elems: []resp.Value{bulk("message")}}}},
		withAttr,
	}
	for _, v := range cases {
		text := resp.Text(v)
		got, err := ParseText("\n"+text+"\n", '$')
		if err != nil {
			t.Errorf("ParseText(%q): %v", text, err)
			continue
		}
		if back := resp.Text(got); back != text {
			t.Errorf("round trip:\n%s\nread back as\n%s", text, back)
		}
	}
}

func TestParseTextErrors(t *testing.T) {
	for text, want := range map[string]string{
		"":                               "empty",
		"1":                              "(integer) N",
		"(integer) x":                    "not an integer",
		"\"open":                         "closing quote",
		"1) (integer) 1\n3) (integer) 3": "does not continue",
		"1) (integer) 1\n  2) \"a\"":     "does not continue",
		"(boolean) yes":                  "true or false",
		"\"a\\q\"":                       "line 1",
		"1# \"k\" \"v\"":                 "=>",
	} {
		_, err := ParseText(text, '$')
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseText(%q) = %v, want an error with %q", text, err, want)
		}
	}
}

// Any text reads without a panic, and what reads writes back the same.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{"(integer) 1", "1) \"a\"\n2) 1# \"k\" => (nil)", " 1) (empty array)\n 2) |attr 1# \"x\" => (boolean) true\n    3", "(verbatim txt) \"a\\nb\"", "1~ (double) inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseText(s, '$')
		if err != nil {
			return
		}
		text := resp.Text(v)
		w, err := ParseText(text, '$')
		if err != nil {
			t.Fatalf("%q read as %q, which does not read: %v", s, text, err)
		}
		if back := resp.Text(w); back != text {
			t.Fatalf("%q → %q → %q", s, text, back)
		}
	})
}
