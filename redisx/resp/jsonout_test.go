package resp

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestWriteJSONEscapesLikeValues(t *testing.T) {
	hostile := "a<b>&c \x1b[2J \x7f \u0085 \u202e \u2066 \u200b \u2028 \ufeff \u200d é 😀"
	var buf bytes.Buffer
	if err := WriteJSON(&buf, map[string]any{"s": hostile, "v": Value{Kind: Bulk, Str: []byte(hostile)}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	want := `"a<b>&c \u001b[2J \u007f \u0085 \u202e \u2066 \u200b \u2028 \ufeff ` + "\u200d é 😀" + `"`
	if !strings.Contains(out, `"s":`+want) || !strings.Contains(out, `"value":`+want) {
		t.Errorf("a plain string and a reply must be escaped alike:\n got %s\nwant %s", out, want)
	}
	var back map[string]any
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back["s"] != hostile {
		t.Errorf("round trip: %v %q", err, back["s"])
	}
	if !strings.HasSuffix(out, "}\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("one document and a newline: %q", out)
	}
}

func TestSafeJSONUnchanged(t *testing.T) {
	in := []byte(`{"a":"plain é 😀 <>&","b":[1,2]}`)
	if got := safeJSON(in); &got[0] != &in[0] {
		t.Errorf("clean JSON must be returned as it is")
	}
	twice := safeJSON(safeJSON([]byte("\"\u202e\x7f\"")))
	if string(twice) != `"\u202e\u007f"` {
		t.Errorf("SafeJSON twice: %s", twice)
	}
}

func TestByteString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"abc", `"abc"`},
		{"k\xff", `{"hex":"6bff"}`},
		{"\u202e<x>", `"\u202e<x>"`},
		{"", `""`},
	} {
		b, err := EncodeJSON(ByteString(tc.in))
		if err != nil || string(b) != tc.want {
			t.Errorf("%q: %s %v, want %s", tc.in, b, err, tc.want)
		}
		var back ByteString
		if err := json.Unmarshal(b, &back); err != nil || string(back) != tc.in {
			t.Errorf("%s back: %q %v", b, back, err)
		}
	}
	var s ByteString
	for _, bad := range []string{`{}`, `{"hex":"zz"}`, `3`} {
		if err := json.Unmarshal([]byte(bad), &s); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
