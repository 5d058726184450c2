package resp

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// Redis's deepest reply (7,995 levels) and deeper ones come out of
// WriteJSON whole, although encoding/json refuses nesting over 10,000.
func TestWriteJSONDeepValue(t *testing.T) {
	for _, depth := range []int{10, spliceDepth - 1, spliceDepth, 7995, MaxDepth - 1} {
		in := strings.Repeat("*1\r\n", depth) + "-ERR reached lua stack limit\r\n"
		v, _, err := Parse([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		direct, err := appendJSON(nil, &v)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		doc := struct {
			Reply Value   `json:"reply"`
			Steps []Value `json:"steps"`
		}{v, []Value{v, v}}
		if err := WriteJSON(&buf, doc); err != nil {
			t.Fatalf("depth %d: %v", depth, err)
		}
		want := `{"reply":` + string(direct) + `,"steps":[` + string(direct) + `,` + string(direct) + "]}\n"
		if buf.String() != want {
			t.Errorf("depth %d: output differs from the value's own encoding (%d vs %d bytes)", depth, buf.Len(), len(want))
		}
		if enc, err := EncodeJSON(v); err != nil || string(enc) != string(direct) {
			t.Errorf("depth %d: EncodeJSON: %v", depth, err)
		}
	}
}

// A reply cannot forge a placeholder: only this process's nonce counts.
// The fake is the key the deep value in the same document would get
// were there no nonce, so without it the bulk would be replaced.
func TestSpliceNotForgeable(t *testing.T) {
	deep, _, err := Parse([]byte(strings.Repeat("*1\r\n", spliceDepth) + ":1\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	direct, err := appendJSON(nil, &deep)
	if err != nil {
		t.Fatal(err)
	}
	fake := "\x00luascope-deep-" + strconv.FormatUint(spliceSeq.Load()+1, 10)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, []Value{{Kind: Bulk, Str: []byte(fake)}, deep}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, string(direct)); n != 1 {
		t.Errorf("the deep value is in the output %d times, want once", n)
	}
	bulk := `{"type":"bulk","value":"\u0000luascope-deep-` + strconv.FormatUint(spliceSeq.Load(), 10) + `"}`
	if !strings.HasPrefix(out, "["+bulk+",") || strings.Count(out, "luascope-deep-") != 1 {
		t.Errorf("the bulk's text was replaced, or a placeholder left: %.120s … %.80s", out, out[max(0, len(out)-80):])
	}
}
