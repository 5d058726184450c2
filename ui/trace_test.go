package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

func traceTestNew(w, h int) Trace {
	tr := NewTrace(&Common{Keys: DefaultKeyMap()})
	tr.SetSize(w, h)
	tr.Focus()
	return tr
}

// traceTestSteps is the cold evalsha-load run of the README.
func traceTestSteps() []redisx.Step {
	noscript := resp.Value{Kind: resp.Error, Str: []byte("NOSCRIPT No matching script. Please use EVAL.")}
	sha := resp.Value{Kind: resp.Bulk, Str: []byte("a823594bad293c42703d93bd53e014c5a25094dd")}
	arr := resp.Value{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Integer, Int: 1}, {Kind: resp.Integer, Int: 1}, {Kind: resp.Integer, Int: 60}}}
	return []redisx.Step{
		{Seq: 1, Command: []string{"EVALSHA", "a823594bad293c42703d93bd53e014c5a25094dd", "1", "rate:demo"},
			Node: "127.0.0.1:42301", Conn: "127.0.0.1:38502", Dialed: true, Outcome: redisx.OutcomeNoScript,
			Reply: &noscript, Dur: 76 * time.Microsecond},
		{Seq: 2, Command: []string{"SCRIPT", "LOAD", "-- A fixed-window rate limiter…(426 bytes)"},
			Node: "127.0.0.1:42301", Conn: "127.0.0.1:38502", Outcome: redisx.OutcomeOK, Reply: &sha,
			Note: "NOSCRIPT: load the script on the same connection", Dur: 81 * time.Microsecond},
		{Seq: 3, Command: []string{"EVALSHA", "a823594bad293c42703d93bd53e014c5a25094dd", "1", "rate:demo"},
			Node: "127.0.0.1:42301", Conn: "127.0.0.1:38502", Outcome: redisx.OutcomeOK, Reply: &arr,
			Note: "retry EVALSHA on the same connection", Dur: 1500 * time.Microsecond},
	}
}

func TestTraceStepsAppearLive(t *testing.T) {
	tr := traceTestNew(130, 20)
	if view := tr.View(); !strings.Contains(view, "No runs yet") {
		t.Errorf("empty:\n%s", view)
	}
	tr.StartRun(1, "evalsha-load")
	if view := tr.View(); !strings.Contains(view, "waiting for the server…") || !strings.Contains(view, "running…") {
		t.Errorf("live run without steps:\n%s", view)
	}
	steps := traceTestSteps()
	tr.AddStep(1, steps[0])
	view := tr.View()
	for _, want := range []string{"1. noscript EVALSHA a823594bad293c42703d93bd53e014c5a25094dd 1 rate:demo",
		"127.0.0.1:42301 :38502", "76µs", "<- (error) NOSCRIPT No matching script. Please use EVAL.",
		"why: new connection", "#1 running… · evalsha-load · 1 round trip"} {
		if !strings.Contains(view, want) {
			t.Errorf("after the first step, view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "waiting for the server") {
		t.Errorf("still waiting:\n%s", view)
	}
	tr.AddStep(1, steps[1])
	if view := tr.View(); !strings.Contains(view, "2. ok") || !strings.Contains(view, "why: NOSCRIPT: load the script on the same connection") {
		t.Errorf("second live step:\n%s", view)
	}
	tr.FinishRun(1, redisx.Result{Strategy: redisx.EvalshaLoad, Steps: steps, Reply: steps[2].Reply, Duration: 278 * time.Microsecond})
	view = tr.View()
	for _, want := range []string{"#1 ok · evalsha-load · 3 round trips · 278µs", "3. ok", "1.50ms", "<- array[3]"} {
		if !strings.Contains(view, want) {
			t.Errorf("finished run lacks %q:\n%s", want, view)
		}
	}
	// a late step of a finished run is stale
	tr.AddStep(1, redisx.Step{Seq: 9, Command: []string{"LATE"}})
	if strings.Contains(tr.View(), "LATE") {
		t.Error("stale step shown")
	}
	treeTestCheckSize(t, "trace", tr.View(), 130, 20)
}

func TestTraceOutcomeLabels(t *testing.T) {
	tr := traceTestNew(90, 40)
	tr.StartRun(7, "eval")
	for i, o := range []redisx.Outcome{redisx.OutcomeOK, redisx.OutcomeError, redisx.OutcomeNoScript,
		redisx.OutcomeMoved, redisx.OutcomeAsk, redisx.OutcomeFailed} {
		st := redisx.Step{Seq: i + 1, Command: []string{"EVAL", "return 1", "0"}, Node: "10.0.0.1:7000", Outcome: o}
		if o == redisx.OutcomeFailed {
			st.Err = "read tcp: i/o timeout"
		}
		tr.AddStep(7, st)
	}
	view := tr.View()
	for _, want := range []string{"1. ok ", "2. error ", "3. noscript ", "4. moved ", "5. ask ", "6. failed ",
		"<- failed: read tcp: i/o timeout"} {
		if !strings.Contains(view, want) {
			t.Errorf("lacks %q:\n%s", want, view)
		}
	}
	c := classify.ClassifyError(errors.New("i/o timeout"))
	tr.FinishRun(7, redisx.Result{Strategy: redisx.EvalOnly, ClientErr: errors.New("i/o timeout"), Error: &c})
	if view := tr.View(); !strings.Contains(view, "#7 failed: timeout ·") {
		t.Errorf("verdict:\n%s", view)
	}
	// the outcome colours: ok green, detours yellow, failures red
	sty := traceStyles{ok: ink{pre: "G"}, warn: ink{pre: "Y"}, bad: ink{pre: "R"}}
	for o, want := range map[redisx.Outcome]string{redisx.OutcomeOK: "G", redisx.OutcomeNoScript: "Y",
		redisx.OutcomeMoved: "Y", redisx.OutcomeAsk: "Y", redisx.OutcomeError: "R", redisx.OutcomeFailed: "R"} {
		if got := sty.outcomeInk(o).pre; got != want {
			t.Errorf("outcome %s painted %q, want %q", o, got, want)
		}
	}
}

func TestTraceAutoFollow(t *testing.T) {
	tr := traceTestNew(80, 5)
	tr.StartRun(1, "eval")
	for i := 1; i <= 20; i++ {
		tr.AddStep(1, redisx.Step{Seq: i, Command: []string{fmt.Sprintf("CMD%02d", i)}, Outcome: redisx.OutcomeOK})
	}
	if view := tr.View(); !strings.Contains(view, "CMD20") || !tr.follow {
		t.Fatalf("live run not followed:\n%s", view)
	}
	k := tr.common.Keys
	tr, _ = tr.update(treeTestPress(k.Up))
	if tr.follow {
		t.Fatal("still following after scrolling up")
	}
	before := tr.View()
	tr.AddStep(1, redisx.Step{Seq: 21, Command: []string{"CMD21"}, Outcome: redisx.OutcomeOK})
	if after := tr.View(); after != before || strings.Contains(after, "CMD21") {
		t.Fatalf("view moved while the user reads:\n%s\n--\n%s", before, after)
	}
	tr, _ = tr.update(treeTestPress(k.Bottom))
	if view := tr.View(); !tr.follow || !strings.Contains(view, "CMD21") {
		t.Fatalf("Bottom does not resume following:\n%s", view)
	}
	tr, _ = tr.update(treeTestPress(k.Top))
	if view := tr.View(); !strings.Contains(view, "#1 running… · eval") {
		t.Fatalf("top:\n%s", view)
	}
	// scrolling back down to the end follows again
	for range 30 {
		tr, _ = tr.update(treeTestPress(k.Down))
	}
	if !tr.follow {
		t.Fatal("reaching the bottom does not resume following")
	}
	// a new run follows even if the user had scrolled up
	tr, _ = tr.update(treeTestPress(k.PageUp))
	tr.StartRun(2, "eval")
	if view := tr.View(); !strings.Contains(view, "#2 running… · eval") || !strings.Contains(view, "waiting for the server…") {
		t.Fatalf("new run not shown:\n%s", view)
	}
}

func TestTraceKeepsLastHundredRuns(t *testing.T) {
	tr := traceTestNew(80, 10)
	for id := 1; id <= 150; id++ {
		tr.StartRun(id, "eval")
		tr.AddStep(id, redisx.Step{Seq: 1, Command: []string{"EVAL", fmt.Sprintf("return %d", id), "0"}, Outcome: redisx.OutcomeOK})
		tr.FinishRun(id, redisx.Result{Strategy: redisx.EvalOnly})
	}
	if tr.Runs() != TraceMaxRuns {
		t.Fatalf("runs = %d, want %d", tr.Runs(), TraceMaxRuns)
	}
	tr, _ = tr.update(treeTestPress(tr.common.Keys.Top))
	if view := tr.View(); !strings.HasPrefix(view, "#51 ok · eval") {
		t.Fatalf("oldest kept run should be #51:\n%s", view)
	}
	tr, _ = tr.update(treeTestPress(tr.common.Keys.Bottom))
	if view := tr.View(); !strings.Contains(view, "return 150") {
		t.Fatalf("newest run at the bottom:\n%s", view)
	}
}

func TestTraceEscapesAndSizes(t *testing.T) {
	tr := traceTestNew(60, 8)
	tr.StartRun(1, "t\x1b[2Jitle")
	bad := resp.Value{Kind: resp.Bulk, Str: []byte("\x1b]0;pwned\x07")}
	tr.AddStep(1, redisx.Step{Seq: 1, Command: []string{"EVAL", "\x1b[31mred"}, Node: "n\x1b", Outcome: redisx.OutcomeOK,
		Reply: &bad, Note: "why\x1b"})
	for _, s := range [][2]int{{0, 0}, {1, 1}, {2, 1}, {7, 3}, {20, 4}, {60, 8}, {120, 40}} {
		tr.SetSize(s[0], s[1])
		view := tr.View()
		if strings.ContainsAny(view, "\x1b\x07") {
			t.Fatalf("%v: control bytes in view: %q", s, view)
		}
		treeTestCheckSize(t, "trace", view, s[0], s[1])
	}
	tr.SetSize(200, 10)
	if view := tr.View(); !strings.Contains(view, `\x1b[31mred`) || !strings.Contains(view, `"\x1b]0;pwned\a"`) {
		t.Errorf("escaped text missing:\n%s", view)
	}
}
