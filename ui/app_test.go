package ui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
	"luascope/themes"
)

func monoTheme(t testing.TB) themes.Theme {
	th, err := themes.Get("mono")
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// offlineModel is the app with no server: goldens feed it fixed messages
// so every frame is the same on every machine.
func offlineModel(t testing.TB, src string, keys, args []string) Model {
	return New(Options{
		Target: redisx.Target{Network: "tcp", Addr: "127.0.0.1:6379", Protocol: 2},
		Source: src, Filename: "limit.lua", Keys: keys, Args: args,
		Theme: monoTheme(t), Label: "sandbox",
	})
}

const demoSrc = `-- rate limiter
local calls = redis.call('INCR', KEYS[1])
if calls == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return {calls <= tonumber(ARGV[1]) and 1 or 0, calls}
`

func fixedSteps(sha string) []redisx.Step {
	noscript := resp.Value{Kind: resp.Error, Str: []byte("NOSCRIPT No matching script. Please use EVAL.")}
	loaded := resp.Value{Kind: resp.Bulk, Str: []byte(sha)}
	reply := resp.Value{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Integer, Int: 1}, {Kind: resp.Integer, Int: 1}}}
	args := []string{sha, "1", "rate:demo", "5", "60"}
	return []redisx.Step{
		{Seq: 1, Command: append([]string{"EVALSHA"}, args...), Node: "127.0.0.1:6379", Conn: "127.0.0.1:50000", Outcome: redisx.OutcomeNoScript, Reply: &noscript, Dur: 80 * time.Microsecond},
		{Seq: 2, Command: []string{"SCRIPT", "LOAD", "-- rate limiter…(148 bytes)"}, Node: "127.0.0.1:6379", Conn: "127.0.0.1:50000", Outcome: redisx.OutcomeOK, Reply: &loaded, Note: "NOSCRIPT: load the script on the same connection", Dur: 90 * time.Microsecond},
		{Seq: 3, Command: append([]string{"EVALSHA"}, args...), Node: "127.0.0.1:6379", Conn: "127.0.0.1:50000", Outcome: redisx.OutcomeOK, Reply: &reply, Note: "retry EVALSHA on the same connection", Dur: 100 * time.Microsecond},
	}
}

// feedRun plays a finished run into the model as the run command would.
func feedRun(m Model, steps []redisx.Step, final *resp.Value, cls *classify.Classification) Model {
	m.runSeq++
	m.running = true
	m.trace.StartRun(m.runSeq, "evalsha-load")
	var mm tea.Model = m
	for _, st := range steps {
		mm, _ = mm.Update(stepTracedMsg{seq: m.runSeq, step: st})
	}
	call := redisx.Call{Script: redisx.NewScript(m.editor.Value())}
	res := redisx.Result{SHA: call.Script.SHA, Strategy: redisx.EvalshaLoad, Steps: steps, Reply: final, Error: cls, Duration: 270 * time.Microsecond}
	mm, _ = mm.Update(runFinishedMsg{seq: m.runSeq, call: call, res: res})
	return mm.(Model)
}

func sized(m Model, w, h int) Model {
	mm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return mm.(Model)
}

func TestGoldenViews(t *testing.T) {
	sha := redisx.SHA1(demoSrc)
	states := map[string]func() Model{
		"empty": func() Model { return offlineModel(t, "", nil, nil) },
		"loaded": func() Model {
			return offlineModel(t, demoSrc, []string{"rate:demo"}, []string{"5", "60"})
		},
		"result": func() Model {
			m := offlineModel(t, demoSrc, []string{"rate:demo"}, []string{"5", "60"})
			st := fixedSteps(sha)
			return feedRun(m, st, st[2].Reply, nil)
		},
		"error": func() Model {
			m := offlineModel(t, demoSrc, []string{"rate:demo"}, []string{"5", "60"})
			msg := "ERR user_script:2: Script attempted to access nonexistent global variable 'nosuch' script: " + sha + ", on @user_script:2."
			c := classify.Classify(msg)
			v := resp.Value{Kind: resp.Error, Str: []byte(msg)}
			st := []redisx.Step{{Seq: 1, Command: []string{"EVALSHA", sha, "1", "rate:demo", "5", "60"}, Node: "127.0.0.1:6379", Conn: "127.0.0.1:50000", Outcome: redisx.OutcomeError, Reply: &v, Dur: 90 * time.Microsecond}}
			m = feedRun(m, st, &v, &c)
			m.setFocus(paneError)
			return m
		},
		"trace": func() Model {
			m := offlineModel(t, demoSrc, []string{"rate:demo"}, []string{"5", "60"})
			st := fixedSteps(sha)
			m = feedRun(m, st, st[2].Reply, nil)
			m.setFocus(paneTrace)
			return m
		},
		"detail": func() Model {
			// The first step of the trace, opened with enter: the whole
			// command with every key and arg, wrapped.
			m := offlineModel(t, demoSrc, detailTestKeys, detailTestArgs)
			st := detailTestSteps(demoSrc)
			m = feedRun(m, st, st[2].Reply, nil)
			m.setFocus(paneTrace)
			m.trace.setCursor(stepKey{run: m.runSeq, step: 0})
			mm, _ := openDetail(m.trace.runs[0].steps[0].detailDoc(m.trace.runs[0]))().(rootMsg).apply(m)
			return mm.(Model)
		},
		"help": func() Model {
			m := offlineModel(t, demoSrc, nil, nil)
			m.overlays.push(&helpScreen{})
			return m
		},
		"search": func() Model {
			// "/" in a 10,000-element reply: the match, in a collapsed
			// branch, revealed; the bar with the count at the bottom.
			m := offlineModel(t, demoSrc, []string{"rate:demo"}, []string{"5", "60"})
			m = feedRun(m, fixedSteps(sha), searchTestNested(10_000), nil)
			m.setFocus(paneResult)
			return m
		},
		"help-search": func() Model { return offlineModel(t, demoSrc, nil, nil) },
		"history": func() Model {
			m := offlineModel(t, demoSrc, nil, nil)
			m.setFocus(paneHistory)
			return m
		},
	}
	// Keys typed once the terminal has its size, as a person does.
	typed := map[string][]tea.KeyMsg{
		"search":      searchTestType("/item-7777", tea.KeyEnter),
		"help-search": append([]tea.KeyMsg{{Type: tea.KeyF1}}, searchTestType("/select")...),
	}
	for name, mk := range states {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				m := pressApp(sized(mk(), sz[0], sz[1]), typed[name]...)
				teatest.RequireEqualOutput(t, []byte(m.View()))
			})
		}
	}
}

// TestTabBarFitsEveryPane: every pane has a short tab name, and with all
// eight tabs (a cluster), the error mark and any tab focused, the short
// bar fits the narrowest terminal whole, so the focused tab is never cut
// off. A missing short name once panicked at every width from 40 to 67.
func TestTabBarFitsEveryPane(t *testing.T) {
	for id := paneID(0); id < paneCount; id++ {
		if shortPaneNames[id] == "" {
			t.Errorf("%s has no short tab name", id)
		}
	}
	st := newAppStyles(monoTheme(t))
	width := 0
	for id := paneID(0); id < paneCount; id++ {
		name := shortPaneNames[id]
		if id == paneError {
			name += "!"
		}
		width += max(ansi.StringWidth(st.tab.Render(name)), ansi.StringWidth(st.tabActive.Render(name)))
	}
	if width > minWidth {
		t.Errorf("the short tab bar is %d columns, wider than the minimum %d", width, minWidth)
	}
}
