package ui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

const stockLibrary = "#!lua name=stock\nlocal function take(keys, args)\n  local left = redis.call('DECRBY', keys[1], args[1])\n  return left\nend\nredis.register_function('take', take)\n"

// F9 in function mode debugs the function in its library, with the
// library's line numbers: from the editor's library, or from the
// server's copy (the Functions pane's list) when the editor holds
// something else.
func TestDebugAFunction(t *testing.T) {
	m := compareModel(t, stockLibrary, nil, func(o *Options) {
		o.Function, o.Keys, o.Args = "take", []string{"stock:1"}, []string{"3"}
	})
	m, _ = startDebugNow(t, m)
	d := m.dbg()
	// One step from the first line: the stop after take's definition
	// ("end", line 5 of the library: Lua creates a function at its end).
	if d == nil || d.line != 5 || d.library == nil {
		t.Fatalf("debugger at line %d, library %v", d.line, d.library != nil)
	}
	frame := ansi.Strip(m.View())
	for _, want := range []string{"#!lua name=stock", "-- luascope: calls take(KEYS, ARGV)", "local function take"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the frame lacks %q:\n%s", want, frame)
		}
	}

	// The editor holds another script: the server's copy is debugged.
	m = compareModel(t, "return 1", nil, func(o *Options) {
		o.Function, o.Keys, o.Args = "take", []string{"stock:1"}, []string{"3"}
	})
	m.fns.libs = []redisx.Library{{Name: "stock", Functions: []redisx.LibraryFunction{{Name: "take"}}, Code: stockLibrary}}
	m, _ = startDebugNow(t, m)
	if d := m.dbg(); d == nil || d.library == nil || !strings.HasPrefix(d.source[0], "#!lua name=stock") {
		t.Fatalf("server's copy: %q", d.source)
	}
	// Unknown: says how to get the library.
	m = compareModel(t, "return 1", nil, func(o *Options) { o.Function = "nosuch" })
	mm, _ := m.startDebug("fork")
	if m = mm.(Model); !strings.Contains(m.status, "open its library") || m.dbg() != nil {
		t.Errorf("status %q", m.status)
	}
}

// On a cluster the function is debugged on the node of its first key.
func TestDebugAFunctionOnACluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	cl := sandboxtest.StartClusterT(t)
	tg := redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Protocol: 2, Cluster: true}
	s, err := redisx.Connect(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: stockLibrary, Function: "take", Keys: []string{"stock:{7}"}, Args: []string{"2"}})
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m, _ = startDebugNow(t, m)
	if d := m.dbg(); d == nil || d.line != 5 || d.library == nil {
		t.Fatalf("debugger on a cluster: %v", d != nil)
	}
}
