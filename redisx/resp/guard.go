package resp

import (
	"bytes"
	"strconv"
)

// Limits bound what a reply may announce before its bytes have arrived.
// A RESP header is a promise: "$999999999999" promises a terabyte and
// "*2147483647" two billion elements, and a reader that allocates for the
// promise (go-redis does: make([]byte, n), make([]any, n)) dies of it
// before one byte of the payload is read. The limits sit far above what a
// real server sends, so only lies are refused.
type Limits struct {
	// MaxBulk is the longest bulk string, verbatim string or blob error.
	// Redis refuses strings over proto-max-bulk-len (512 MB by default).
	MaxBulk int64
	// MaxLine is the longest simple line (status, error, number, double).
	MaxLine int64
	// MaxOutstanding is how many announced elements may be still to come,
	// summed over every open aggregate: what a reader has to allocate
	// for before the elements arrive.
	MaxOutstanding int64
	// MaxDepth is how many aggregates may be open at once. Redis's own
	// deepest reply (a self-referencing Lua table) is about 8,000 levels.
	MaxDepth int
}

// DefaultLimits are the limits every connection of luascope reads under.
var DefaultLimits = Limits{
	MaxBulk:        1 << 30,
	MaxLine:        1 << 30,
	MaxOutstanding: 1 << 26,
	MaxDepth:       MaxDepth,
}

// Guard checks a stream of RESP replies as it is read, header by header,
// so that a reader behind it never sees a header that breaks the limits.
// It keeps only counters (no payload), whatever the size of the replies.
// The zero Guard is not usable: make one with NewGuard.
type Guard struct {
	lim         Limits
	off         int64 // bytes fed so far, for error offsets
	typ         byte  // type byte of the header being read; 0 between values
	num         [24]byte
	numLen      int
	lineLen     int64
	skip        int64 // payload bytes (and CRLF) of a bulk still to come
	stack       []open
	outstanding int64
	err         error
}

// open is an aggregate whose elements are still arriving.
type open struct {
	left int64
	attr bool // an attribute: when it ends, the value it annotates follows
}

// NewGuard returns a guard for one connection's byte stream.
func NewGuard(lim Limits) *Guard { return &Guard{lim: lim} }

// Feed checks the next bytes read from the connection. Once it has
// returned an error, it returns the same error for every later call: the
// stream can no longer be trusted.
func (g *Guard) Feed(p []byte) error {
	if g.err != nil {
		return g.err
	}
	for len(p) > 0 {
		if g.skip > 0 {
			k := min(int64(len(p)), g.skip)
			p, g.skip, g.off = p[k:], g.skip-k, g.off+k
			if g.skip == 0 {
				g.done()
			}
			continue
		}
		if g.typ == 0 {
			g.typ = p[0]
			if !knownType(g.typ) {
				return g.fail("unknown type byte " + strconv.QuoteRune(rune(g.typ)))
			}
			g.numLen, g.lineLen = 0, 0
			p, g.off = p[1:], g.off+1
			continue
		}
		chunk := p
		i := bytes.IndexByte(p, '\n')
		if i >= 0 {
			chunk = p[:i]
		}
		g.lineLen += int64(len(chunk))
		if hasLength(g.typ) {
			if g.numLen+len(chunk) > len(g.num) {
				return g.fail("length line too long")
			}
			g.numLen += copy(g.num[g.numLen:], chunk)
		} else if g.lineLen > g.lim.MaxLine {
			return g.fail("a line longer than " + size(g.lim.MaxLine) + " (the most luascope reads)")
		}
		if i < 0 {
			g.off += int64(len(p))
			p = nil
			continue
		}
		p, g.off = p[i+1:], g.off+int64(i+1)
		if err := g.header(); err != nil {
			return err
		}
	}
	return nil
}

// header acts on a complete header line.
func (g *Guard) header() error {
	t := g.typ
	g.typ = 0
	if !hasLength(t) {
		g.done()
		return nil
	}
	digits := g.num[:g.numLen]
	if len(digits) == 0 || digits[len(digits)-1] != '\r' {
		return g.fail("line not terminated by CRLF")
	}
	n, err := strconv.ParseInt(string(digits[:len(digits)-1]), 10, 64)
	if err != nil {
		return g.fail("bad length " + strconv.Quote(string(digits[:len(digits)-1])))
	}
	if n == -1 {
		g.done() // a RESP2 null
		return nil
	}
	if n < 0 {
		return g.fail("negative length " + strconv.FormatInt(n, 10))
	}
	switch t {
	case '$', '=', '!':
		if n > g.lim.MaxBulk {
			return g.fail("a string of " + GroupDigits(n) + " bytes announced, more than the " + size(g.lim.MaxBulk) + " luascope accepts")
		}
		g.skip = n + 2
		return nil
	}
	attr := t == '|'
	if t == '%' || attr {
		if n > g.lim.MaxOutstanding/2 {
			return g.tooMany(n)
		}
		n *= 2
	}
	if n == 0 {
		if !attr {
			g.done()
		}
		return nil
	}
	if len(g.stack) >= g.lim.MaxDepth {
		return g.fail("nesting deeper than " + GroupDigits(int64(g.lim.MaxDepth)) + " levels (Redis's deepest reply is about 8,000)")
	}
	if n > g.lim.MaxOutstanding-g.outstanding {
		return g.tooMany(n)
	}
	g.outstanding += n
	g.stack = append(g.stack, open{left: n, attr: attr})
	return nil
}

func (g *Guard) tooMany(n int64) error {
	return g.fail("an aggregate of " + GroupDigits(n) + " elements announced, more than the " + GroupDigits(g.lim.MaxOutstanding) + " luascope accepts")
}

// done records that one value ended, closing the aggregates it completes.
func (g *Guard) done() {
	for len(g.stack) > 0 {
		top := &g.stack[len(g.stack)-1]
		top.left--
		g.outstanding--
		if top.left > 0 {
			return
		}
		attr := top.attr
		g.stack = g.stack[:len(g.stack)-1]
		if attr {
			return // the annotated value is still to come
		}
	}
}

// Err is the error Feed returned, if any: the stream is refused from
// there on.
func (g *Guard) Err() error { return g.err }

func (g *Guard) fail(msg string) error {
	g.err = &ProtocolError{Offset: int(g.off), Msg: "refused before reading: " + msg}
	return g.err
}

func knownType(t byte) bool {
	switch t {
	case '+', '-', ':', '$', '*', '_', '#', ',', '(', '!', '=', '%', '~', '>', '|':
		return true
	}
	return false
}

func hasLength(t byte) bool {
	switch t {
	case '$', '*', '!', '=', '%', '~', '>', '|':
		return true
	}
	return false
}

// GroupDigits writes n with thousands separators, 1234567 as 1,234,567:
// counts a person reads (the guard's limits, batch progress and reports).
func GroupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// size writes a power-of-two byte count the way people say it.
func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return GroupDigits(n) + " bytes"
}
