package history

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// bstr is a byte string in JSON: a JSON string when the bytes are valid
// UTF-8, else {"hex":"…"}. encoding/json would silently replace invalid
// bytes with U+FFFD, and a history entry must replay the exact KEYS, ARGV
// and source that were sent. The hex form matches the --json contract's
// replies ({"type":"bulk","hex":"…"}).
type bstr string

// MarshalJSON writes a string, or {"hex":…} for bytes that are not UTF-8.
func (s bstr) MarshalJSON() ([]byte, error) {
	if plain(string(s)) {
		return []byte(`"` + string(s) + `"`), nil
	}
	if utf8.ValidString(string(s)) {
		// No HTML escaping: Lua is full of < and >, and the file is read
		// by people (grep, jq) as much as by Load.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(string(s)); err != nil {
			return nil, err
		}
		return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
	}
	return []byte(`{"hex":"` + hex.EncodeToString([]byte(s)) + `"}`), nil
}

// UnmarshalJSON accepts either form MarshalJSON writes, and null as "".
func (s *bstr) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return fmt.Errorf("empty byte string")
	case data[0] == '"' && len(data) >= 2 && bytes.IndexByte(data, '\\') < 0 && utf8.Valid(data):
		// The common case, already validated by the enclosing decoder: a
		// string without escapes is its bytes.
		*s = bstr(data[1 : len(data)-1])
	case data[0] == '"':
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*s = bstr(v)
	case data[0] == '{':
		var v struct {
			Hex *string `json:"hex"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		if v.Hex == nil {
			return fmt.Errorf(`byte string object without "hex"`)
		}
		b, err := hex.DecodeString(*v.Hex)
		if err != nil {
			return fmt.Errorf("byte string hex: %w", err)
		}
		*s = bstr(b)
	case string(data) == "null":
		*s = ""
	default:
		return fmt.Errorf("byte string: want a string or {\"hex\":…}, got %.20s", data)
	}
	return nil
}

// plain reports a string that JSON-encodes as itself between quotes: no
// byte needing an escape and no U+2028/U+2029 (which encoding/json escapes).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

func toBstrs(in []string) []bstr {
	out := make([]bstr, len(in))
	for i, v := range in {
		out[i] = bstr(v)
	}
	return out
}

func fromBstrs(in []bstr) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}
