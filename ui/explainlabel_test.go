package ui

import (
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/classify"
)

// TestExplainRunTitle: an explain run's trace block says it is one and
// how to see the plain run; its steps' why (from the runner) names the
// wrapper. A plain run's title says neither.
func TestExplainRunTitle(t *testing.T) {
	m := sized(offlineModel(t, demoSrc, []string{"k"}, nil), 200, 50)
	sc := redisx.NewScript(demoSrc)
	mm, _ := m.launch(redisx.Call{Script: sc, Keys: []string{"k"}, Strategy: redisx.EvalshaLoad, Explain: true})
	m = mm.(Model)
	m.trace.AddStep(m.runSeq, redisx.Step{Seq: 1, Command: []string{"EVALSHA", "0123456789abcdef", "1", "k"}, Outcome: redisx.OutcomeOK, Note: redisx.ExplainWrapperNote(sc.SHA)})
	v := m.trace.View()
	for _, want := range []string{"explain wrapper (alt+x: plain run)", "why: explain wrapper of " + sc.SHA[:7]} {
		if !strings.Contains(v, want) {
			t.Errorf("the trace lacks %q:\n%s", want, v)
		}
	}
	m.running = false
	mm, _ = m.launch(redisx.Call{Script: sc, Keys: []string{"k"}, Strategy: redisx.EvalshaLoad})
	// Both runs are in the trace: only the first is titled explain.
	if v := mm.(Model).trace.View(); strings.Count(v, "plain run") != 1 {
		t.Errorf("a plain run is titled as an explain run:\n%s", v)
	}
}

// At 80 columns an explain run's header keeps its outcome: it comes
// before the title, which is cut first.
func TestTraceHeaderOutcomeFirst(t *testing.T) {
	m := sized(offlineModel(t, demoSrc, []string{"k"}, nil), 80, 24)
	sc := redisx.NewScript(demoSrc)
	mm, _ := m.launch(redisx.Call{Script: sc, Keys: []string{"k"}, Strategy: redisx.EvalshaLoad, Explain: true})
	m = mm.(Model)
	c := classify.Classify("ERR user_script:2: Script attempted to access nonexistent global variable 'x' script: " + sc.SHA + ", on @user_script:2.")
	steps := fixedSteps(sc.SHA)
	mm, _ = m.Update(runFinishedMsg{seq: m.runSeq, call: redisx.Call{Script: sc}, res: redisx.Result{SHA: sc.SHA, Strategy: redisx.EvalshaLoad, Steps: steps, Error: &c, Duration: 846 * time.Microsecond}})
	m = mm.(Model)
	m.setFocus(paneTrace)
	m.resize()
	v := m.View()
	if !strings.Contains(v, "#1 error: "+string(c.Class)+" · evalsha-load · explain wrapper") {
		t.Fatalf("the run header at 80 columns does not start with its outcome:\n%s", v)
	}
}
