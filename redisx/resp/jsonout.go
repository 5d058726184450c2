package resp

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// WriteJSON writes v as one JSON document and a newline. It is the one
// writer behind every --json output of luascope, so that every command
// escapes alike: <, > and & stay as they are (the output is for programs
// and terminals, not HTML), and DEL, C1 controls and the code points
// Escape hides (bidi overrides and isolates, zero-width spaces, U+2028…)
// are written as \uXXXX, as Value.MarshalJSON writes them — encoding/json
// alone writes those raw, and a terminal showing the JSON would obey
// them. Bytes that are not UTF-8 need a type of their own ({"hex":…},
// e.g. redisx.Arg); in a plain string encoding/json turns them into
// U+FFFD.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(unsplice(safeJSON(buf.Bytes())))
	return err
}

// EncodeJSON is json.Marshal by the rule of WriteJSON, for the
// MarshalJSON methods of the types --json writes: a Marshaler that called
// json.Marshal would write < as \u003c inside a document that keeps it.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return unsplice(safeJSON(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))), nil
}

// safeJSON returns encoded JSON with DEL, C1 controls and the hidden code
// points written as \uXXXX escapes (see WriteJSON); b itself when none is
// there. Outside strings JSON is ASCII, so any such rune is inside a
// string, where an escape means the same.
func safeJSON(b []byte) []byte {
	i := 0
	for i < len(b) {
		c := b[i]
		if c == 0x7f {
			break
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && size == 1) || invisible(r) {
			break
		}
		i += size
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				out = appendUnicodeEscape(out, rune(c))
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// Not from encoding/json; a Marshaler's own bytes.
			out = append(out, `\ufffd`...)
		case invisible(r):
			out = appendUnicodeEscape(out, r)
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// ByteString is a string of bytes in JSON: a JSON string (escaped as
// WriteJSON escapes) when the bytes are UTF-8, else {"hex":"…"}, the
// form replies take ({"type":"bulk","hex":"…"}). encoding/json would
// turn bytes that are not UTF-8 into U+FFFD; keys, arguments and error
// texts must come out exactly.
type ByteString string

// MarshalJSON writes a string, or {"hex":…} for bytes that are not UTF-8.
func (s ByteString) MarshalJSON() ([]byte, error) {
	if utf8.ValidString(string(s)) {
		return appendJSONString(make([]byte, 0, len(s)+2), []byte(s)), nil
	}
	out := make([]byte, 0, len(`{"hex":""}`)+2*len(s))
	out = append(out, `{"hex":"`...)
	out = hex.AppendEncode(out, []byte(s))
	return append(out, `"}`...), nil
}

// UnmarshalJSON reads either form back.
func (s *ByteString) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err == nil {
		*s = ByteString(str)
		return nil
	}
	var h struct {
		Hex *string `json:"hex"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return err
	}
	if h.Hex == nil {
		return errors.New(`resp: byte string: want a string or {"hex":…}`)
	}
	raw, err := hex.DecodeString(*h.Hex)
	if err != nil {
		return fmt.Errorf("resp: byte string hex: %w", err)
	}
	*s = ByteString(raw)
	return nil
}
