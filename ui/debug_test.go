package ui

import (
	"context"
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"luascope/redisx/ldb"
)

// TestGoldenDebugViews: the debugger's layout at 80×24 and 120×40, from a
// fixed state (stopped at line 4, a breakpoint on 5, two locals, a log).
func TestGoldenDebugViews(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := sized(offlineModel(t, demoSrc, []string{"rate:demo"}, []string{"5", "60"}), sz[0], sz[1])
			m.overlays.push(&debugState{
				mode: ldb.ModeFork, source: []string{"local a = 1", "local b = redis.call('incr', KEYS[1])", "redis.debug('b is', b)", "local c = a + b", "return {a, b, c}"},
				line: 4, cursor: 4, breaks: map[int]bool{5: true},
				vars: []ldb.Var{{Name: "b", Value: "1"}, {Name: "a", Value: "1"}},
				log:  []string{"<redis> incr rate:demo", "<reply> 1", `<debug> "b is", 1`},
			})
			teatest.RequireEqualOutput(t, []byte(m.View()))
		})
	}
}

func TestLiveDebugger(t *testing.T) {
	src := "local a = 1\nlocal b = redis.call('incr', KEYS[1])\nredis.debug('b is', b)\nlocal c = a + b\nreturn {a, b, c}"
	a := startLive(t, func(o *Options) { o.Source, o.Keys, o.Args = src, []string{"dbg:n"}, nil })
	a.key(tea.KeyF9)
	a.waitFor("Debug (forked", "stopped at line 1")
	a.typeText("s")
	a.waitFor("stopped at line 2")
	a.typeText("s")
	a.waitFor("stopped at line 3", "<redis> incr dbg:n", "<reply> 1")
	// A breakpoint on line 5, then continue to it.
	a.key(tea.KeyDown)
	a.key(tea.KeyDown)
	a.typeText("b")
	a.typeText("c")
	a.waitFor("stopped at line 5", `<debug> "b is", 1`, "c = 2")
	a.typeText("c")
	a.waitFor("session ended")
	// Forked mode rolled the INCR back.
	if n, _ := a.srv.Client().Exists(context.Background(), "dbg:n").Result(); n != 0 {
		t.Error("forked debugging kept a write")
	}
	a.key(tea.KeyEsc)
	a.waitFor("left the debugger")
}

func TestLiveDebuggerSyncNeedsTypedConfirmation(t *testing.T) {
	a := startLive(t, func(o *Options) { o.Source, o.Keys = "redis.call('incr', KEYS[1]) return 1", []string{"dbg:sync"} })
	a.tm.Send(tea.KeyMsg{Type: tea.KeyF9, Alt: true})
	a.waitFor("Debug in SYNC mode")
	a.typeText("yes")
	a.key(tea.KeyEnter)
	a.waitFor("not sent: type exactly SYNC")
	for i := 0; i < 3; i++ {
		a.key(tea.KeyBackspace)
	}
	a.typeText("SYNC")
	a.key(tea.KeyEnter)
	a.waitFor("Debug (SYNC", "stopped at line 1")
	a.typeText("c")
	a.waitFor("session ended")
	// Sync mode keeps the script's writes.
	if n, _ := a.srv.Client().Get(context.Background(), "dbg:sync").Int(); n != 1 {
		t.Errorf("sync debugging: counter %d, want 1", n)
	}
}
