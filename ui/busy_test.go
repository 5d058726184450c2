package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// Another client's script holds the server: the run says busy, and
// ctrl+k offers the SCRIPT KILL the BUSY text names, after a yes.
func TestBusyOffersKill(t *testing.T) {
	srv := sandboxtest.StartT(t, "busy-reply-threshold 100")
	c := srv.Client()
	defer c.Close()
	other := make(chan error, 1)
	go func() {
		other <- c.Eval(context.Background(), "local t = redis.call('time') local s = tonumber(t[1]) while tonumber(redis.call('time')[1]) < s + 10 do end return 1", nil).Err()
	}()
	time.Sleep(400 * time.Millisecond)
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}
	s, err := redisx.Connect(context.Background(), tg)
	if err != nil {
		t.Fatalf("connect to a BUSY server: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: "return 1"})
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	m = runCmds(t, m, cmd, 4)
	if m.busyKill != "SCRIPT KILL" || !strings.Contains(m.status, "ctrl+k sends SCRIPT KILL") {
		t.Fatalf("after a BUSY run: busyKill %q, status %q", m.busyKill, m.status)
	}
	// The Error panel and its detail say it too: the status message is
	// cut at 80 columns and gone at the next key.
	m = sized(m, 80, 24)
	m.setFocus(paneError)
	m.resize()
	if v := strings.Join(strings.Fields(strings.Join(m.errp.lines(), " ")), " "); !strings.Contains(v, "ctrl+k sends SCRIPT KILL") {
		t.Fatalf("the Error panel for BUSY does not name ctrl+k:\n%s", v)
	}
	if d := errorDetail(m.errp.Classification(), m.errp.action, m.errp.running); !strings.Contains(d.Text(), "ctrl+k sends SCRIPT KILL") {
		t.Fatalf("the error detail for BUSY does not name ctrl+k:\n%s", d.Text())
	}
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyF8})
	// Words, not lines: the panel wraps the action at its width.
	if v := strings.Join(strings.Fields(strings.Join(m.errp.lines(), " ")), " "); !strings.Contains(v, "read-only refuses it") {
		t.Fatalf("read-only on: the Error panel still offers the kill:\n%s", v)
	}
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyF8})
	m.setFocus(paneEditor)
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlK})
	if cmd != nil || m.dlg() == nil || m.dlg().yes == nil || !strings.Contains(m.dlg().body, "another client") {
		t.Fatalf("ctrl+k: dialog %+v", m.dlg())
	}
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	m = runCmds(t, m, cmd, 2)
	select {
	case err := <-other:
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("the other client's script: %v, want killed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the other script was not killed")
	}
}

// While a run is in progress the help bar offers ctrl+k, not ctrl+r.
func TestHelpBarRunningOffersStop(t *testing.T) {
	m := sized(offlineModel(t, demoSrc, []string{"k"}, nil), 80, 24)
	if bar := m.helpBar(); !strings.Contains(bar, "ctrl+r/F5 run") || strings.Contains(bar, "ctrl+k") {
		t.Fatalf("idle help bar: %q", bar)
	}
	mm, _ := m.launch(redisx.Call{Script: redisx.NewScript(demoSrc), Keys: []string{"k"}, Strategy: redisx.EvalshaLoad})
	m = mm.(Model)
	if bar := m.helpBar(); !strings.Contains(bar, "ctrl+k stop") || strings.Contains(bar, "ctrl+r") {
		t.Fatalf("help bar while running: %q", bar)
	}
	m = feedRun(m, fixedSteps(redisx.SHA1(demoSrc)), nil, nil)
	if bar := m.helpBar(); !strings.Contains(bar, "ctrl+r/F5 run") {
		t.Fatalf("help bar after the run: %q", bar)
	}
}

// A function holds the server: the kill offered is FUNCTION KILL, chosen
// from what FUNCTION STATS says runs, and the Error panel names it.
func TestBusyNamesTheRunningFunction(t *testing.T) {
	srv := sandboxtest.StartT(t, "busy-reply-threshold 100")
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	lib := "#!lua name=slow\nredis.register_function{function_name='spin', callback=function() local t = redis.call('time') local s = tonumber(t[1]) while tonumber(redis.call('time')[1]) < s + 10 do end return 1 end, flags={'no-writes'}}"
	if err := c.Do(ctx, "FUNCTION", "LOAD", lib).Err(); err != nil {
		t.Fatal(err)
	}
	other := make(chan error, 1)
	go func() { other <- c.Do(context.Background(), "FCALL", "spin", "0").Err() }()
	time.Sleep(400 * time.Millisecond)
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}
	s, err := redisx.Connect(ctx, tg)
	if err != nil {
		t.Fatalf("connect to a BUSY server: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: "return 1"})
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	m = runCmds(t, m, cmd, 6)
	if m.busyKill != "FUNCTION KILL" || !strings.Contains(m.busyWhat, "function spin (FCALL spin 0)") {
		t.Fatalf("busyKill %q, busyWhat %q", m.busyKill, m.busyWhat)
	}
	if !strings.Contains(m.errp.action, "Running: function spin") {
		t.Errorf("the Error panel's action: %q", m.errp.action)
	}
	_ = c.Do(ctx, "FUNCTION", "KILL").Err()
	<-other
}

// On a cluster, the Error panel of a BUSY run also names the running
// function's library as a node that is not busy has it (the busy node
// refuses FUNCTION LIST), and the detail (enter) shows its code, escaped.
func TestBusyClusterNamesTheLibrary(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	ctx := context.Background()
	lib := "#!lua name=spinlib\n-- \x1b[31mred\x1b[0m\nredis.register_function('spin', function(keys, args) " + sandboxtest.SpinLua(30*time.Second) + " return 1 end)\n"
	for _, n := range cl.Nodes {
		c := n.Client()
		_ = c.Do(ctx, "FUNCTION", "LOAD", lib).Err() // replicas refuse it and get it from their primary
		_ = c.Close()
	}
	busy := cl.Nodes[1]
	c := busy.Client()
	if err := c.ConfigSet(ctx, "busy-reply-threshold", "100").Err(); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	held := sandboxtest.HoldBusy(t, busy, "FCALL", "spin", "0")
	t.Cleanup(func() {
		k := busy.Client()
		_ = k.Do(context.Background(), "FUNCTION", "KILL").Err()
		_ = k.Close()
	})
	tg := redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Cluster: true, Protocol: 2}
	s, err := redisx.Connect(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: "return 1"})
	m.runOn = busy.Addr() // the keyless script goes to the busy node
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	m = runCmds(t, m, cmd, 8)
	if m.busyKill != "FUNCTION KILL" || m.busyFn != "spin" {
		t.Fatalf("busyKill %q, busyFn %q, busyWhat %q", m.busyKill, m.busyFn, m.busyWhat)
	}
	if !strings.Contains(m.errp.action, "Library spinlib as FUNCTION LIST on ") || strings.Contains(m.busyLib, busy.Addr()) ||
		!strings.Contains(m.errp.action, "("+detailKey.Help().Key+": its code)") {
		t.Fatalf("the Error panel's action: %q", m.errp.action)
	}
	d := errorDetail(m.errp.Classification(), m.errp.action, m.errp.running).Text()
	if !strings.Contains(d, "redis.register_function('spin'") || !strings.Contains(d, `\x1b[31mred`) || strings.Contains(d, "\x1b") {
		t.Fatalf("the detail's running code:\n%s", d)
	}

	// ctrl+k: FUNCTION KILL goes to the busy node, not to the seed the
	// session was opened on (which would answer NOTBUSY).
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlK})
	if cmd != nil || m.dlg() == nil || !strings.Contains(m.dlg().body, "FUNCTION KILL to node "+busy.Addr()+"?") {
		t.Fatalf("ctrl+k: dialog %+v", m.dlg())
	}
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	m = runCmds(t, m, cmd, 2)
	select {
	case err := <-held:
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("the function's caller: %v, want killed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the function was not killed (status %q)", m.status)
	}
	sandboxtest.HoldBusy(t, busy, "FCALL", "spin", "0") // busy again, for the seed case

	// The busy node as the seed: it refuses CLUSTER NODES, so the nodes
	// the Cluster pane last saw are asked.
	bs, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: busy.Addr(), Cluster: true, Protocol: 2})
	if err != nil {
		t.Fatalf("connect with the busy node as the seed: %v", err)
	}
	t.Cleanup(func() { _ = bs.Close() })
	if _, err := bs.ServerTopology(ctx); err == nil {
		t.Fatal("the busy seed listed the cluster's nodes: the case below tests nothing")
	}
	var known []string
	for _, n := range cl.Nodes {
		known = append(known, n.Addr())
	}
	if msg := busyLibraryCmd(bs, busy.Addr(), "spin", known)().(busyLibraryMsg); !msg.ok || msg.lib.Name != "spinlib" || msg.from == busy.Addr() {
		t.Errorf("with the known nodes: %+v", msg)
	}
	if msg := busyLibraryCmd(bs, busy.Addr(), "spin", nil)().(busyLibraryMsg); msg.ok {
		t.Errorf("with no nodes known the busy seed gave a library: %+v", msg)
	}
}

// On a cluster, ctrl+k during a run sends the kill to the node the run
// went to (its key's slot's owner, before any round trip is back), not to
// the seed; a function's run is stopped with FUNCTION KILL.
func TestKillGoesToTheRunsNode(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	ctx := context.Background()
	tg := redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Cluster: true, Protocol: 2}
	s, err := redisx.Connect(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	top, err := s.ServerTopology(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A key whose slot is not the seed's.
	var key, owner string
	for i := 0; owner == "" || owner == tg.Addr; i++ {
		key = fmt.Sprintf("k%d", i)
		n, _ := top.Owner(redisx.KeySlot(key))
		owner = n.Addr
	}
	var node *sandbox.Server
	for _, n := range cl.Nodes {
		if n.Addr() == owner {
			node = n
		}
	}
	m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: "return 1"})
	m.clus.SetTopology(top, nil)
	mm, _ := m.launch(redisx.Call{Script: redisx.NewScript("return 1"), Keys: []string{key}, Strategy: redisx.EvalshaLoad})
	m = mm.(Model)
	if m.runNode != owner {
		t.Fatalf("runNode %q, want the key's owner %s", m.runNode, owner)
	}
	// The kill the question sends reaches that node: a script another
	// client holds it with is killed.
	c := node.Client()
	if err := c.ConfigSet(ctx, "busy-reply-threshold", "100").Err(); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	held := sandboxtest.HoldBusy(t, node, "EVAL", sandboxtest.SpinLua(30*time.Second), "0")
	where, kill := m.killOn(m.runNode, "SCRIPT KILL")
	if where != "node "+owner {
		t.Fatalf("the question names %q", where)
	}
	if msg := kill().(adminDoneMsg); msg.err != nil {
		t.Fatalf("SCRIPT KILL: %v", msg.err)
	}
	select {
	case err := <-held:
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("the script: %v, want killed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the script on the run's node was not killed")
	}
	// In Functions mode ctrl+k's question is FUNCTION KILL.
	m.function = "f"
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlK})
	if m.dlg() == nil || !strings.Contains(m.dlg().body, "Send FUNCTION KILL from a second connection to node "+owner+"?") {
		t.Fatalf("ctrl+k in Functions mode: %+v", m.dlg())
	}
}

// Reaching the cluster view with tab asks for the nodes, as its own key
// does: it said "asking CLUSTER NODES…" for ever.
func TestTabToClusterAsks(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	tg := redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Cluster: true, Protocol: 2}
	s, err := redisx.Connect(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	m := sized(New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: "return 1"}), 80, 24)
	var cmd tea.Cmd
	for i := 0; m.focus != paneCluster; i++ {
		if i == 20 {
			t.Fatal("tab never reached the cluster view")
		}
		m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyTab})
	}
	m = runCmds(t, m, cmd, 3)
	if m.clus.top == nil || strings.Contains(m.View(), "asking CLUSTER NODES") {
		t.Fatalf("the cluster view after tab:\n%s", m.View())
	}
}
