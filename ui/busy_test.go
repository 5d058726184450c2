package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/resp"
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
	killAndWait(t, m, "another client", other)
}

// killAndWait presses ctrl+k, checks the question says ask (and offers a
// yes), answers y, and waits for the held script's caller (done) to be
// told its script was killed.
func killAndWait(t *testing.T, m Model, ask string, done <-chan error) Model {
	t.Helper()
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlK})
	if cmd != nil || m.dlg() == nil || m.dlg().yes == nil || !strings.Contains(m.dlg().body, ask) {
		t.Fatalf("ctrl+k: dialog %+v, want %q in it", m.dlg(), ask)
	}
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	m = runCmds(t, m, cmd, 2)
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("the held script's caller: %v, want killed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the held script was not killed (status %q)", m.status)
	}
	return m
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
	tg, s := clusterSession(t, cl)
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
	killAndWait(t, m, "FUNCTION KILL to node "+busy.Addr()+"?", held)
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
	// Through the app: the Cluster view had the nodes before; the refresh
	// after the BUSY run fails on the busy seed and keeps them.
	top, err := s.ServerTopology(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m2 := New(Options{Session: bs, Target: redisx.Target{Network: "tcp", Addr: busy.Addr(), Cluster: true, Protocol: 2}, Theme: monoTheme(t), Source: "return 1"})
	m2.clus.SetTopology(top, nil)
	m2, cmd = guardKey(m2, tea.KeyMsg{Type: tea.KeyCtrlR})
	m2 = runCmds(t, m2, cmd, 8)
	if m2.busyKill != "FUNCTION KILL" || !strings.Contains(m2.busyLib, "Library spinlib as FUNCTION LIST on ") || strings.Contains(m2.busyLib, busy.Addr()) {
		t.Errorf("with the busy node as the seed: busyKill %q, busyLib %q, action %q", m2.busyKill, m2.busyLib, m2.errp.action)
	}
	if msg := busyLibraryCmd(bs, busy.Addr(), "spin", nil)().(busyLibraryMsg); msg.ok {
		t.Errorf("with no nodes known the busy seed gave a library: %+v", msg)
	}
}

// On a cluster, ctrl+k during a run sends the kill to the node the run
// went to, not to the seed: here the session's slot map is empty, so the
// seed answers MOVED first and the script then spins on the key's owner.
// Before any round trip is back the guess is the key's slot's owner as
// the Cluster view last saw it; a function's run is stopped with FUNCTION
// KILL whatever mode the editor is in by then.
func TestKillGoesToTheRunsNode(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	ctx := context.Background()
	tg, s := clusterSession(t, cl)
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
	c := node.Client()
	defer c.Close()
	if err := c.ConfigSet(ctx, "busy-reply-threshold", "100").Err(); err != nil {
		t.Fatal(err)
	}

	// The guess at launch, and the kill for a function's run.
	g := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: "return 1"})
	g.clus.SetTopology(top, nil)
	g.clus.SetTopology(nil, errors.New("a refresh that failed keeps the nodes last seen"))
	mm, _ := g.launch(redisx.Call{Function: "f", Keys: []string{key}})
	g = mm.(Model)
	if g.runNode != owner || g.runKill != "FUNCTION KILL" {
		t.Fatalf("at launch: runNode %q (want %s), runKill %q", g.runNode, owner, g.runKill)
	}
	g.function = "" // the editor back in script mode: the run is still a function's
	g, _ = guardKey(g, tea.KeyMsg{Type: tea.KeyCtrlK})
	if g.dlg() == nil || !strings.Contains(g.dlg().body, "Send FUNCTION KILL from a second connection to node "+owner+"?") {
		t.Fatalf("ctrl+k during a function's run: %+v", g.dlg())
	}

	// A real run: MOVED from the seed, then the script (cached there, so
	// no NOSCRIPT step names the node) spins on owner.
	spin := sandboxtest.SpinLua(30*time.Second) + " return 1"
	if err := c.ScriptLoad(ctx, spin).Err(); err != nil {
		t.Fatal(err)
	}
	m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: spin, Keys: []string{key}})
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	m = runCmds(t, m, cmd, 20) // until the wait for the spinning step times out
	if !m.running || m.runNode != owner {
		t.Fatalf("during the run: running %v, runNode %q, want %s", m.running, m.runNode, owner)
	}
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlK})
	if cmd != nil || m.dlg() == nil || !strings.Contains(m.dlg().body, "Send SCRIPT KILL from a second connection to node "+owner+"?") {
		t.Fatalf("ctrl+k during the run: %+v", m.dlg())
	}
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	m = runCmds(t, m, cmd, 2)
	for i := 0; ; i++ {
		if err := c.Ping(ctx).Err(); err == nil {
			break
		}
		if i == 100 {
			t.Fatalf("the script on %s was not killed (status %q)", owner, m.status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runNodeAfter follows a run's steps: a redirect's target, the node that
// answered, and nothing learnt from a step that got no answer.
func TestRunNodeAfter(t *testing.T) {
	moved := &resp.Value{Kind: resp.Error, Str: []byte("MOVED 3999 127.0.0.1:7002")}
	ask := &resp.Value{Kind: resp.Error, Str: []byte("ASK 3999 127.0.0.1:7003")}
	noscript := &resp.Value{Kind: resp.Error, Str: []byte("NOSCRIPT No matching script. Please use EVAL.")}
	for _, c := range []struct {
		st        redisx.Step
		cur, want string
	}{
		{redisx.Step{Node: "127.0.0.1:7001", Reply: moved}, "127.0.0.1:7001", "127.0.0.1:7002"},
		{redisx.Step{Node: "127.0.0.1:7001", Reply: ask}, "127.0.0.1:7001", "127.0.0.1:7003"},
		{redisx.Step{Node: "127.0.0.1:7002", Reply: noscript}, "", "127.0.0.1:7002"},
		{redisx.Step{Node: "127.0.0.1:7004", Err: "dial tcp: connection refused"}, "127.0.0.1:7002", "127.0.0.1:7002"},
		{redisx.Step{Reply: noscript}, "127.0.0.1:7002", "127.0.0.1:7002"},
	} {
		if got := runNodeAfter(c.st, c.cur); got != c.want {
			t.Errorf("%+v after %q: %q, want %q", c.st, c.cur, got, c.want)
		}
	}
}

// Reaching the cluster view with tab asks for the nodes, as its own key
// does: it said "asking CLUSTER NODES…" for ever.
func TestTabToClusterAsks(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	tg, s := clusterSession(t, cl)
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

// clusterSession connects to the sandbox cluster cl through its first
// node, in cluster mode (RESP2), closed when the test ends.
func clusterSession(t *testing.T, cl *sandbox.Cluster) (redisx.Target, *redisx.Session) {
	t.Helper()
	tg := redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Cluster: true, Protocol: 2}
	s, err := redisx.Connect(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return tg, s
}
