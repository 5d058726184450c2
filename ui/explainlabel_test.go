package ui

import (
	"strings"
	"testing"

	"luascope/redisx"
)

// TestExplainRunTitle: an explain run's trace block says it is one and
// how to see the plain run; its steps' why (from the runner) names the
// wrapper. A plain run's title says neither.
func TestExplainRunTitle(t *testing.T) {
	m := sized(offlineModel(t, demoSrc, []string{"k"}, nil), 120, 40)
	sc := redisx.NewScript(demoSrc)
	mm, _ := m.launch(redisx.Call{Script: sc, Keys: []string{"k"}, Strategy: redisx.EvalshaLoad, Explain: true})
	m = mm.(Model)
	m.trace.AddStep(m.runSeq, redisx.Step{Seq: 1, Command: []string{"EVALSHA", "0123456789abcdef", "1", "k"}, Outcome: redisx.OutcomeOK, Note: redisx.ExplainWrapperNote(sc.SHA)})
	v := m.trace.View()
	for _, want := range []string{"explain (alt+x off: plain run)", "why: explain wrapper of " + sc.SHA[:7]} {
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
