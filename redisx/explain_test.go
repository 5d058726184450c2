package redisx_test

import (
	"context"
	"strings"
	"testing"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

func TestExplainMode(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		s := connect(t, srv, func(tg *redisx.Target) { tg.Protocol = proto })
		run := func(src string) redisx.Result {
			t.Helper()
			return s.Run(ctx, redisx.Call{Script: redisx.NewScript(src), Explain: true, Keys: []string{"exp:n"}}, nil)
		}
		res := run("return {3.9, {1, nil, 3}, {a=1}, false, {double=1.5}, {map={k='v'}}}")
		if res.Explain == nil || res.Error != nil {
			t.Fatalf("RESP%d: no explanation: %+v", proto, res.Error)
		}
		warn := strings.Join(res.Explain.Warnings(), "\n")
		for _, want := range []string{"reply[1]: number → integer: the fraction is truncated (3.9 → 3)", "reply[2]: array cut at the first nil: 1 element",
			"reply[3]: only string keys", "reply[4]: false → nil"} {
			if !strings.Contains(warn, want) {
				t.Errorf("RESP%d: warnings lack %q:\n%s", proto, want, warn)
			}
		}
		if proto == 2 && !strings.Contains(warn, "reply[5]: {double=…} → bulk string") {
			t.Errorf("RESP2 double: %s", warn)
		}
		if got := res.Explain.Items[5].Notes[0].Text; (proto == 3) != strings.Contains(got, "RESP3 map") {
			t.Errorf("RESP%d map note: %s", proto, got)
		}
		// The reply is the one a plain run gets.
		plain := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return {3.9, {1, nil, 3}, {a=1}, false, {double=1.5}, {map={k='v'}}}")}, nil)
		if !plain.Reply.Equal(*res.Reply) {
			t.Errorf("RESP%d: explain reply %s, plain %s", proto, resp.Text(*res.Reply), resp.Text(*plain.Reply))
		}
		// Top-level shapes come back on top.
		if r := run("return {err='ERR custom'}"); r.Reply.Kind != resp.Error || r.Error == nil || r.Error.Class != classify.Script {
			t.Errorf("RESP%d {err=}: %v %+v", proto, r.Reply, r.Error)
		}
		if r := run("return nil"); r.Reply.Kind != resp.Nil || r.Explain.Lua != "nil" {
			t.Errorf("RESP%d nil: %v %+v", proto, r.Reply, r.Explain)
		}
		if r := run("redis.setresp(3) return true"); proto == 2 && (r.Reply.Kind != resp.Integer || r.Explain.Notes[0].Lossy) {
			t.Errorf("RESP2 setresp(3) true: %v %+v", r.Reply, r.Explain)
		}
	}
}

// TestExplainRunsOnceWithTheUsersLineNumbers: no doubled side effects,
// the user's own line numbers in errors, the shebang still honoured.
func TestExplainRunsOnceWithTheUsersLineNumbers(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		res := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('incr', KEYS[1])"), Keys: []string{"once"}, Explain: true}, nil)
		got, _ := srv.Client().Get(ctx, "once").Int()
		if res.Reply == nil || res.Reply.Int != int64(i) || got != i {
			t.Fatalf("run %d: reply %v, counter %d (%d steps)", i, res.Reply, got, len(res.Steps))
		}
		// Explain mode keeps the strategy: cold, the cache dance; then warm.
		if want := map[bool]int{true: 3, false: 1}[i == 1]; len(res.Steps) != want {
			t.Errorf("run %d: %d steps, want %d", i, len(res.Steps), want)
		}
	}
	src := "local a = 1\nlocal b = 2\nreturn nosuch.field\n"
	res := s.Run(ctx, redisx.Call{Script: redisx.NewScript(src), Explain: true}, nil)
	if res.Error == nil || res.Error.Line != 3 || res.Error.Class != classify.Runtime || res.Error.SHA != redisx.SHA1(src) {
		t.Errorf("runtime error: %+v", res.Error)
	}
	res = s.Run(ctx, redisx.Call{Script: redisx.NewScript("local x = 1\n\nreturn +"), Explain: true}, nil)
	if res.Error == nil || res.Error.Line != 3 || res.Error.Class != classify.Compile {
		t.Errorf("compile error: %+v", res.Error)
	}
	res = s.Run(ctx, redisx.Call{Script: redisx.NewScript("#!lua flags=no-writes\nreturn redis.call('set', KEYS[1], 'v')"), Keys: []string{"k"}, Explain: true}, nil)
	if res.Error == nil || res.Error.Class != classify.WriteDenied || res.Error.Line != 2 {
		t.Errorf("shebang in explain mode: %+v", res.Error)
	}
}

func TestExplainEdgeCases(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	ctx := context.Background()
	for _, src := range []string{"local a = ...\nreturn a\n", "return select('#', ...)", "local a = 1\nlocal b = a +\n", "return 1\n--[[\n", "error('x')"} {
		plain := s.Run(ctx, redisx.Call{Script: redisx.NewScript(src), Strategy: redisx.EvalOnly}, nil)
		exp := s.Run(ctx, redisx.Call{Script: redisx.NewScript(src), Strategy: redisx.EvalOnly, Explain: true}, nil)
		if plain.Reply == nil || exp.Reply == nil || !plain.Reply.Equal(*exp.Reply) {
			t.Errorf("%q: plain %v, explain %v", src, plain.Reply, exp.Reply)
		}
		if (plain.Error == nil) != (exp.Error == nil) || (plain.Error != nil && plain.Error.Line != exp.Error.Line) {
			t.Errorf("%q: plain error %+v, explain error %+v", src, plain.Error, exp.Error)
		}
	}
	res := s.Run(ctx, redisx.Call{Script: redisx.NewScript("local t = {} for i = 1, 30000 do t[i] = i + 0.5 end return t"), Explain: true}, nil)
	w := res.Explain.Warnings()
	if len(w) != 2 || !strings.Contains(w[0], "more like it") || !strings.Contains(w[1], "stops after") {
		t.Errorf("warnings: %q", w)
	}
}

// TestExplainLabelsTheWrapper: an explain run sends the wrapper under its
// own SHA, so each of its script round trips says whose wrapper it is
// (the title names the script's SHA), in the steps and in the report the
// CLI prints; a plain run's steps say nothing of a wrapper, and a script
// that does not compile (sent as it is) is not labelled either.
func TestExplainLabelsTheWrapper(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	ctx := context.Background()
	src := "return 'explained ' .. KEYS[1]"
	sc := redisx.NewScript(src)
	if _, err := s.Admin(ctx, "SCRIPT", "FLUSH"); err != nil {
		t.Fatal(err)
	}
	for _, st := range redisx.Strategies {
		call := redisx.Call{Script: sc, Keys: []string{"k"}, Strategy: st, Explain: true}
		res := s.Run(ctx, call, nil)
		if res.Error != nil || res.SentSHA == res.SHA {
			t.Fatalf("%s: %+v sent %s", st, res.Error, res.SentSHA)
		}
		want := "explain wrapper of " + sc.SHA[:7]
		for _, step := range res.Steps {
			if !strings.HasPrefix(step.Note, want) {
				t.Errorf("%s: step %v: note %q, want it to start %q", st, step.Command, step.Note, want)
			}
		}
		var b strings.Builder
		if err := redisx.NewReport(s, call, res).WriteText(&b, false); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"why: " + want, "explain wrapper of this script (sha " + res.SentSHA + ")", "run without --explain for the plain run"} {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: the report lacks %q:\n%s", st, w, b.String())
			}
		}
		plain := s.Run(ctx, redisx.Call{Script: sc, Keys: []string{"k"}, Strategy: st}, nil)
		for _, step := range plain.Steps {
			if strings.Contains(step.Note, "wrapper") {
				t.Errorf("%s: a plain run's step says %q", st, step.Note)
			}
		}
		var pb strings.Builder
		_ = redisx.NewReport(s, redisx.Call{Script: sc}, plain).WriteText(&pb, false)
		if strings.Contains(pb.String(), "wrapper") {
			t.Errorf("%s: a plain run's report mentions the wrapper:\n%s", st, pb.String())
		}
	}
	// Does not compile: the fallback sends the script itself, unlabelled.
	res := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return +"), Strategy: redisx.EvalOnly, Explain: true}, nil)
	last := res.Steps[len(res.Steps)-1]
	if strings.Contains(last.Note, "explain wrapper of") {
		t.Errorf("the plain fallback is labelled a wrapper: %q", last.Note)
	}
}

// Past the 20,000-value budget the wrapper counts items instead of
// describing each: the explanation of a 60,000-element reply (array, set
// and map) keeps at most 20,000 nodes and says how many more there are,
// and a lossy value inside the budget is still found.
func TestExplainBudgetCountsTheRest(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	s := connect(t, srv, func(tg *redisx.Target) { tg.Protocol = 3 })
	for src, size := range map[string]string{
		"local t = {1.5} for i = 2, 60000 do t[i] = i end return t":                            "array part of 60000",
		"local m = {} m[1.5] = true for i = 2, 30000 do m['k' .. i] = true end return {set=m}": "with 30000 members",
		"local m = {} for i = 1, 30000 do m['k' .. i] = i end m.k1 = 1.5 return {map=m}":       "with 30000 pairs",
	} {
		res := s.Run(ctx, redisx.Call{Script: redisx.NewScript(src), Explain: true}, nil)
		if res.Explain != nil && !strings.Contains(res.Explain.Lua, size) {
			t.Errorf("%s: the table is described as %q, want %q (counted ones included)", src, res.Explain.Lua, size)
		}
		if res.Error != nil || res.Explain == nil {
			t.Fatalf("%s: %+v", src, res.Error)
		}
		n := res.Explain
		if len(n.Items) > 20000 || n.Cut == 0 || len(n.Items)+n.Cut != len(res.Reply.Elems) {
			t.Errorf("%s: %d described + %d cut, reply has %d", src, len(n.Items), n.Cut, len(res.Reply.Elems))
		}
		warn := strings.Join(n.Warnings(), "\n")
		if !strings.Contains(warn, "stops after 20,000 values") {
			t.Errorf("%s: warnings do not say the explanation stops:\n%s", src, warn)
		}
		var text strings.Builder
		call := redisx.Call{Script: redisx.NewScript(src), Explain: true}
		if err := redisx.NewReport(s, call, res).WriteText(&text, false); err != nil || !strings.Contains(text.String(), "more not described") {
			t.Errorf("%s: the text report does not count the rest:\n%.2000s", src, text.String())
		}
	}
}
