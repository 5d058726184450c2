package resp

import "strings"

// Constructors that keep the tables short.

func integer(n int64) Value  { return Value{Kind: Integer, Int: n} }
func bulk(s string) Value    { return Value{Kind: Bulk, Str: []byte(s)} }
func status(s string) Value  { return Value{Kind: Status, Str: []byte(s)} }
func errv(s string) Value    { return Value{Kind: Error, Str: []byte(s)} }
func blobErr(s string) Value { return Value{Kind: Error, Str: []byte(s), BulkError: true} }
func null(wire byte) Value   { return Value{Kind: Nil, NilWire: wire} }
func boolean(b bool) Value   { return Value{Kind: Boolean, Bool: b} }
func bignum(s string) Value  { return Value{Kind: BigNumber, Str: []byte(s)} }
func array(e ...Value) Value { return Value{Kind: Array, Elems: e} }
func set(e ...Value) Value   { return Value{Kind: Set, Elems: e} }
func push(e ...Value) Value  { return Value{Kind: Push, Elems: e} }
func dict(kv ...Value) Value { return Value{Kind: Map, Elems: kv} }
func attr(kv ...Value) *Value {
	return &Value{Kind: Attribute, Elems: kv}
}

func double(raw string) Value {
	f, ok := parseDouble([]byte(raw))
	if !ok {
		panic("bad double " + raw)
	}
	return Value{Kind: Double, Float: f, Str: []byte(raw)}
}

func verbatim(format, body string) Value {
	return Value{Kind: Verbatim, Format: format, Str: []byte(body)}
}

func withAttr(v Value, a *Value) Value {
	v.Attr = a
	return v
}

// allBytes is every byte value once, for binary-safety tests.
func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// forJSON clears what the JSON shape does not carry, so a value can be
// compared with its JSON round trip.
func forJSON(v Value) Value {
	switch v.Kind {
	case Nil:
		v.NilWire = 0
	case Error:
		v.BulkError = false
	case Double:
		v.Str = nil
	}
	if v.Attr != nil {
		a := forJSON(*v.Attr)
		v.Attr = &a
	}
	if v.Elems != nil {
		elems := make([]Value, len(v.Elems))
		for i := range v.Elems {
			elems[i] = forJSON(v.Elems[i])
		}
		v.Elems = elems
	}
	return v
}

// jsonFaithful reports whether JSON can carry v: every Verbatim format is
// valid UTF-8 (JSON strings cannot hold other bytes).
func jsonFaithful(v *Value) bool {
	if v.Kind == Verbatim && strings.ToValidUTF8(v.Format, "\x00") != v.Format {
		return false
	}
	if v.Attr != nil && !jsonFaithful(v.Attr) {
		return false
	}
	for i := range v.Elems {
		if !jsonFaithful(&v.Elems[i]) {
			return false
		}
	}
	return true
}
