package suite

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"luascope/redisx"
	"luascope/redisx/resp"
)

// ParseText reads a reply written the way `luascope run` prints it
// (resp.Text: "1) (integer) 1", "\"bulk\"", "(status) OK", maps as
// "1# \"k\" => \"v\"", nested items indented under their parent) back into
// a reply tree, so that a test's expected reply can be compared with the
// actual one node by node, with types (redisx/compare), and a mistyped
// expectation is caught when the file is read. ParseText(resp.Text(v))
// is v up to what the text does not show: which null came on the wire
// (nil takes nilWire: '$' for RESP2, '_' for RESP3) and a double's float
// (taken from its text). Leading and trailing blank lines are ignored.
func ParseText(text string, nilWire byte) (resp.Value, error) {
	text = strings.Trim(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	p := &textParser{lines: strings.Split(text, "\n"), nilWire: nilWire}
	if len(p.lines) == 1 && strings.TrimSpace(p.lines[0]) == "" {
		return resp.Value{}, fmt.Errorf("empty: write the reply as luascope run prints it, e.g. (integer) 1")
	}
	v, err := p.value(0, 0)
	if err != nil {
		return resp.Value{}, err
	}
	if p.col < len(p.lines[p.line]) {
		return resp.Value{}, p.errorf("unexpected %q after the value", p.lines[p.line][p.col:])
	}
	if p.line < len(p.lines)-1 {
		return resp.Value{}, fmt.Errorf("line %d: %q does not continue the reply above (an item's number or indentation is off)", p.line+2, p.lines[p.line+1])
	}
	return v, nil
}

// textParser is a cursor in the lines of a text reply.
type textParser struct {
	lines     []string
	line, col int
	nilWire   byte
	depth     int
}

// maxTextDepth bounds nesting, as the wire parser does (resp.Guard).
const maxTextDepth = 512

func (p *textParser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d, column %d: %s", p.line+1, p.col+1, fmt.Sprintf(format, args...))
}

func (p *textParser) rest() string { return p.lines[p.line][p.col:] }

// value reads one value at the cursor; indent is the column its later
// lines start at (resp.Text's indent).
func (p *textParser) value(indent int, stop int) (resp.Value, error) {
	if p.depth++; p.depth > maxTextDepth {
		return resp.Value{}, p.errorf("nested deeper than %d levels", maxTextDepth)
	}
	defer func() { p.depth-- }()
	r := p.rest()
	if strings.HasPrefix(r, "|attr ") {
		p.col += len("|attr ")
		attr, err := p.pairs(indent+len("|attr "), resp.Attribute)
		if err != nil {
			return resp.Value{}, err
		}
		if !p.next(indent) {
			return resp.Value{}, p.errorf("an attribute must be followed by the value it annotates, on the next line")
		}
		v, err := p.value(indent, stop)
		if err != nil {
			return resp.Value{}, err
		}
		a := attr
		if v.Attr != nil {
			a.Attr = v.Attr
		}
		v.Attr = &a
		return v, nil
	}
	for _, e := range []struct {
		text string
		kind resp.Kind
	}{{"(empty array)", resp.Array}, {"(empty set)", resp.Set}, {"(empty push)", resp.Push}, {"(empty map)", resp.Map}} {
		if strings.HasPrefix(r, e.text) {
			p.col += len(e.text)
			return resp.Value{Kind: e.kind}, nil
		}
	}
	if width, sep, ok := indexAt(r); ok {
		switch sep {
		case '#':
			return p.pairs(indent, resp.Map)
		case ')':
			return p.items(indent, width, sep, resp.Array)
		case '~':
			return p.items(indent, width, sep, resp.Set)
		case '>':
			return p.items(indent, width, sep, resp.Push)
		}
	}
	return p.scalar(stop)
}

// indexAt reads an item's number at the start of s ("  7) "): the width
// of the number with its padding, and the marker.
func indexAt(s string) (width int, sep byte, ok bool) {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	d := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == d || i+1 >= len(s) || s[i+1] != ' ' {
		return 0, 0, false
	}
	switch s[i] {
	case ')', '#', '~', '>':
		return i, s[i], true
	}
	return 0, 0, false
}

// next moves to the start of the next line at column indent, when there
// is one indented at least that far.
func (p *textParser) next(indent int) bool {
	if p.line+1 >= len(p.lines) {
		return false
	}
	l := p.lines[p.line+1]
	if len(l) < indent || strings.TrimLeft(l[:indent], " ") != "" {
		return false
	}
	p.line, p.col = p.line+1, indent
	return true
}

// itemStart reports whether the next line starts item i of an aggregate
// at indent (its number padded to width, then sep), without moving.
func (p *textParser) itemStart(indent, width, i int, sep byte) bool {
	if p.line+1 >= len(p.lines) {
		return false
	}
	l := p.lines[p.line+1]
	want := fmt.Sprintf("%*d%c ", width, i, sep)
	return len(l) >= indent+len(want) && strings.TrimLeft(l[:indent], " ") == "" && l[indent:indent+len(want)] == want
}

func (p *textParser) items(indent, width int, sep byte, kind resp.Kind) (resp.Value, error) {
	v := resp.Value{Kind: kind}
	child := indent + width + 2
	for i := 1; ; i++ {
		want := fmt.Sprintf("%*d%c ", width, i, sep)
		if !strings.HasPrefix(p.rest(), want) {
			return resp.Value{}, p.errorf("expected item %d as %q", i, want)
		}
		p.col += len(want)
		e, err := p.value(child, 0)
		if err != nil {
			return resp.Value{}, err
		}
		v.Elems = append(v.Elems, e)
		if !p.itemStart(indent, width, i+1, sep) {
			return v, nil
		}
		p.line, p.col = p.line+1, indent
	}
}

// pairs reads a map's (or an attribute's) "N# key => value" lines.
func (p *textParser) pairs(indent int, kind resp.Kind) (resp.Value, error) {
	v := resp.Value{Kind: kind}
	width, sep, ok := indexAt(p.rest())
	if !ok || sep != '#' {
		if kind == resp.Attribute && strings.HasPrefix(p.rest(), "(empty)") {
			p.col += len("(empty)")
			return v, nil
		}
		return resp.Value{}, p.errorf("expected a map's first pair as \"1# key => value\"")
	}
	child := indent + width + 2
	for i := 1; ; i++ {
		want := fmt.Sprintf("%*d# ", width, i)
		if !strings.HasPrefix(p.rest(), want) {
			return resp.Value{}, p.errorf("expected pair %d as %q", i, want)
		}
		p.col += len(want)
		k, err := p.value(child, 1)
		if err != nil {
			return resp.Value{}, err
		}
		if !strings.HasPrefix(p.rest(), " => ") {
			return resp.Value{}, p.errorf("expected \" => \" after a map's key")
		}
		p.col += len(" => ")
		val, err := p.value(child, 0)
		if err != nil {
			return resp.Value{}, err
		}
		v.Elems = append(v.Elems, k, val)
		if !p.itemStart(indent, width, i+1, '#') {
			return v, nil
		}
		p.line, p.col = p.line+1, indent
	}
}

// scalar reads a scalar; stop is 1 in a map key, which ends at " => ".
func (p *textParser) scalar(stop int) (resp.Value, error) {
	r := p.rest()
	word := func(prefix string) (string, bool) {
		if !strings.HasPrefix(r, prefix) {
			return "", false
		}
		s := r[len(prefix):]
		if stop == 1 {
			if i := strings.Index(s, " => "); i >= 0 {
				s = s[:i]
			}
		}
		p.col += len(prefix) + len(s)
		return s, true
	}
	unescape := func(s string) ([]byte, error) {
		u, err := redisx.Unescape(s)
		if err != nil {
			return nil, p.errorf("%v", err)
		}
		return []byte(u), nil
	}
	switch {
	case strings.HasPrefix(r, "\""):
		s, n, err := quoted(r)
		if err != nil {
			return resp.Value{}, p.errorf("%v", err)
		}
		p.col += n
		b, err := unescape(s)
		return resp.Value{Kind: resp.Bulk, Str: b}, err
	case strings.HasPrefix(r, "(nil)"):
		p.col += len("(nil)")
		return resp.Value{Kind: resp.Nil, NilWire: p.nilWire}, nil
	case strings.HasPrefix(r, "(verbatim "):
		end := strings.Index(r, ") \"")
		if end < 0 {
			return resp.Value{}, p.errorf("expected (verbatim FMT) \"text\"")
		}
		format, err := redisx.Unescape(r[len("(verbatim "):end])
		if err != nil {
			return resp.Value{}, p.errorf("(verbatim FMT): %v", err)
		}
		s, n, err := quoted(r[end+2:])
		if err != nil {
			return resp.Value{}, p.errorf("%v", err)
		}
		p.col += end + 2 + n
		b, err := unescape(s)
		return resp.Value{Kind: resp.Verbatim, Format: format, Str: b}, err
	}
	if s, ok := word("(integer) "); ok {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return resp.Value{}, p.errorf("(integer) %q is not an integer", s)
		}
		return resp.Value{Kind: resp.Integer, Int: n}, nil
	}
	if s, ok := word("(status) "); ok {
		b, err := unescape(s)
		return resp.Value{Kind: resp.Status, Str: b}, err
	}
	if s, ok := word("(error) "); ok {
		b, err := unescape(s)
		return resp.Value{Kind: resp.Error, Str: b}, err
	}
	if s, ok := word("(double) "); ok {
		f, err := parseDouble(s)
		if err != nil {
			return resp.Value{}, p.errorf("(double) %q is not a number", s)
		}
		return resp.Value{Kind: resp.Double, Float: f, Str: []byte(s)}, nil
	}
	if s, ok := word("(boolean) "); ok {
		switch s {
		case "true", "false":
			return resp.Value{Kind: resp.Boolean, Bool: s == "true"}, nil
		}
		return resp.Value{}, p.errorf("(boolean) is true or false, not %q", s)
	}
	if s, ok := word("(bignum) "); ok {
		return resp.Value{Kind: resp.BigNumber, Str: []byte(s)}, nil
	}
	hint := ""
	if r != "" && (r[0] >= '0' && r[0] <= '9' || r[0] == '-') {
		hint = ": a number is written (integer) N, a string in double quotes"
	}
	return resp.Value{}, p.errorf("%q is not a reply as luascope run prints it%s", r, hint)
}

// quoted reads a double-quoted string at the start of s: its escaped
// body and how many bytes the quotes and body take.
func quoted(s string) (string, int, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return s[1:i], i + 1, nil
		}
	}
	return "", 0, fmt.Errorf("a string without its closing quote")
}

func parseDouble(s string) (float64, error) {
	switch s {
	case "inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	case "nan":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}
