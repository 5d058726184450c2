package resp

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// MarshalJSON writes the reply in the stable shape that luascope's --json
// output promises:
//
//	{"type":"integer","value":1}
//	{"type":"bulk","value":"abc"}          {"type":"bulk","hex":"ff00"} when not UTF-8
//	{"type":"status","value":"OK"}         error, bignum likewise (with "hex" when not UTF-8)
//	{"type":"nil"}
//	{"type":"array","items":[…]}           set and push likewise
//	{"type":"map","entries":[{"key":…,"value":…}]}   attribute likewise
//	{"type":"double","value":1.5}          "inf", "-inf" and "nan" as strings
//	{"type":"boolean","value":true}
//	{"type":"verbatim","format":"txt","value":"…"}
//
// A value with an Attr adds "attributes":{"type":"attribute","entries":[…]}.
// Which null, blob error or simple error, and a Double's exact wire text
// are not part of the shape (Encode has them). Strings are escaped so the
// output is safe on a terminal: control characters and the code points
// Escape hides are written as \uXXXX. It fails only on an invalid Kind.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.Kind == refKind && string(v.Str) == refPrefix() {
		return refJSON(&v), nil // a JSONStream's stand-in
	}
	enc, err := appendJSON(make([]byte, 0, jsonSize(&v)), &v)
	if err == nil && depthAtLeast(&v, spliceDepth) {
		// Too deep for encoding/json's check: see jsondeep.go.
		return splice(enc), nil
	}
	return enc, err
}

// jsonSize estimates the output size, so a large reply is written into one
// buffer instead of a chain of ever larger copies.
func jsonSize(v *Value) int {
	n := 40 + len(v.Str) + len(v.Str)/4
	if v.Attr != nil {
		n += jsonSize(v.Attr)
	}
	for i := range v.Elems {
		n += jsonSize(&v.Elems[i])
	}
	return n
}

func appendJSON(dst []byte, v *Value) ([]byte, error) {
	j := jsonWriter{buf: dst}
	j.value(v)
	if j.err != nil {
		return nil, j.err
	}
	return j.buf, nil
}

// jsonWriter appends the JSON of values to buf and, when w is set, hands
// it to w in chunks (as textWriter does), so a huge reply is never held
// whole. After an error it stops writing.
type jsonWriter struct {
	buf []byte
	w   io.Writer
	err error
}

// jsonChunk is how much a streaming jsonWriter gathers before a write.
const jsonChunk = 64 << 10

func (j *jsonWriter) flush() {
	if j.err == nil && len(j.buf) > 0 && j.w != nil {
		_, j.err = j.w.Write(j.buf)
	}
	j.buf = j.buf[:0]
}

// step flushes a full chunk when streaming and reports whether to go on.
func (j *jsonWriter) step() bool {
	if j.w != nil && len(j.buf) >= jsonChunk {
		j.flush()
	}
	return j.err == nil
}

func (j *jsonWriter) value(v *Value) {
	if !v.Kind.valid() {
		j.err = fmt.Errorf("resp: cannot marshal %s", v.Kind)
		return
	}
	dst := j.buf
	dst = append(dst, `{"type":"`...)
	dst = append(dst, kindNames[v.Kind]...)
	dst = append(dst, '"')
	switch v.Kind {
	case Integer:
		dst = append(dst, `,"value":`...)
		dst = strconv.AppendInt(dst, v.Int, 10)
	case Bulk, Status, Error, BigNumber:
		j.buf = dst
		j.bytes(v.Str)
		dst = j.buf
	case Verbatim:
		dst = append(dst, `,"format":`...)
		j.buf = appendJSONString(dst, []byte(v.Format))
		j.bytes(v.Str)
		dst = j.buf
	case Double:
		dst = append(dst, `,"value":`...)
		switch f := v.Float; {
		case math.IsNaN(f), math.IsInf(f, 0):
			dst = append(dst, '"')
			dst = appendDouble(dst, f)
			dst = append(dst, '"')
		default:
			dst = appendDouble(dst, f)
		}
	case Boolean:
		dst = append(dst, `,"value":`...)
		dst = strconv.AppendBool(dst, v.Bool)
	case Array, Set, Push:
		j.buf = append(dst, `,"items":[`...)
		for i := range v.Elems {
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			if j.value(&v.Elems[i]); !j.step() {
				return
			}
		}
		dst = append(j.buf, ']')
	case Map, Attribute:
		j.buf = dst
		if j.entries(v.Elems); j.err != nil {
			return
		}
		dst = j.buf
	}
	if v.Attr != nil {
		j.buf = append(dst, `,"attributes":`...)
		if j.value(v.Attr); j.err != nil {
			return
		}
		dst = j.buf
	}
	j.buf = append(dst, '}')
}

func (j *jsonWriter) entries(elems []Value) {
	j.buf = append(j.buf, `,"entries":[`...)
	for i := 0; i < len(elems); i += 2 {
		if i > 0 {
			j.buf = append(j.buf, ',')
		}
		j.buf = append(j.buf, `{"key":`...)
		if j.value(&elems[i]); j.err != nil {
			return
		}
		j.buf = append(j.buf, `,"value":`...)
		if i+1 < len(elems) {
			if j.value(&elems[i+1]); j.err != nil {
				return
			}
		} else {
			j.buf = append(j.buf, `{"type":"nil"}`...)
		}
		j.buf = append(j.buf, '}')
		if !j.step() {
			return
		}
	}
	j.buf = append(j.buf, ']')
}

// bytes appends appendJSONBytes(b). When streaming, a long b goes a
// chunk at a time (cut between runes, where escaping is the same), so a
// 100 MB bulk string is never encoded into one buffer.
func (j *jsonWriter) bytes(b []byte) {
	if j.w == nil || len(b) <= jsonChunk {
		j.buf = appendJSONBytes(j.buf, b)
		return
	}
	valid := utf8.Valid(b)
	if valid {
		j.buf = append(j.buf, `,"value":"`...)
	} else {
		j.buf = append(j.buf, `,"hex":"`...)
	}
	for len(b) > 0 && j.err == nil {
		k := min(len(b), jsonChunk)
		if valid {
			if k < len(b) {
				k = runeCut(b, k)
			}
			j.buf = appendJSONBody(j.buf, b[:k])
		} else {
			j.buf = hex.AppendEncode(j.buf, b[:k])
		}
		j.flush()
		b = b[k:]
	}
	j.buf = append(j.buf, '"')
}

// appendJSONBytes writes ,"value":"…" for UTF-8 and ,"hex":"…" otherwise,
// so binary payloads survive the trip exactly.
func appendJSONBytes(dst, b []byte) []byte {
	if utf8.Valid(b) {
		dst = append(dst, `,"value":`...)
		return appendJSONString(dst, b)
	}
	dst = append(dst, `,"hex":"`...)
	dst = hex.AppendEncode(dst, b)
	return append(dst, '"')
}

// appendJSONString writes s as a JSON string. Invalid UTF-8 becomes
// U+FFFD (only Format can reach here unchecked); controls, DEL and the
// code points Escape hides are written as \u escapes.
func appendJSONString(dst, s []byte) []byte {
	return append(appendJSONBody(append(dst, '"'), s), '"')
}

// appendJSONBody is appendJSONString without the quotes.
func appendJSONBody(dst, s []byte) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f && c != '\\' && c != '"' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = appendUnicodeEscape(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case invisible(r):
			dst = append(dst, s[start:i]...)
			dst = appendUnicodeEscape(dst, r)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return dst
}

func appendUnicodeEscape(dst []byte, r rune) []byte {
	if r > 0xffff {
		r -= 0x10000
		dst = appendUnicodeEscape(dst, 0xd800+(r>>10))
		return appendUnicodeEscape(dst, 0xdc00+(r&0x3ff))
	}
	return append(dst, '\\', 'u',
		hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// jsonValue is the decoding side of the MarshalJSON shape.
type jsonValue struct {
	Type       string          `json:"type"`
	Value      json.RawMessage `json:"value"`
	Hex        *string         `json:"hex"`
	Format     *string         `json:"format"`
	Items      []Value         `json:"items"`
	Entries    []jsonEntry     `json:"entries"`
	Attributes *Value          `json:"attributes"`
}

type jsonEntry struct {
	Key   Value `json:"key"`
	Value Value `json:"value"`
}

// UnmarshalJSON reads back what MarshalJSON wrote, so history files and
// tests can rebuild replies. What the JSON shape does not carry comes back
// as the defaults: NilWire 0 (written as "_" by Encode), simple errors, and
// Doubles without raw text. Values Encode could not write faithfully (a
// malformed bignum, a format that is not three bytes) are rejected.
func (v *Value) UnmarshalJSON(data []byte) error {
	var j jsonValue
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	kind, ok := kindByName(j.Type)
	if !ok {
		return fmt.Errorf("resp: unknown reply type %q", j.Type)
	}
	out := Value{Kind: kind}
	switch kind {
	case Integer:
		n, err := strconv.ParseInt(string(j.Value), 10, 64)
		if err != nil {
			return fmt.Errorf("resp: integer value %s: %w", j.Value, err)
		}
		out.Int = n
	case Bulk, Status, Error, BigNumber, Verbatim:
		b, err := j.bytes()
		if err != nil {
			return err
		}
		out.Str = b
		if kind == Verbatim {
			if j.Format == nil || len(*j.Format) != 3 {
				return errors.New(`resp: verbatim needs a three-byte "format"`)
			}
			out.Format = internFormat([]byte(*j.Format))
		}
	case Double:
		var s string
		if json.Unmarshal(j.Value, &s) == nil {
			f, ok := parseDouble([]byte(s))
			if !ok || !(math.IsNaN(f) || math.IsInf(f, 0)) {
				return fmt.Errorf("resp: double value %q", s)
			}
			out.Float = f
		} else {
			f, err := strconv.ParseFloat(string(j.Value), 64)
			if err != nil {
				return fmt.Errorf("resp: double value %s: %w", j.Value, err)
			}
			out.Float = f
		}
	case Boolean:
		if err := json.Unmarshal(j.Value, &out.Bool); err != nil || len(j.Value) == 0 {
			return fmt.Errorf("resp: boolean value %s", j.Value)
		}
	case Array, Set, Push:
		out.Elems = j.Items
	case Map, Attribute:
		if len(j.Entries) > 0 {
			out.Elems = make([]Value, 0, 2*len(j.Entries))
			for _, e := range j.Entries {
				if e.Key.Kind == 0 || e.Value.Kind == 0 {
					return errors.New(`resp: map entry without "key" or "value"`)
				}
				out.Elems = append(out.Elems, e.Key, e.Value)
			}
		}
	}
	if j.Attributes != nil {
		if j.Attributes.Kind != Attribute {
			return fmt.Errorf("resp: attributes of type %s", j.Attributes.Kind)
		}
		out.Attr = j.Attributes
	}
	*v = out
	return nil
}

func (j *jsonValue) bytes() ([]byte, error) {
	if j.Hex != nil {
		b, err := hex.DecodeString(*j.Hex)
		if err != nil {
			return nil, fmt.Errorf("resp: %s hex: %w", j.Type, err)
		}
		return b, nil
	}
	var s string
	if err := json.Unmarshal(j.Value, &s); err != nil {
		return nil, fmt.Errorf("resp: %s value %s: %w", j.Type, j.Value, err)
	}
	return []byte(s), nil
}
