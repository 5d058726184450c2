package redisx_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/explain"
	"luascope/redisx/resp"
)

// Strings a server may send that JSON output must escape exactly as
// before: controls, DEL, C1, bidi and zero-width code points, U+2028,
// HTML characters, invalid UTF-8, NUL, quotes, and a forged placeholder.
var hostileStrings = []string{
	"", "plain", "<b>&amp;</b>", "a\"b\\c", "\x00\x01\x1b[31mred", "\x7f", "\u0085\u009b", "é\u202e\u2066rtl",
	"zero\u200bwidth", "line\u2028sep", "\xff\xfe\xfd", "日本語", "\"\\u0000luascope-deep-00-ref-0\"",
	"\x00luascope-deep-", strings.Repeat("long ", 200),
}

// randomValue builds a reply of every wire type, up to depth levels.
func randomValue(rng *rand.Rand, depth int) resp.Value {
	str := func() []byte { return []byte(hostileStrings[rng.IntN(len(hostileStrings))]) }
	k := rng.IntN(14)
	if depth <= 0 && k >= 8 {
		k = rng.IntN(8)
	}
	var v resp.Value
	switch k {
	case 0:
		v = resp.Value{Kind: resp.Integer, Int: rng.Int64() - math.MaxInt64/2}
	case 1:
		v = resp.Value{Kind: resp.Bulk, Str: str()}
	case 2:
		v = resp.Value{Kind: resp.Status, Str: str()}
	case 3:
		v = resp.Value{Kind: resp.Error, Str: str(), BulkError: rng.IntN(2) == 0}
	case 4:
		v = resp.Value{Kind: resp.Nil, NilWire: "$*_"[rng.IntN(3)]}
	case 5:
		v = resp.Value{Kind: resp.Double, Float: []float64{1.5, -0, math.Inf(1), math.Inf(-1), math.NaN(), 1e300, 3}[rng.IntN(7)]}
	case 6:
		v = resp.Value{Kind: resp.Boolean, Bool: rng.IntN(2) == 0}
	case 7:
		v = resp.Value{Kind: resp.Verbatim, Format: []string{"txt", "mkd", "\x00\xffx"}[rng.IntN(3)], Str: str()}
	case 8:
		v = resp.Value{Kind: resp.BigNumber, Str: str()}
	default:
		v.Kind = []resp.Kind{resp.Array, resp.Set, resp.Push, resp.Map, resp.Map, resp.Array}[k-9]
		n := rng.IntN(5)
		if v.Kind == resp.Map && rng.IntN(4) > 0 {
			n *= 2
		}
		for range n {
			v.Elems = append(v.Elems, randomValue(rng, depth-1))
		}
	}
	if depth > 0 && rng.IntN(8) == 0 {
		a := resp.Value{Kind: resp.Attribute, Elems: []resp.Value{{Kind: resp.Bulk, Str: str()}, randomValue(rng, 0)}}
		v.Attr = &a
	}
	return v
}

// A report whose every field is set, with reply as its reply and its
// second step's.
func fullReport(reply *resp.Value) redisx.Report {
	c := classify.Classify("ERR user_script:1: Script attempted to access nonexistent global variable 'x'")
	return redisx.Report{
		Target:   "redis://127.0.0.1:6379",
		Server:   redisx.ReportServer{Version: "7.0.15", Mode: "standalone", Flavor: "redis", Protocol: 3},
		Script:   redisx.ReportScript{SHA: "abc", Flags: []string{"no-writes"}, Shebang: &redisx.Shebang{Engine: "lua", Flags: []string{"no-writes"}}},
		SentSHA:  "def",
		Function: "f\xff",
		Strategy: redisx.EvalshaLoad,
		Keys:     []redisx.Arg{"k\xfe", "<&>"},
		Args:     []redisx.Arg{"\u202e", ""},
		Steps: []redisx.ReportStep{
			{Command: []redisx.Arg{"EVALSHA", "abc", "0"}, Node: "127.0.0.1:6379", Conn: "127.0.0.1:5000", Outcome: redisx.OutcomeNoScript,
				Reply: &resp.Value{Kind: resp.Error, Str: []byte("NOSCRIPT No matching script.")}, Note: "why\x1b", Micros: 12},
			{Command: []redisx.Arg{"EVALSHA"}, Outcome: redisx.OutcomeOK, Reply: reply, Micros: 13},
			{Command: []redisx.Arg{"EVAL"}, Outcome: redisx.OutcomeFailed, Error: "connection reset \u2028"},
		},
		Reply:    reply,
		Error:    &c,
		Micros:   99,
		Explain:  &explain.Node{Lua: "table", Items: []explain.Node{{Lua: "1\u202e"}}},
		Warnings: []string{"lossy"},
		Effects:  []redisx.Effect{{Key: "k\xff", Changes: []string{"created"}}},
	}
}

// Report.WriteJSON streams the replies itself; the document must be what
// encoding/json (resp.WriteJSON, the writer before) makes of the report,
// byte for byte: docs/json.md is a contract.
func TestReportJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	var replies []*resp.Value
	for range 400 {
		v := randomValue(rng, 4)
		replies = append(replies, &v)
	}
	// Nested past encoding/json's depth limit: the splice path before.
	deep := resp.Value{Kind: resp.Integer, Int: 1}
	for range 8000 {
		deep = resp.Value{Kind: resp.Array, Elems: []resp.Value{deep}}
	}
	replies = append(replies, &deep, nil)
	big := resp.Value{Kind: resp.Array, Elems: make([]resp.Value, 50_000)}
	for i := range big.Elems {
		big.Elems[i] = resp.Value{Kind: resp.Bulk, Str: []byte(hostileStrings[i%len(hostileStrings)])}
	}
	replies = append(replies, &big)

	check := func(rep redisx.Report) {
		deepOne := rep.Reply == &deep
		t.Helper()
		var want, got bytes.Buffer
		if err := resp.WriteJSON(&want, rep); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			g, w := got.Bytes(), want.Bytes()
			i := 0
			for i < min(len(g), len(w)) && g[i] == w[i] {
				i++
			}
			t.Fatalf("documents differ at byte %d:\n got %q\nwant %q", i, g[max(0, i-40):min(len(g), i+80)], w[max(0, i-40):min(len(w), i+80)])
		}
		if !deepOne && !json.Valid(got.Bytes()) { // (json.Valid stops at 10,000 levels)
			t.Fatal("invalid JSON")
		}
	}
	for _, r := range replies {
		check(fullReport(r))
		check(redisx.Report{Reply: r, Steps: []redisx.ReportStep{{Reply: r}}})
	}
	check(redisx.ConnectFailureReport("x", redisx.Call{}, errTest))
	check(redisx.Report{})
}

var errTest = &timeoutErr{}

type timeoutErr struct{}

func (*timeoutErr) Error() string { return "i/o timeout " + time.Second.String() }

// WriteText streams the reply (resp.WriteText) where it used to append
// resp.Text and a newline: the same bytes.
func TestReportTextReplyIsText(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 400 {
		v := randomValue(rng, 4)
		var got bytes.Buffer
		if err := (redisx.Report{Reply: &v}).WriteText(&got, true); err != nil {
			t.Fatal(err)
		}
		if want := resp.Text(v) + "\n"; got.String() != want {
			t.Fatalf("got %q\nwant %q", got.String(), want)
		}
		got.Reset()
		if err := fullReport(&v).WriteText(&got, false); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got.String(), "\nreply\n"+resp.Text(v)+"\nexplain (Lua value → reply)\n") {
			t.Fatalf("reply not in place: %q", got.String())
		}
	}
}
