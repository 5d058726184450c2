package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/examples"
	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/ldb"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// The guards that must never give: read-only writes nothing by any path,
// and an example's setup runs unasked only on a sandbox.

const precious = "PRECIOUS PROD VALUE"

// guardModel is the app on a real server (not marked sandbox) that holds
// a precious value in every example's first key and in "guard:k".
func guardModel(t *testing.T, mod func(*Options)) (Model, *sandbox.Server) {
	t.Helper()
	srv := sandboxtest.StartT(t)
	ctx := context.Background()
	c := srv.Client()
	defer c.Close()
	for _, k := range guardKeys() {
		if err := c.Set(ctx, k, precious, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}
	s, err := redisx.Connect(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	opts := Options{Session: s, Target: tg, Theme: monoTheme(t), Source: "return redis.call('set', KEYS[1], 'overwritten')", Keys: []string{"guard:k"}}
	if mod != nil {
		mod(&opts)
	}
	return New(opts), srv
}

func guardKeys() []string {
	keys := []string{"guard:k"}
	for _, e := range examples.All() {
		keys = append(keys, e.Keys...)
	}
	return keys
}

// wantPrecious fails the test if any guarded key changed.
func wantPrecious(t *testing.T, srv *sandbox.Server) {
	t.Helper()
	c := srv.Client()
	defer c.Close()
	for _, k := range guardKeys() {
		if v, err := c.Get(context.Background(), k).Result(); v != precious {
			t.Errorf("%s = %q (%v), want it untouched", k, v, err)
		}
	}
}

func guardKey(m Model, k tea.KeyMsg) (Model, tea.Cmd) {
	mm, cmd := m.Update(k)
	return mm.(Model), cmd
}

// runCmds runs a command and what it leads to (batches included, up to
// depth), feeding the results back, as the program would.
func runCmds(t *testing.T, m Model, cmd tea.Cmd, depth int) Model {
	t.Helper()
	if cmd == nil || depth == 0 {
		return m
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(2 * time.Second):
		return m // a watcher or a blink: not part of what is tested
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			m = runCmds(t, m, c, depth)
		}
		return m
	case nil:
		return m
	default:
		mm, next := m.Update(msg)
		return runCmds(t, mm.(Model), next, depth-1)
	}
}

func altF9() tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyF9, Alt: true} }

func TestReadOnlyRefusesSyncDebugger(t *testing.T) {
	m, srv := guardModel(t, func(o *Options) { o.ReadOnly = true })
	m, cmd := guardKey(m, altF9())
	if m.dlg() != nil || m.dbg() != nil || cmd != nil || !strings.Contains(m.status, "read-only refused SCRIPT DEBUG SYNC") {
		t.Fatalf("alt+F9 in read-only: dialog %v, debugger %v, status %q", m.dlg() != nil, m.dbg() != nil, m.status)
	}
	// Every way into the debugger: a SYNC dialog confirmed, startDebug itself.
	mm, cmd := m.Update(debugConfirmedMsg{ldb.ModeSync})
	m = mm.(Model)
	if m.dbg() != nil || cmd != nil || !strings.Contains(m.status, "read-only refused SCRIPT DEBUG SYNC") {
		t.Fatalf("a confirmed SYNC dialog in read-only started the debugger (%q)", m.status)
	}
	// ldb refuses it as well, from the session's target.
	if _, _, err := ldb.Start(context.Background(), ldb.Options{Target: m.session.Target(), Mode: ldb.ModeSync, Script: "return 1"}); err != ldb.ErrReadOnlySync {
		t.Fatalf("ldb.Start SYNC with the read-only session's target: %v", err)
	}
	// Forked debugging stays, behind its typed confirmation.
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyF9})
	if m.dlg() == nil || !isDebugFork(m.dlg()) || !strings.Contains(m.dlg().body, "EVAL_RO") {
		t.Fatalf("F9 in read-only: %+v", m.dlg())
	}
	wantPrecious(t, srv)
}

func TestReadOnlyRefusesShutdownAfterUnkillable(t *testing.T) {
	m, _ := guardModel(t, func(o *Options) { o.ReadOnly = true })
	unkillable := resp.Value{Kind: resp.Error, Str: []byte("UNKILLABLE Sorry the script already executed write commands against the dataset.")}
	mm, _ := m.Update(adminDoneMsg{what: "SCRIPT KILL", reply: &unkillable})
	m = mm.(Model)
	if m.dlg() != nil || !strings.Contains(m.status, "read-only refused SHUTDOWN NOSAVE") {
		t.Fatalf("UNKILLABLE in read-only: dialog %+v, status %q", m.dlg(), m.status)
	}
	mm, cmd := m.Update(shutdownConfirmedMsg{})
	if m = mm.(Model); cmd != nil || !strings.Contains(m.status, "read-only refused SHUTDOWN NOSAVE") {
		t.Fatalf("a confirmed SHUTDOWN NOSAVE in read-only: cmd %v, status %q", cmd != nil, m.status)
	}
}

func TestReadOnlyRefusesCacheAndFunctionChanges(t *testing.T) {
	m, srv := guardModel(t, func(o *Options) { o.ReadOnly = true })
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyF4})
	if m.dlg() != nil || cmd != nil || !strings.Contains(m.status, "read-only: SCRIPT FLUSH is refused") {
		t.Errorf("F4: %q", m.status)
	}
	mm, cmd := m.Update(libraryLoadMsg{})
	if m = mm.(Model); cmd != nil || !strings.Contains(m.status, "read-only: FUNCTION LOAD is refused") {
		t.Errorf("FUNCTION LOAD: %q", m.status)
	}
	m.running = true
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlK})
	if m.dlg() != nil || cmd != nil || !strings.Contains(m.status, "read-only: SCRIPT KILL is refused") {
		t.Errorf("ctrl+k: %q", m.status)
	}
	m.running = false
	// And if a dialog got through, the session refuses: nothing is sent.
	for what, yes := range map[string]tea.Cmd{
		"SCRIPT FLUSH":  adminCmd(m.session, "SCRIPT FLUSH", "SCRIPT", "FLUSH"),
		"SCRIPT KILL":   adminCmd(m.session, "SCRIPT KILL", "SCRIPT", "KILL"),
		"FUNCTION LOAD": loadLibraryCmd(m.session, m.editor.Value()),
	} {
		m.overlays.push(newConfirm(what, "", yes))
		m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
		m = runCmds(t, m, cmd, 3)
		if !strings.Contains(m.status, "read-only") {
			t.Errorf("%s went through to the session: %q", what, m.status)
		}
	}
	wantPrecious(t, srv)
}

func TestExampleSetupPlan(t *testing.T) {
	withSetup, err := examples.Get("stock-decrement")
	if err != nil {
		t.Fatal(err)
	}
	noSetup := withSetup
	noSetup.Setup = nil
	cases := []struct {
		name              string
		ex                examples.Example
		sandbox, prod, ro bool
		want              setupPlan
	}{
		{"sandbox", withSetup, true, false, false, setupRun},
		{"real server", withSetup, false, false, false, setupAsk},
		{"production", withSetup, false, true, false, setupProduction},
		{"read-only", withSetup, false, false, true, setupReadOnly},
		{"read-only sandbox", withSetup, true, false, true, setupReadOnly},
		{"production read-only", withSetup, false, true, true, setupReadOnly},
		{"no setup", noSetup, false, true, true, setupRun},
	}
	for _, c := range cases {
		m := New(Options{Theme: monoTheme(t), Sandbox: c.sandbox, Production: c.prod, ReadOnly: c.ro})
		if got := m.setupPlan(c.ex); got != c.want {
			t.Errorf("%s: plan %d, want %d", c.name, got, c.want)
		}
	}
}

// TestExampleAtStartAsksOnRealServer: `luascope -p PORT --example NAME`
// on a server luascope did not start asks, naming the commands and keys,
// and "n" (the default: enter does nothing) sends nothing.
func TestExampleAtStartAsksOnRealServer(t *testing.T) {
	ex, err := examples.Get("stock-decrement")
	if err != nil {
		t.Fatal(err)
	}
	m, srv := guardModel(t, func(o *Options) { o.Example, o.Source, o.Keys, o.Args = &ex, ex.Source, ex.Keys, ex.Args })
	if m.dlg() == nil || m.dlg().yes == nil {
		t.Fatalf("no question before the setup: %+v", m.dlg())
	}
	for _, want := range []string{srv.Addr(), "not a sandbox", `"stock:sku-1234"`, "DEL stock:sku-1234", "SET stock:sku-1234 2"} {
		if !strings.Contains(m.dlg().body, want) {
			t.Errorf("the question lacks %q: %s", want, m.dlg().body)
		}
	}
	m = runCmds(t, m, m.Init(), 2) // Init must not run the setup itself
	wantPrecious(t, srv)
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyEnter})
	if m.dlg() == nil {
		t.Fatal("enter answered the question")
	}
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'n'}})
	m = runCmds(t, m, cmd, 3)
	if m.dlg() != nil || !strings.Contains(m.status, "setup not run") {
		t.Errorf("after n: dialog %v, status %q", m.dlg() != nil, m.status)
	}
	if got := m.editor.Value(); got != ex.Source {
		t.Errorf("the example did not open: %q", got)
	}
	wantPrecious(t, srv)
}

func TestExampleAtStartOnProtectedConnections(t *testing.T) {
	ex, err := examples.Get("stock-decrement")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"production", func(o *Options) { o.Production, o.Label = true, "prod" }, "setup not run on a production connection"},
		{"read-only", func(o *Options) { o.ReadOnly = true }, "read-only refused its setup"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, srv := guardModel(t, func(o *Options) {
				o.Example, o.Source, o.Keys, o.Args = &ex, ex.Source, ex.Keys, ex.Args
				c.mod(o)
			})
			if m.dlg() != nil || !strings.Contains(m.status, c.want) {
				t.Fatalf("dialog %v, status %q", m.dlg() != nil, m.status)
			}
			runCmds(t, m, m.Init(), 2)
			// The gallery keeps the same rule.
			m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'g'}, Alt: true})
			for m.gallery().all[m.gallery().cursor].Name != ex.Name {
				m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyDown})
			}
			m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyEnter})
			m = runCmds(t, m, cmd, 2)
			if m.dlg() != nil || !strings.Contains(m.status, c.want) {
				t.Fatalf("gallery: dialog %v, status %q", m.dlg() != nil, m.status)
			}
			wantPrecious(t, srv)
		})
	}
}

// TestReadOnlyReRunsAndBatchWriteNothing: a history re-run, a --watch
// re-run and a batch go out as _RO commands, which the server refuses to
// let write.
func TestReadOnlyReRunsAndBatchWriteNothing(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "w.lua")
	if err := os.WriteFile(file, []byte("return 1"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, srv := guardModel(t, func(o *Options) { o.ReadOnly, o.Filename, o.Source = true, file, "return 1" })
	writes := "return redis.call('set', KEYS[1], 'overwritten')"

	mm, cmd := m.Update(loadEntryMsg{entry: history.Entry{Source: writes, Keys: []string{"guard:k"}, Strategy: "eval"}, run: true})
	m = runCmds(t, mm.(Model), cmd, 20)
	if m.errp.Classification() == nil || m.errp.Classification().Class != "write_denied" {
		t.Errorf("history re-run in read-only: %+v", m.errp.Classification())
	}

	m.errp.SetError(nil)
	m.editor.SetValue("return 1") // the file changes from this to a write
	m.editor.MarkSaved()
	mm, cmd = m.Update(fileChangedMsg{src: writes})
	m = runCmds(t, mm.(Model), cmd, 20)
	if m.errp.Classification() == nil || m.errp.Classification().Class != "write_denied" {
		t.Errorf("--watch re-run in read-only: %+v (status %q)", m.errp.Classification(), m.status)
	}

	lines := filepath.Join(dir, "lines")
	if err := os.WriteFile(lines, []byte("guard:k\nguard:k , x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m.editor.SetValue(writes)
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'B'}, Alt: true})
	if m.prompt() == nil {
		t.Fatalf("alt+B opened no prompt: %q", m.status)
	}
	m.prompt().input.SetValue(lines)
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyEnter})
	m = runCmds(t, m, cmd, 20)
	if !strings.Contains(m.report(), "(read-only)") || !strings.Contains(m.report(), "ok 0, error 2") || !strings.Contains(m.report(), "write_denied") {
		t.Errorf("batch report in read-only:\n%s", m.report())
	}
	wantPrecious(t, srv)
}

func TestLiveReadOnlyDebugger(t *testing.T) {
	src := "local a = 1\nredis.call('set', KEYS[1], 'overwritten')\nreturn a"
	a := startLive(t, func(o *Options) { o.Source, o.Keys, o.Args, o.ReadOnly = src, []string{"guard:k"}, nil, true })
	ctx := context.Background()
	if err := a.srv.Client().Set(ctx, "guard:k", precious, 0).Err(); err != nil {
		t.Fatal(err)
	}
	a.tm.Send(altF9())
	a.waitFor("read-only refused SCRIPT DEBUG SYNC")
	a.key(tea.KeyF9)
	a.waitFor("Debug on a protected connection", "EVAL_RO")
	a.typeText("DEBUG")
	a.key(tea.KeyEnter)
	a.waitFor("Debug (forked", "stopped at line 1")
	for _, c := range []struct{ cmd, want string }{
		{"SET guard:k 5", "read-only refused r SET: the server does not flag it readonly"},
		{"DEL guard:k", "read-only refused r DEL"},
		{"PUBLISH ch m", "read-only refused r PUBLISH"},
		{"OBJECT HELP", "read-only refused r OBJECT"},
		{"NOSUCHCMD x", "read-only refused r NOSUCHCMD: cannot tell whether it writes"},
		{"GET guard:k", `<reply> "PRECIOUS PROD VALUE"`},
		{"OBJECT ENCODING guard:k", `<reply> "embstr"`},
	} {
		a.typeText("r")
		a.waitFor("redis: a command")
		a.typeText(c.cmd)
		a.key(tea.KeyEnter)
		a.waitFor(c.want)
	}
	a.typeText("c")
	a.waitFor("session ended", "Write commands are not allowed")
	if v, _ := a.srv.Client().Get(ctx, "guard:k").Result(); v != precious {
		t.Errorf("read-only debugging wrote: %q", v)
	}
}

// TestLiveExampleSetupOnRealServer: a sandbox server presented as a
// plain target (as -p PORT would) is a real server: the example opens,
// its setup waits for a yes.
func TestLiveExampleSetupOnRealServer(t *testing.T) {
	ex, err := examples.Get("stock-decrement")
	if err != nil {
		t.Fatal(err)
	}
	a := startLive(t, func(o *Options) {
		o.Sandbox, o.Label = false, ""
		o.Example, o.Source, o.Keys, o.Args = &ex, ex.Source, ex.Keys, ex.Args
	})
	ctx := context.Background()
	c := a.srv.Client()
	defer c.Close()
	if err := c.Set(ctx, "stock:sku-1234", precious, 0).Err(); err != nil {
		t.Fatal(err)
	}
	a.waitFor("Run the example's setup?", "not a sandbox", "DEL stock:sku-1234")
	a.key(tea.KeyEnter) // not an answer
	a.typeText("n")
	a.waitFor("setup not run")
	if v, _ := c.Get(ctx, "stock:sku-1234").Result(); v != precious {
		t.Fatalf("setup ran without a yes: %q", v)
	}
	// The gallery asks the same; this time yes.
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'g'}, Alt: true})
	a.waitFor("Examples")
	for _, e := range examples.All() {
		if e.Name == ex.Name {
			break
		}
		a.key(tea.KeyDown)
	}
	a.key(tea.KeyEnter)
	a.waitFor("Run the example's setup?")
	a.typeText("y")
	a.waitFor("ready (setup done)")
	if v, _ := c.Get(ctx, "stock:sku-1234").Result(); v != "2" {
		t.Errorf("after yes: %q, want the setup's 2", v)
	}
}

// TestScriptLoadAsksOnProduction: F3 changes the server's script cache,
// so on production it waits for a yes, as `luascope load` wants --yes;
// read-only allows it (no data changes, and EVAL_RO caches the script
// anyway).
func TestScriptLoadAsksOnProduction(t *testing.T) {
	m, srv := guardModel(t, func(o *Options) { o.Production, o.Label = true, "prod" })
	sha := redisx.SHA1(m.sentSource())
	c := srv.Client()
	defer c.Close()
	cached := func() bool {
		ok, _ := c.ScriptExists(context.Background(), sha).Result()
		return len(ok) == 1 && ok[0]
	}
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyF3})
	if m.dlg() == nil || m.dlg().yes == nil || cmd != nil || !strings.Contains(m.dlg().body, "labelled production") {
		t.Fatalf("F3 on production: dialog %+v", m.dlg())
	}
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'n'}})
	if runCmds(t, m, cmd, 3); cached() {
		t.Fatal("SCRIPT LOAD went through after n")
	}
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyF3})
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'y'}})
	if runCmds(t, m, cmd, 3); !cached() {
		t.Fatal("SCRIPT LOAD did not go through after y")
	}

	ro, srv := guardModel(t, func(o *Options) { o.ReadOnly = true })
	ro, cmd = guardKey(ro, tea.KeyMsg{Type: tea.KeyF3})
	ro = runCmds(t, ro, cmd, 3)
	if ro.dlg() != nil || !strings.Contains(ro.status, "SCRIPT LOAD: ") {
		t.Errorf("F3 in read-only: %q", ro.status)
	}
	wantPrecious(t, srv)
}

// isDebugFork reports whether d's yes opens the debugger in forked mode.
func isDebugFork(d *dialog) bool {
	msg, ok := d.yes().(debugConfirmedMsg)
	return ok && msg.mode == ldb.ModeFork
}
