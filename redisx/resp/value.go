package resp

import (
	"bytes"
	"math"
)

// Value is one reply, kept with its exact wire type. Aggregates hold their
// children in Elems, so a reply is a tree of Values.
//
// Which fields are meaningful depends on Kind; the others are zero. The
// fields are ordered to keep the struct at 96 bytes, since a large array
// reply is a slice of Values.
type Value struct {
	// Kind is the wire type.
	Kind Kind
	// NilWire tells which null came on the wire, for Kind Nil: '$' (RESP2
	// null bulk "$-1"), '*' (RESP2 null array "*-1") or '_' (RESP3 null).
	// Zero encodes as '_'.
	NilWire byte
	// Bool is the value of a Boolean.
	Bool bool
	// BulkError is set when an Error came as a RESP3 blob error ('!')
	// rather than a simple error ('-').
	BulkError bool
	// Int is the value of an Integer.
	Int int64
	// Float is the value of a Double, including ±Inf and NaN.
	Float float64
	// Str holds the bytes of a Bulk, Status, Error (without the leading
	// '-' or '!'), BigNumber (the digits), Verbatim (the body, without the
	// "txt:" prefix) and the raw wire text of a Double, which Encode writes
	// back when set. Values from Parse alias the parsed buffer.
	Str []byte
	// Format is the three-byte format of a Verbatim string, e.g. "txt".
	Format string
	// Elems holds the items of an Array, Set or Push, and the keys and
	// values of a Map or Attribute interleaved: key, value, key, value…
	Elems []Value
	// Attr is the Attribute (Kind Attribute) that preceded this value on
	// the wire, or nil. Several attributes in a row chain through their own
	// Attr fields, the earliest one deepest.
	Attr *Value
}

// Len reports how big a value is, for headers such as "array[3]": the
// number of items of an Array, Set or Push, the number of pairs of a Map or
// Attribute, the byte length of a string kind (Bulk, Status, Error,
// BigNumber, Verbatim body) and 0 otherwise.
func (v Value) Len() int {
	switch v.Kind {
	case Array, Set, Push:
		return len(v.Elems)
	case Map, Attribute:
		return (len(v.Elems) + 1) / 2
	case Bulk, Status, Error, BigNumber, Verbatim:
		return len(v.Str)
	}
	return 0
}

// IsAggregate reports whether the value has children in Elems (Array, Map,
// Set, Push, Attribute), so a tree view knows what it can expand.
func (v Value) IsAggregate() bool {
	switch v.Kind {
	case Array, Map, Set, Push, Attribute:
		return true
	}
	return false
}

// FirstError finds the first Error in depth-first order, so the UI can
// jump to an error buried in an aggregate (a Lua table that carries an
// error_reply, a MULTI/EXEC result). The path indexes Elems at each level
// (for a Map, keys are even indexes and values odd ones); an empty path
// with ok true means v itself is the Error. Attributes are not searched.
func (v Value) FirstError() (path []int, ok bool) {
	return firstError(&v, nil)
}

func firstError(v *Value, path []int) ([]int, bool) {
	if v.Kind == Error {
		return path, true
	}
	for i := range v.Elems {
		if p, ok := firstError(&v.Elems[i], append(path, i)); ok {
			return p, true
		}
	}
	return nil, false
}

// Equal reports whether v and w are the same reply on the wire: same kinds,
// same bytes, same null flavour and blob-error flag, same attributes. Fields
// that do not apply to the kind are ignored, a nil and an empty Str are
// equal, a zero NilWire equals '_' (that is how Encode writes it), and a
// Double's raw text is compared only when both sides have one.
func (v Value) Equal(w Value) bool { return equal(&v, &w) }

func equal(a, b *Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	if (a.Attr == nil) != (b.Attr == nil) {
		return false
	}
	if a.Attr != nil && !equal(a.Attr, b.Attr) {
		return false
	}
	switch a.Kind {
	case Integer:
		return a.Int == b.Int
	case Bulk, Status, BigNumber:
		return bytes.Equal(a.Str, b.Str)
	case Error:
		return a.BulkError == b.BulkError && bytes.Equal(a.Str, b.Str)
	case Verbatim:
		return a.Format == b.Format && bytes.Equal(a.Str, b.Str)
	case Nil:
		return nilWire(a.NilWire) == nilWire(b.NilWire)
	case Double:
		if len(a.Str) > 0 && len(b.Str) > 0 && !bytes.Equal(a.Str, b.Str) {
			return false
		}
		if math.IsNaN(a.Float) || math.IsNaN(b.Float) {
			return math.IsNaN(a.Float) && math.IsNaN(b.Float)
		}
		return math.Float64bits(a.Float) == math.Float64bits(b.Float)
	case Boolean:
		return a.Bool == b.Bool
	case Array, Map, Set, Push, Attribute:
		if len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if !equal(&a.Elems[i], &b.Elems[i]) {
				return false
			}
		}
	}
	return true
}

// nilWire normalises the null flavour the way Encode writes it.
func nilWire(b byte) byte {
	switch b {
	case '$', '*':
		return b
	}
	return '_'
}

// String renders the value like Text, so %v in logs and test failures shows
// a reply the way the user sees it.
func (v Value) String() string { return Text(v) }
