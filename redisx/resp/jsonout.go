package resp

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
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

// JSONStream writes a document as WriteJSON does, except for the replies
// registered with Ref, which are streamed into the output by luascope's
// own appender in chunks: encoding/json neither sees nor re-scans them
// (it checks and compacts every MarshalJSON result, most of the time of
// a large reply), and no copy of the whole document is ever held. The
// output is byte for byte what WriteJSON writes for the same document.
// The zero JSONStream is ready; use one per document.
type JSONStream struct {
	refs []*Value
}

// refKind marks a stand-in Value made by Ref: not a valid Kind, so it is
// never taken for a reply.
const refKind Kind = 0xff

// Ref returns a stand-in for v to put in the document in v's place; nil
// for nil. The stand-in only means something to this stream's WriteJSON.
func (s *JSONStream) Ref(v *Value) *Value {
	if v == nil {
		return nil
	}
	s.refs = append(s.refs, v)
	return &Value{Kind: refKind, Int: int64(len(s.refs) - 1), Str: []byte(refPrefix())}
}

// refPrefix is the text of a stand-in's placeholder string, before its
// index: the per-process random nonce makes it unforgeable by any reply.
func refPrefix() string { return splicePrefix() + "ref-" }

// refJSON is a stand-in's placeholder, a JSON string.
func refJSON(v *Value) []byte {
	return appendJSONString(nil, strconv.AppendInt(append([]byte(nil), v.Str...), v.Int, 10))
}

// WriteJSON writes doc as one JSON document and a newline, with each
// stand-in replaced by its reply.
func (s *JSONStream) WriteJSON(w io.Writer, doc any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	env := unsplice(safeJSON(buf.Bytes()))
	j := jsonWriter{w: w, buf: make([]byte, 0, jsonChunk+4<<10)}
	if len(s.refs) > 0 {
		marker := appendJSONString(nil, []byte(refPrefix()))
		marker = marker[:len(marker)-1] // the opening quote and the prefix
		for j.err == nil {
			i := bytes.Index(env, marker)
			if i < 0 {
				break
			}
			end := bytes.IndexByte(env[i+len(marker):], '"')
			idx, err := strconv.Atoi(string(env[i+len(marker) : i+len(marker)+max(end, 0)]))
			if end < 0 || err != nil || idx < 0 || idx >= len(s.refs) {
				return fmt.Errorf("resp: JSONStream: bad placeholder at %d", i)
			}
			j.buf = append(j.buf, env[:i]...)
			j.value(s.refs[idx])
			j.step()
			env = env[i+len(marker)+end+1:]
		}
	}
	j.buf = append(j.buf, env...)
	j.flush()
	return j.err
}
