// Package explain shows how a Lua value became a reply: for every node of
// a reply, the Lua value the script returned and the conversion rule
// Redis applied (3.9 → 3, a table cut at its first nil, string keys
// dropped, {double=…} as a bulk string for a RESP2 caller…).
//
// How it works: the script is wrapped so that it runs exactly once, as a
// function whose body starts on the script's own first line (after a
// shebang), so error line numbers are the user's. The wrapper describes
// the returned value in Lua (cjson) and returns {description, value}:
// the value is converted by Redis as an element of that array, which
// follows the same rules as a top-level reply, and Unwrap puts it back on
// top. Nothing is written to the server and no command is added, so side
// effects are exactly the script's own.
package explain

import (
	_ "embed" // the wrapper is Lua, kept in its own file
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"luascope/redisx/resp"
)

//go:embed wrapper.lua
var wrapper string

const userMarker = "--[[USER]]\n"

// Wrap returns the script wrapped for explain mode. Line numbers inside
// the user's code are unchanged: the wrapper's opening shares the first
// code line, and a shebang stays the first line, where Redis reads it.
func Wrap(src string) string {
	head, tail, _ := strings.Cut(wrapper, userMarker)
	shebang := ""
	if strings.HasPrefix(src, "#!") {
		line, rest, _ := strings.Cut(src, "\n")
		shebang, src = line+"\n", rest
	}
	// head is "local __lsx_v = (function(...)\n": drop its newline so the
	// user's first line stays line 1 (or 2 after a shebang).
	return shebang + strings.TrimSuffix(head, "\n") + " " + src + "\n" + tail
}

// Lua is the wrapper's description of one Lua value.
type Lua struct {
	Type    string          `json:"t"`           // number, string, boolean, nil, table, cut
	Value   json.RawMessage `json:"v,omitempty"` // number (as %.17g text), boolean
	Bytes   int             `json:"n,omitempty"` // string length
	Shape   string          `json:"s,omitempty"` // table: err, ok, double, big_number, map, set, verbatim, array
	Items   json.RawMessage `json:"i,omitempty"` // array/set: [Lua]; map: [[Lua, Lua]]
	Lost    int             `json:"lost,omitempty"`
	Dropped int             `json:"dropped,omitempty"`
	Names   json.RawMessage `json:"names,omitempty"`
	// Cut counts the items past the description budget (array elements,
	// set members, map pairs), which the wrapper counts but does not
	// describe.
	Cut int `json:"c,omitempty"`
}

// list decodes a cjson array, which cjson writes as {} when empty.
func list[T any](raw json.RawMessage) ([]T, error) {
	if len(raw) == 0 || string(raw) == "{}" {
		return nil, nil
	}
	var out []T
	err := json.Unmarshal(raw, &out)
	return out, err
}

// ErrNotWrapped means the reply is not the wrapper's {description, value}.
var ErrNotWrapped = errors.New("explain: the reply is not luascope's explain wrapper")

// Unwrap splits the wrapper's reply into the reply a plain run gets and
// the Lua description. An error element becomes the top-level error it
// would have been.
func Unwrap(v resp.Value) (*resp.Value, *Lua, error) {
	if v.Kind != resp.Array || len(v.Elems) == 0 || v.Elems[0].Kind != resp.Bulk {
		return nil, nil, ErrNotWrapped
	}
	var d Lua
	if err := json.Unmarshal(v.Elems[0].Str, &d); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotWrapped, err)
	}
	// A nil value ends the Lua array, so the wrapper's array has one element.
	real := resp.Value{Kind: resp.Nil, NilWire: '$'}
	if len(v.Elems) > 1 {
		real = v.Elems[1]
	}
	return &real, &d, nil
}

// Note is one remark about a conversion; Lossy ones are warnings: the
// caller gets less than the script had.
type Note struct {
	Text  string `json:"text"`
	Lossy bool   `json:"lossy"`
}

// Node explains one reply node: the Lua value and the notes on its
// conversion, with children aligned to the reply's elements (map entries
// as key, value, key, value…).
type Node struct {
	Lua   string `json:"lua"`
	Notes []Note `json:"notes,omitempty"`
	Items []Node `json:"items,omitempty"`
	// Cut is how many of the reply's elements after Items are not
	// described (the explanation stops after 20,000 values): one number
	// rather than a node each, which for a 1,000,000-element reply was
	// 64 MB of identical nodes.
	Cut int `json:"cut,omitempty"`
}

// Undescribed is the Lua description of a reply node the explanation
// does not reach: past the 20,000-value budget or 64 levels deep.
const Undescribed = cutLua

// Warnings returns the lossy notes of the tree, one line per kind of
// loss: the first place it happened and how many more there are, so a
// reply of 200,000 truncated numbers gives one line, not 200,000.
func (n Node) Warnings() []string {
	type group struct {
		first, text string
		more        int
	}
	var order []string
	groups := map[string]*group{}
	cut := false
	var walk func(n Node, path string)
	walk = func(n Node, path string) {
		if n.Lua == cutLua || n.Cut > 0 {
			cut = true
		}
		for _, note := range n.Notes {
			if !note.Lossy {
				continue
			}
			kind, _, _ := strings.Cut(note.Text, ":")
			if g, ok := groups[kind]; ok {
				g.more++
				continue
			}
			where := "reply" + path
			groups[kind] = &group{first: where, text: note.Text}
			order = append(order, kind)
		}
		for i, c := range n.Items {
			walk(c, fmt.Sprintf("%s[%d]", path, i+1))
		}
	}
	walk(n, "")
	out := make([]string, 0, len(order)+1)
	for _, k := range order {
		g := groups[k]
		line := g.first + ": " + g.text
		if g.more > 0 {
			line = fmt.Sprintf("%s (and %d more like it)", line, g.more)
		}
		out = append(out, line)
	}
	if cut {
		out = append(out, "the explanation stops after 20,000 values or 64 levels: later values were not checked")
	}
	return out
}

// cutLua is the description of a value the wrapper did not describe.
const cutLua = "(not described: the reply is too large or too deep)"

// Annotate explains reply v (what the caller got) from the Lua value d,
// for a caller speaking RESP proto.
func Annotate(v resp.Value, d Lua, proto int) Node {
	n := Node{}
	add := func(lossy bool, format string, a ...any) {
		n.Notes = append(n.Notes, Note{Text: fmt.Sprintf(format, a...), Lossy: lossy})
	}
	switch d.Type {
	case "number":
		num := strings.Trim(string(d.Value), `"`)
		f, err := strconv.ParseFloat(num, 64)
		if err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			num = strconv.FormatFloat(f, 'g', -1, 64) // %.17g's 3.8999999999999999 is 3.9
		}
		n.Lua = "number " + num
		switch {
		case err != nil:
		case math.IsNaN(f) || math.IsInf(f, 0):
			add(true, "%s has no integer form: Redis sends %s", num, resp.Summary(v, 40))
		case f != math.Trunc(f):
			add(true, "number → integer: the fraction is truncated (%s → %s); return tostring(x) or {double=x} to keep it", num, strconv.FormatFloat(math.Trunc(f)+0, 'f', -1, 64))
		case math.Abs(f) >= 1<<63:
			add(true, "%s does not fit a 64-bit integer", num)
		default:
			add(false, "number → integer")
		}
	case "string":
		n.Lua = fmt.Sprintf("string (%d byte%s)", d.Bytes, map[bool]string{true: "s"}[d.Bytes != 1])
		add(false, "string → bulk string")
	case "boolean":
		b := string(d.Value) == "true"
		n.Lua = "boolean " + string(d.Value)
		switch {
		case v.Kind == resp.Boolean:
			add(false, "boolean → RESP3 boolean (the script called redis.setresp(3))")
		case v.Kind == resp.Integer && !b:
			add(true, "false → integer 0: redis.setresp(3) makes booleans :1/:0 for a RESP2 caller")
		case v.Kind == resp.Integer:
			add(false, "true → integer 1")
		default:
			add(true, "false → nil: a RESP2-mode script cannot return false (use 0, or redis.setresp(3))")
		}
	case "nil":
		n.Lua = "nil"
		add(false, "nil → nil")
	case "cut":
		n.Lua = cutLua
	case "table":
		n = annotateTable(v, d, proto)
	default:
		n.Lua = d.Type
	}
	return n
}

func annotateTable(v resp.Value, d Lua, proto int) Node {
	n := Node{}
	add := func(lossy bool, format string, a ...any) {
		n.Notes = append(n.Notes, Note{Text: fmt.Sprintf(format, a...), Lossy: lossy})
	}
	resp2 := proto != 3
	switch d.Shape {
	case "err":
		n.Lua = "table {err=…}"
		add(false, "{err=…} → error reply")
	case "ok":
		n.Lua = "table {ok=…}"
		add(false, "{ok=…} → status reply (not a bulk string: clients that read types can tell)")
	case "double":
		n.Lua = "table {double=" + strings.Trim(string(d.Value), `"`) + "}"
		if v.Kind == resp.Double {
			add(false, "{double=…} → RESP3 double")
		} else {
			add(resp2, "{double=…} → bulk string for a RESP2 caller (a RESP3 caller gets a double)")
		}
	case "big_number":
		n.Lua = "table {big_number=…}"
		if v.Kind == resp.BigNumber {
			add(false, "{big_number=…} → RESP3 big number")
		} else {
			add(false, "{big_number=…} → bulk string for a RESP2 caller")
		}
	case "verbatim":
		n.Lua = "table {verbatim_string=…}"
		if v.Kind == resp.Verbatim {
			add(false, "{verbatim_string=…} → RESP3 verbatim string")
		} else {
			add(false, "{verbatim_string=…} → bulk string (format dropped) for a RESP2 caller")
		}
	case "map":
		pairs, _ := list[[2]Lua](d.Items)
		n.Lua = fmt.Sprintf("table {map=…} with %d pairs", len(pairs)+d.Cut)
		if v.Kind == resp.Map {
			add(false, "{map=…} → RESP3 map")
		} else {
			add(false, "{map=…} → flat array key, value, … for a RESP2 caller")
		}
		for i, p := range pairs {
			if 2*i+1 < len(v.Elems) {
				n.Items = append(n.Items, Annotate(v.Elems[2*i], p[0], proto), Annotate(v.Elems[2*i+1], p[1], proto))
			}
		}
		n.Cut = cutAfter(v, n.Items, d.Cut)
		return n
	case "set":
		items, _ := list[Lua](d.Items)
		n.Lua = fmt.Sprintf("table {set=…} with %d members", len(items)+d.Cut)
		if v.Kind == resp.Set {
			add(false, "{set=…} → RESP3 set")
		} else {
			add(false, "{set=…} → array for a RESP2 caller (order as Lua iterates)")
		}
		for i, it := range items {
			if i < len(v.Elems) {
				n.Items = append(n.Items, Annotate(v.Elems[i], it, proto))
			}
		}
		n.Cut = cutAfter(v, n.Items, d.Cut)
		return n
	default:
		items, _ := list[Lua](d.Items)
		names, _ := list[string](d.Names)
		n.Lua = fmt.Sprintf("table, array part of %d", len(items)+d.Cut)
		add(false, "table → array")
		if d.Lost > 0 {
			add(true, "array cut at the first nil: %d element(s) after it were lost", d.Lost)
		}
		if d.Dropped > 0 {
			what := strings.Join(names, ", ")
			if d.Dropped > len(names) {
				what += ", …"
			}
			if len(items) == 0 {
				add(true, "only string keys: the table became an empty array (%d key(s) dropped: %s)", d.Dropped, what)
			} else {
				add(true, "%d string key(s) dropped: %s", d.Dropped, what)
			}
		}
		for i, it := range items {
			if i < len(v.Elems) {
				n.Items = append(n.Items, Annotate(v.Elems[i], it, proto))
			}
		}
		n.Cut = cutAfter(v, n.Items, d.Cut)
	}
	return n
}

// cutAfter is how many of v's elements after the described ones the
// wrapper counted but did not describe (cut items; a map's pairs are two
// elements each), bounded by what the reply has.
func cutAfter(v resp.Value, described []Node, cut int) int {
	if cut <= 0 {
		return 0
	}
	return max(0, len(v.Elems)-len(described))
}
