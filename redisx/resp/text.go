package resp

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text renders v the way redis-cli prints replies on a terminal, changed
// only where redis-cli would hide the wire type or print server bytes raw.
// The result has no trailing newline.
//
// Scalars:
//
//	(integer) 1
//	"bulk \"quoted\"\n"      bulk strings quoted, escaped with Escape
//	(status) OK              redis-cli prints a bare OK; the marker keeps status and bulk apart
//	(error) ERR unknown      simple and blob errors alike; escaped, not quoted
//	(nil)                    any null: $-1, *-1 and _ (Encode shows which)
//	(double) 1.5             the wire text: inf, -inf, nan, 1e+300…
//	(boolean) true           redis-cli prints (true)
//	(bignum) 1234567890123   redis-cli prints (big number)
//	(verbatim txt) "a\nb"    redis-cli prints the body raw
//
// Aggregates number their items from 1, right-aligned to the widest index,
// and nested items line up under their parent as in redis-cli. The marker
// after the index is the type: ')' array, '#' map (key => value), '~' set,
// '>' push (redis-cli uses ')'). Empty ones are (empty array), (empty map)
// (redis-cli says hash), (empty set) and (empty push). An array of ten:
//
//	> EVAL "redis.setresp(3) return {1, {'a', 'b'}, {map={k='v'}}, {set={}}, …}" 0
//	 1) (integer) 1
//	 2) 1) "a"
//	    2) "b"
//	 3) 1# "k" => "v"
//	 4) (empty set)
//	 …
//	10) (status) OK
//
// An attribute is printed on its own line, marked "|attr", before the value
// it annotates, indented like the value:
//
//	|attr 1# "ttl" => (integer) 3600
//	1) (integer) 1
func Text(v Value) string {
	size := textSize(&v, 0)
	if size <= textChunk {
		t := textWriter{buf: make([]byte, 0, size)}
		t.value(&v, 0)
		return string(t.buf)
	}
	// Large: stream chunks into a builder sized up front, so the text is
	// neither regrown nor copied once more at the end.
	var sb strings.Builder
	sb.Grow(size)
	t := textWriter{w: &sb, buf: make([]byte, 0, 2*textChunk)}
	t.value(&v, 0)
	t.flush()
	return sb.String()
}

// textSize estimates the length of Text(v) when v starts at indent.
func textSize(v *Value, indent int) int {
	n := 16 + len(v.Str) + len(v.Str)/8
	if v.Attr != nil {
		n += indent + textSize(v.Attr, indent)
	}
	if len(v.Elems) > 0 {
		child := indent + decimalWidth(len(v.Elems)) + 2
		for i := range v.Elems {
			n += child + textSize(&v.Elems[i], child)
		}
	}
	return n
}

// WriteText writes Text(v) and a newline to w, as redis-cli prints a
// reply. It streams in chunks, so a huge reply is never held twice.
func WriteText(w io.Writer, v Value) error {
	t := textWriter{w: w, buf: make([]byte, 0, 2*textChunk)}
	t.value(&v, 0)
	t.buf = append(t.buf, '\n')
	t.flush()
	return t.err
}

const textChunk = 32 << 10

// textWriter appends the rendering to buf and, when w is set, hands it to
// w in chunks. After a write error it stops rendering.
type textWriter struct {
	buf []byte
	w   io.Writer
	err error
}

func (t *textWriter) flush() {
	if t.err == nil && len(t.buf) > 0 {
		_, t.err = t.w.Write(t.buf)
	}
	t.buf = t.buf[:0]
}

func (t *textWriter) str(s string) { t.buf = append(t.buf, s...) }

// escape appends s escaped. When streaming, a long s goes a chunk at a
// time, so a 100 MB bulk string is never escaped into one buffer.
func (t *textWriter) escape(s []byte) {
	for t.w != nil && len(s) > textChunk && t.err == nil {
		k := runeCut(s, textChunk) // textChunk < len(s)
		t.buf = appendEscape(t.buf, s[:k])
		t.flush()
		s = s[k:]
	}
	t.buf = appendEscape(t.buf, s)
}

// runeCut is where to cut s near n bytes so that no UTF-8 sequence is
// split: escaping is per rune, so the two halves escape to the bytes
// the whole does. A byte that starts no sequence is never part of a
// valid one, so any cut before it is exact.
func runeCut(s []byte, n int) int {
	for k := n; k > n-utf8.UTFMax && k > 0; k-- {
		if utf8.RuneStart(s[k]) {
			return k
		}
	}
	return n
}

const spaces = "                                                                "

func (t *textWriter) newline(indent int) {
	t.buf = append(t.buf, '\n')
	for indent > len(spaces) {
		t.buf = append(t.buf, spaces...)
		indent -= len(spaces)
	}
	t.buf = append(t.buf, spaces[:indent]...)
}

// value renders v; its first line continues the current one and later
// lines start with indent spaces.
func (t *textWriter) value(v *Value, indent int) {
	if v.Attr != nil {
		t.attr(v.Attr, indent)
		t.newline(indent)
	}
	switch v.Kind {
	case Integer:
		t.str("(integer) ")
		t.buf = strconv.AppendInt(t.buf, v.Int, 10)
	case Bulk:
		t.buf = append(t.buf, '"')
		t.escape(v.Str)
		t.buf = append(t.buf, '"')
	case Status:
		t.str("(status) ")
		t.escape(v.Str)
	case Error:
		t.str("(error) ")
		t.escape(v.Str)
	case Nil:
		t.str("(nil)")
	case Double:
		t.str("(double) ")
		t.buf = appendDoubleText(t.buf, v)
	case Boolean:
		if v.Bool {
			t.str("(boolean) true")
		} else {
			t.str("(boolean) false")
		}
	case BigNumber:
		t.str("(bignum) ")
		t.escape(v.Str)
	case Verbatim:
		t.buf = appendVerbatimMarker(t.buf, v.Format)
		t.buf = append(t.buf, '"')
		t.escape(v.Str)
		t.buf = append(t.buf, '"')
	case Array:
		t.items(v.Elems, ')', "(empty array)", indent)
	case Set:
		t.items(v.Elems, '~', "(empty set)", indent)
	case Push:
		t.items(v.Elems, '>', "(empty push)", indent)
	case Map:
		t.pairs(v.Elems, "(empty map)", indent)
	case Attribute:
		t.attrBody(v, indent)
	default:
		t.str("(invalid kind ")
		t.buf = strconv.AppendInt(t.buf, int64(v.Kind), 10)
		t.str(")")
	}
}

// attr renders an attribute found in an Attr field, earliest first.
func (t *textWriter) attr(a *Value, indent int) {
	if a.Attr != nil {
		t.attr(a.Attr, indent)
		t.newline(indent)
	}
	t.attrBody(a, indent)
}

func (t *textWriter) attrBody(a *Value, indent int) {
	t.str("|attr ")
	t.pairs(a.Elems, "(empty)", indent+len("|attr "))
}

func (t *textWriter) items(elems []Value, sep byte, empty string, indent int) {
	if len(elems) == 0 {
		t.str(empty)
		return
	}
	width := decimalWidth(len(elems))
	child := indent + width + 2
	for i := range elems {
		if i > 0 {
			t.newline(indent)
		}
		t.index(i+1, width, sep)
		t.value(&elems[i], child)
		if !t.step() {
			return
		}
	}
}

func (t *textWriter) pairs(elems []Value, empty string, indent int) {
	n := (len(elems) + 1) / 2
	if n == 0 {
		t.str(empty)
		return
	}
	width := decimalWidth(n)
	child := indent + width + 2
	for i := range n {
		if i > 0 {
			t.newline(indent)
		}
		t.index(i+1, width, '#')
		t.value(&elems[2*i], child)
		t.str(" => ")
		if 2*i+1 < len(elems) {
			t.value(&elems[2*i+1], child)
		} else {
			t.str("(nil)")
		}
		if !t.step() {
			return
		}
	}
}

// step flushes a full chunk when streaming and reports whether to go on.
func (t *textWriter) step() bool {
	if t.w != nil && len(t.buf) >= textChunk {
		t.flush()
	}
	return t.err == nil
}

// index writes "  7) " style numbering, right-aligned to width digits.
func (t *textWriter) index(i, width int, sep byte) {
	for pad := width - decimalWidth(i); pad > 0; pad-- {
		t.buf = append(t.buf, ' ')
	}
	t.buf = strconv.AppendInt(t.buf, int64(i), 10)
	t.buf = append(t.buf, sep, ' ')
}

func decimalWidth(n int) int {
	w := 1
	for n >= 10 {
		n /= 10
		w++
	}
	return w
}

func appendDoubleText(dst []byte, v *Value) []byte {
	if len(v.Str) > 0 {
		return appendEscape(dst, v.Str)
	}
	return appendDouble(dst, v.Float)
}

func appendVerbatimMarker(dst []byte, format string) []byte {
	dst = append(dst, "(verbatim "...)
	dst = appendEscape(dst, []byte(format))
	return append(dst, ") "...)
}

// Summary renders v on one line of at most max runes (no limit when max
// <= 0), for trace and history rows where a whole reply does not fit:
//
//	(integer) 1
//	(status) OK
//	"abc"
//	"abcdefgh…" (bulk, 12 bytes)   cut strings keep their type and size
//	(error) ERR wrong number of …
//	(nil)
//	array[3]   map[2]   set[0]   push[3]
//
// Other scalars read as in Text; attributes are left out. Cuts never split
// an escape sequence, and the server's bytes are escaped as in Text.
func Summary(v Value, max int) string {
	if max <= 0 {
		max = int(^uint(0) >> 2)
	}
	var s []byte
	switch v.Kind {
	case Bulk:
		s = summaryQuoted(nil, v.Str, max, " (bulk, "+byteCount(len(v.Str))+")")
	case Verbatim:
		prefix := appendVerbatimMarker(nil, v.Format)
		if n := utf8.RuneCount(prefix); n+3 <= max {
			s = summaryQuoted(prefix, v.Str, max-n, "")
		} else {
			s = prefix
		}
	case Status:
		s = summaryLine([]byte("(status) "), v.Str, max)
	case Error:
		s = summaryLine([]byte("(error) "), v.Str, max)
	case BigNumber:
		s = summaryLine([]byte("(bignum) "), v.Str, max)
	case Double:
		s = appendDoubleText([]byte("(double) "), &v)
	case Array, Set, Push, Map, Attribute:
		s = append(s, v.Kind.String()...)
		s = append(s, '[')
		s = strconv.AppendInt(s, int64(v.Len()), 10)
		s = append(s, ']')
	default:
		var t textWriter
		t.value(&Value{Kind: v.Kind, Int: v.Int, Bool: v.Bool}, 0)
		s = t.buf
	}
	return cut(s, max)
}

func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}

// summaryLine writes prefix and escaped s, cut with "…" to max runes.
func summaryLine(prefix, s []byte, max int) []byte {
	room := max - utf8.RuneCount(prefix)
	if room < 1 {
		return prefix // cut() shortens it
	}
	if out, ok := appendEscapeLimit(prefix, s, room); ok {
		return out
	}
	out, _ := appendEscapeLimit(prefix, s, room-1)
	return append(out, "…"...)
}

// summaryQuoted writes prefix and s quoted. When s does not fit in limit
// runes it is cut with "…" inside the quotes and suffix is added if there
// is room for it.
func summaryQuoted(prefix, s []byte, limit int, suffix string) []byte {
	out := append(prefix, '"')
	if full, ok := appendEscapeLimit(out, s, limit-2); ok {
		return append(full, '"')
	}
	room := limit - 3 - utf8.RuneCountInString(suffix)
	if room < 1 {
		suffix, room = "", limit-3
	}
	out, _ = appendEscapeLimit(out, s, max(room, 0))
	out = append(out, "…\""...)
	return append(out, suffix...)
}

// cut shortens s to max runes, ending with "…" when it had to cut.
func cut(s []byte, max int) string {
	if utf8.RuneCount(s) <= max {
		return string(s)
	}
	n := 0
	for i := range string(s) {
		if n == max-1 {
			return string(s[:i]) + "…"
		}
		n++
	}
	return string(s)
}
