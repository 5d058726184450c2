package resp

import (
	"bytes"
	"errors"
	"math"
	"strconv"
)

// MaxDepth is how many aggregates (and attributes) may be open at once.
// Redis's deepest reply, a self-referencing Lua table, is about 8,000
// levels; the limit sits far above it and turns a hostile
// "*1\r\n*1\r\n…" into a ProtocolError instead of unbounded recursion.
const MaxDepth = 1 << 16

// maxLen bounds announced lengths and counts, so that arithmetic on them
// cannot overflow and a reader never waits for gigabytes a header promised.
const maxLen = math.MaxInt32

// ErrIncomplete means the input ends before the value does; more bytes may
// complete it. Reader reports the same condition at end of stream as an
// error that matches both ErrIncomplete and io.ErrUnexpectedEOF.
var ErrIncomplete = errors.New("resp: incomplete value")

// ProtocolError is input that is not RESP. It is returned instead of a
// panic, and carries the byte offset so a raw view can point at it.
type ProtocolError struct {
	Offset int    // byte offset of the problem from the start of the input
	Msg    string // what was wrong, without the offset
}

// Error implements error.
func (e *ProtocolError) Error() string {
	return "resp: protocol error at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Parse decodes one value from the start of b and reports how many bytes it
// used. It returns ErrIncomplete when b ends early and a *ProtocolError
// when b is not RESP. Attributes are attached to the value that follows
// them. The returned value aliases b (Str fields are sub-slices), so b must
// not be modified while the value is in use.
func Parse(b []byte) (v Value, n int, err error) {
	p := parser{b: b, budget: len(b) / 3}
	if err := p.value(&v, 0); err != nil {
		return Value{}, 0, err
	}
	return v, p.pos, nil
}

// ParseAll decodes every complete value in b, in order: a tap on a
// connection may hold several replies (HELLO's, then the script's). If b
// ends inside a value it returns the values before it and ErrIncomplete; on
// malformed input it returns the values before it and the *ProtocolError,
// with the offset counted from the start of b.
func ParseAll(b []byte) ([]Value, error) {
	var out []Value
	off := 0
	for off < len(b) {
		v, n, err := Parse(b[off:])
		if err != nil {
			var pe *ProtocolError
			if errors.As(err, &pe) {
				err = &ProtocolError{Offset: pe.Offset + off, Msg: pe.Msg}
			}
			return out, err
		}
		out = append(out, v)
		off += n
	}
	return out, nil
}

// parser decodes from one buffer. budget is how many Values may still be
// preallocated for aggregates: every element takes at least 3 bytes, so an
// honest input never needs more than len(b)/3 in total, and a lying header
// cannot make us allocate more than that.
//
// A Decoder knows the exact number of elements before parsing (slabbed):
// every aggregate's Elems is then carved from one slab of that size.
type parser struct {
	b       []byte
	pos     int
	budget  int
	slab    []Value
	slabbed bool
}

func (p *parser) errAt(off int, msg string) error {
	return &ProtocolError{Offset: off, Msg: msg}
}

func (p *parser) errDepth(off int) error {
	return p.errAt(off, "nesting deeper than "+strconv.Itoa(MaxDepth))
}

// value decodes the value at p.pos into v. level is the number of
// aggregates open around it.
func (p *parser) value(v *Value, level int) error {
	if p.pos >= len(p.b) {
		return ErrIncomplete
	}
	start := p.pos
	switch t := p.b[start]; t {
	case '+', '-':
		line, err := p.line()
		if err != nil {
			return err
		}
		v.Kind = Status
		if t == '-' {
			v.Kind = Error
		}
		v.Str = line
	case ':':
		n, err := p.number()
		if err != nil {
			return err
		}
		v.Kind, v.Int = Integer, n
	case '_':
		line, err := p.line()
		if err != nil {
			return err
		}
		if len(line) != 0 {
			return p.errAt(start+1, "null has a payload")
		}
		v.Kind, v.NilWire = Nil, '_'
	case '#':
		line, err := p.line()
		if err != nil {
			return err
		}
		if len(line) != 1 || (line[0] != 't' && line[0] != 'f') {
			return p.errAt(start+1, "boolean is not t or f")
		}
		v.Kind, v.Bool = Boolean, line[0] == 't'
	case ',':
		line, err := p.line()
		if err != nil {
			return err
		}
		f, ok := parseDouble(line)
		if !ok {
			return p.errAt(start+1, "malformed double")
		}
		v.Kind, v.Float, v.Str = Double, f, line
	case '(':
		line, err := p.line()
		if err != nil {
			return err
		}
		// Kept as the server wrote it, digits or not: a malformed big
		// number is still a reply, and showing it is the point (go-redis's
		// typed reader refuses it; luascope reads replies raw).
		v.Kind, v.Str = BigNumber, line
	case '$', '!', '=':
		n, err := p.length()
		if err != nil {
			return err
		}
		if n == -1 && t == '$' {
			v.Kind, v.NilWire = Nil, '$'
			return nil
		}
		if n < 0 {
			return p.errAt(start+1, "negative length")
		}
		if n > len(p.b)-p.pos-2 {
			return ErrIncomplete
		}
		end := p.pos + n
		if p.b[end] != '\r' || p.b[end+1] != '\n' {
			return p.errAt(end, "blob not followed by CRLF")
		}
		body := p.b[p.pos:end:end]
		switch t {
		case '$':
			v.Kind, v.Str = Bulk, body
		case '!':
			v.Kind, v.Str, v.BulkError = Error, body, true
		case '=':
			if n < 4 || body[3] != ':' {
				return p.errAt(p.pos, "verbatim string without a format")
			}
			v.Kind, v.Format, v.Str = Verbatim, internFormat(body[:3]), body[4:]
		}
		p.pos = end + 2
	case '*', '%', '~', '>':
		n, err := p.length()
		if err != nil {
			return err
		}
		if n == -1 && t == '*' {
			v.Kind, v.NilWire = Nil, '*'
			return nil
		}
		if n < 0 {
			return p.errAt(start+1, "negative length")
		}
		switch t {
		case '*':
			v.Kind = Array
		case '%':
			v.Kind, n = Map, 2*n
		case '~':
			v.Kind = Set
		case '>':
			v.Kind = Push
		}
		if n == 0 {
			return nil
		}
		if level+1 > MaxDepth {
			return p.errDepth(start)
		}
		elems, err := p.elems(n, level+1)
		v.Elems = elems
		return err
	case '|':
		n, err := p.length()
		if err != nil {
			return err
		}
		if n < 0 {
			return p.errAt(start+1, "negative length")
		}
		if level+1 > MaxDepth {
			return p.errDepth(start)
		}
		attr := &Value{Kind: Attribute}
		if n > 0 {
			if attr.Elems, err = p.elems(2*n, level+1); err != nil {
				return err
			}
		}
		if err := p.value(v, level+1); err != nil {
			return err
		}
		// Attach to the earliest end of the chain: attributes that came
		// later were attached while parsing v.
		at := &v.Attr
		for *at != nil {
			at = &(*at).Attr
		}
		*at = attr
	default:
		return p.errAt(start, "unknown type byte "+strconv.QuoteRune(rune(t)))
	}
	return nil
}

// elems decodes n values at the given level, preallocating no more than
// the remaining budget allows.
func (p *parser) elems(n, level int) ([]Value, error) {
	if p.slabbed && n <= len(p.slab) {
		elems := p.slab[:n:n]
		p.slab = p.slab[n:]
		for i := range elems {
			if err := p.value(&elems[i], level); err != nil {
				return elems[:i+1], err
			}
		}
		return elems, nil
	}
	c := min(n, p.budget)
	p.budget -= c
	elems := make([]Value, 0, c)
	for range n {
		elems = append(elems, Value{})
		if err := p.value(&elems[len(elems)-1], level); err != nil {
			return elems, err
		}
	}
	return elems, nil
}

// line returns the bytes after the type byte up to CRLF and moves past
// it. The line ends at the first '\n', which must follow a '\r'; a lone
// '\r' inside the line is kept.
func (p *parser) line() ([]byte, error) {
	from := p.pos + 1
	i := bytes.IndexByte(p.b[from:], '\n')
	if i < 0 {
		return nil, ErrIncomplete
	}
	nl := from + i
	if i == 0 || p.b[nl-1] != '\r' {
		return nil, p.errAt(nl, "line not terminated by CRLF")
	}
	p.pos = nl + 1
	return p.b[from : nl-1 : nl-1], nil
}

// number parses a signed decimal int64 line (after the type byte).
func (p *parser) number() (int64, error) {
	b := p.b
	i := p.pos + 1
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	digits := i
	var u uint64
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			break
		}
		d := uint64(c - '0')
		if u > (limit-d)/10 || i-digits >= 20 { // 20: bound on leading zeros
			return 0, p.errAt(digits, "integer out of range")
		}
		u = u*10 + d
	}
	if i == len(b) {
		return 0, ErrIncomplete
	}
	if i == digits {
		return 0, p.errAt(i, "expected a decimal number")
	}
	if b[i] != '\r' {
		return 0, p.errAt(i, "unexpected byte in number")
	}
	if i+1 == len(b) {
		return 0, ErrIncomplete
	}
	if b[i+1] != '\n' {
		return 0, p.errAt(i+1, "line not terminated by CRLF")
	}
	p.pos = i + 2
	if neg {
		return -int64(u-1) - 1, nil // no overflow for MinInt64
	}
	return int64(u), nil
}

// length parses a length or count header; -1 is returned as is (the
// caller decides whether a null is allowed), other values must fit maxLen.
func (p *parser) length() (int, error) {
	start := p.pos + 1
	n, err := p.number()
	if err != nil {
		return 0, err
	}
	if n > maxLen || n < -1 {
		if n < 0 {
			return 0, p.errAt(start, "negative length")
		}
		return 0, p.errAt(start, "length out of range")
	}
	return int(n), nil
}

// parseDouble accepts the RESP3 double grammar: an optional sign and
// either inf, nan, or digits with an optional fraction and exponent.
func parseDouble(s []byte) (float64, bool) {
	rest := s
	neg := false
	if len(rest) > 0 && (rest[0] == '+' || rest[0] == '-') {
		neg = rest[0] == '-'
		rest = rest[1:]
	}
	switch {
	case equalFold(rest, "inf"):
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case equalFold(rest, "nan"):
		return math.NaN(), true
	}
	i, digits := 0, 0
	for i < len(rest) && isDigit(rest[i]) {
		i, digits = i+1, digits+1
	}
	if i < len(rest) && rest[i] == '.' {
		i++
		for i < len(rest) && isDigit(rest[i]) {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(rest) && (rest[i] == 'e' || rest[i] == 'E') {
		i++
		if i < len(rest) && (rest[i] == '+' || rest[i] == '-') {
			i++
		}
		exp := i
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		if i == exp {
			return 0, false
		}
	}
	if i != len(rest) {
		return 0, false
	}
	// The grammar above is a subset of what ParseFloat accepts; a range
	// error still yields ±Inf or 0, which is the honest float value.
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// internFormat avoids an allocation per verbatim string for the formats
// Redis actually sends.
func internFormat(b []byte) string {
	switch string(b) {
	case "txt":
		return "txt"
	case "mkd":
		return "mkd"
	}
	return string(b)
}
