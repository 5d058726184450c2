package resp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, tc := range validCases {
		f.Add([]byte(tc.in))
	}
	for _, s := range []string{
		"", "x\r\n", "+OK\n", "$-2\r\n", "$2147483647\r\nabc", "*-1\r\n", "%-1\r\n",
		strings.Repeat("*1\r\n", 1001) + ":1\r\n", strings.Repeat("|0\r\n", 50) + "_\r\n",
		"*2\r\n$3\r\nabc\r\n-ERR x\r\n+trailing\r\n", ",1e\r\n", "=3\r\nabc\r\n",
		string(Encode(nil, bulk(string(allBytes())))),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, n, err := Parse(data)
		// The Reader must agree with Parse, however the bytes arrive.
		rv, rerr := NewReader(iotest.OneByteReader(bytes.NewReader(data))).Read()
		if err != nil {
			var pe *ProtocolError
			switch {
			case err == ErrIncomplete:
				if !errors.Is(rerr, io.ErrUnexpectedEOF) && rerr != io.EOF {
					t.Fatalf("Parse: incomplete; Reader: %v", rerr)
				}
			case errors.As(err, &pe):
				var rpe *ProtocolError
				if pe.Offset < 0 || pe.Offset > len(data) {
					t.Fatalf("offset %d outside input of %d bytes", pe.Offset, len(data))
				}
				if !errors.As(rerr, &rpe) || *rpe != *pe {
					t.Fatalf("Parse: %v; Reader: %v", err, rerr)
				}
			default:
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		if n <= 0 || n > len(data) {
			t.Fatalf("n = %d for %d bytes", n, len(data))
		}
		// So must the Decoder, whatever pieces the reply comes in.
		dv, derr := decodeIn(data[:n], rand.New(rand.NewPCG(uint64(len(data)), 7)))
		if derr != nil || !dv.Equal(v) {
			t.Fatalf("Decoder gave %v, %v; Parse gave %v", dv, derr, v)
		}
		if rerr != nil || !rv.Equal(v) {
			t.Fatalf("Reader gave %v, %v; Parse gave %v", rv, rerr, v)
		}

		wire := Encode(nil, v)
		v2, n2, err := Parse(wire)
		if err != nil || n2 != len(wire) {
			t.Fatalf("Parse(Encode) of %q: n=%d err=%v", wire, n2, err)
		}
		if !v2.Equal(v) {
			t.Fatalf("Parse(Encode(v)) differs:\n%q\n%q", data[:n], wire)
		}

		// Renderings never fail and never pass control bytes through.
		for _, s := range []string{Text(v), Summary(v, 0), Summary(v, 20)} {
			if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
				return (r < 0x20 && r != '\n') || r == 0x7f || hidden(r)
			}) {
				t.Fatalf("unsafe rendering %q", s)
			}
		}
		if utf8.RuneCountInString(Summary(v, 20)) > 20 {
			t.Fatalf("summary too long: %q", Summary(v, 20))
		}

		out, err := v.MarshalJSON()
		if err != nil || !json.Valid(out) {
			t.Fatalf("MarshalJSON: %v %q", err, out)
		}
		if jsonFaithful(&v) {
			var back Value
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatalf("UnmarshalJSON(%s): %v", out, err)
			}
			if !back.Equal(forJSON(v)) {
				t.Fatalf("JSON round trip of %s gave %s", out, back)
			}
		}
	})
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[31m", "\xff\xfe", "é\u202e\u2066", "\u0085", "a\"b\\", "👨\u200d👩"} {
		f.Add([]byte(s))
	}
	f.Add(allBytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range []string{Escape(b), Quote(b), Summary(Value{Kind: Bulk, Str: b}, 30)} {
			if !utf8.ValidString(s) {
				t.Fatalf("not UTF-8: %q", s)
			}
			for i := 0; i < len(s); i++ {
				if s[i] < 0x20 || s[i] == 0x7f {
					t.Fatalf("control byte %#x in %q", s[i], s)
				}
			}
			for _, r := range s {
				if hidden(r) {
					t.Fatalf("hidden %U in %q", r, s)
				}
			}
		}
		// Valid printable text passes unchanged.
		if utf8.Valid(b) && !bytes.ContainsFunc(b, func(r rune) bool {
			return r < 0x20 || r == 0x7f || r == '"' || r == '\\' || hidden(r)
		}) && Escape(b) != string(b) {
			t.Fatalf("printable %q was changed to %q", b, Escape(b))
		}
		// JSON strings are as safe and decode to the original text.
		js := appendJSONString(nil, b)
		var back string
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatalf("invalid JSON string %q: %v", js, err)
		}
		if utf8.Valid(b) && back != string(b) {
			t.Fatalf("JSON string %q decodes to %q, want %q", js, back, b)
		}
		for i := 0; i < len(js); i++ {
			if js[i] < 0x20 || js[i] == 0x7f {
				t.Fatalf("control byte in JSON %q", js)
			}
		}
	})
}
