package resp

import (
	"bytes"
	"math"
	"strconv"
)

// Encode appends the wire form of v to dst, for the raw-RESP view and for
// tests: Parse(Encode(nil, v)) gives back a value Equal to v.
//
// Values built by hand are normalised so the framing stays intact: a zero
// NilWire is written as the RESP3 null "_", a '\n' in a Status, simple
// Error, BigNumber or Double text becomes a space (as Redis itself does), a
// Verbatim Format is cut or padded to three bytes ("txt" when empty), a Map
// with an odd number of Elems gets a trailing null, and an invalid Kind is
// written as a null. A BigNumber's digits and a Double's raw text are
// written as they are, so they must be valid for the output to parse.
func Encode(dst []byte, v Value) []byte { return appendValue(dst, &v) }

func appendValue(dst []byte, v *Value) []byte {
	if v.Attr != nil {
		dst = appendAttribute(dst, v.Attr)
	}
	switch v.Kind {
	case Integer:
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, v.Int, 10)
		return append(dst, '\r', '\n')
	case Bulk:
		return appendBlob(dst, '$', v.Str)
	case Status:
		return appendLine(dst, '+', v.Str)
	case Error:
		if v.BulkError {
			return appendBlob(dst, '!', v.Str)
		}
		return appendLine(dst, '-', v.Str)
	case Double:
		if len(v.Str) > 0 {
			return appendLine(dst, ',', v.Str)
		}
		dst = append(dst, ',')
		dst = appendDouble(dst, v.Float)
		return append(dst, '\r', '\n')
	case Boolean:
		if v.Bool {
			return append(dst, "#t\r\n"...)
		}
		return append(dst, "#f\r\n"...)
	case BigNumber:
		return appendLine(dst, '(', v.Str)
	case Verbatim:
		dst = append(dst, '=')
		dst = strconv.AppendInt(dst, int64(len(v.Str)+4), 10)
		dst = append(dst, '\r', '\n')
		f := v.Format
		if f == "" {
			f = "txt"
		}
		for i := range 3 {
			if i < len(f) {
				dst = append(dst, f[i])
			} else {
				dst = append(dst, ' ')
			}
		}
		dst = append(dst, ':')
		dst = append(dst, v.Str...)
		return append(dst, '\r', '\n')
	case Array:
		return appendAggregate(dst, '*', v.Elems)
	case Set:
		return appendAggregate(dst, '~', v.Elems)
	case Push:
		return appendAggregate(dst, '>', v.Elems)
	case Map:
		return appendPairs(dst, '%', v.Elems)
	case Attribute:
		return appendPairs(dst, '|', v.Elems)
	case Nil:
		switch v.NilWire {
		case '$':
			return append(dst, "$-1\r\n"...)
		case '*':
			return append(dst, "*-1\r\n"...)
		}
	}
	return append(dst, "_\r\n"...)
}

// appendAttribute writes a as an attribute whatever its Kind says, since
// it sits in an Attr field; earlier attributes in the chain come first.
func appendAttribute(dst []byte, a *Value) []byte {
	if a.Attr != nil {
		dst = appendAttribute(dst, a.Attr)
	}
	return appendPairs(dst, '|', a.Elems)
}

func appendAggregate(dst []byte, t byte, elems []Value) []byte {
	dst = appendHeader(dst, t, len(elems))
	for i := range elems {
		dst = appendValue(dst, &elems[i])
	}
	return dst
}

func appendPairs(dst []byte, t byte, elems []Value) []byte {
	dst = appendHeader(dst, t, (len(elems)+1)/2)
	for i := range elems {
		dst = appendValue(dst, &elems[i])
	}
	if len(elems)%2 == 1 {
		dst = append(dst, "_\r\n"...)
	}
	return dst
}

func appendHeader(dst []byte, t byte, n int) []byte {
	dst = append(dst, t)
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '\r', '\n')
}

func appendBlob(dst []byte, t byte, b []byte) []byte {
	dst = appendHeader(dst, t, len(b))
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}

// appendLine writes a line-framed string; a '\n' would end the line early,
// so it becomes a space.
func appendLine(dst []byte, t byte, b []byte) []byte {
	dst = append(dst, t)
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		dst = append(dst, b[:i]...)
		dst = append(dst, ' ')
		b = b[i+1:]
	}
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}

// appendDouble writes f the way RESP3 and the text view spell doubles:
// "inf", "-inf", "nan", otherwise the shortest decimal that round-trips.
func appendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}
