package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/examples"
	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

// renamedServer is a server binary that differs from redis-server on
// PATH by one fact a script can see: DBSIZE is renamed away, so a script
// calling it gets an error there. A real difference between two servers
// on a machine that has only one version.
func renamedServer(t testing.TB) string {
	t.Helper()
	real, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("no redis-server on PATH")
	}
	p := filepath.Join(t.TempDir(), "redis-server-no-dbsize")
	body := "#!/bin/sh\nexec " + real + " \"$@\" --rename-command DBSIZE \"\"\n"
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// drain feeds cmd's message to m and the commands that follow, until
// none is left: a comparison's started, per-server and finished messages,
// as the program would deliver them.
func drain(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	return drainWatch(t, m, cmd, nil)
}

// drainWatch is drain calling watch (if not nil) with each message and
// the model just after it took it: a test can look at the state between
// two messages, before the commands that follow run.
func drainWatch(t testing.TB, m Model, cmd tea.Cmd, watch func(tea.Msg, Model)) Model {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the comparison did not finish")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if b, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, b...)
			continue
		}
		if msg == nil {
			continue
		}
		mm, next := m.Update(msg)
		m = mm.(Model)
		if watch != nil {
			watch(msg, m)
		}
		queue = append(queue, next)
	}
	return m
}

// compareModel is the app on a real server with the Compare view's
// servers set, the script src in the editor.
func compareModel(t testing.TB, src string, servers []string, mod func(*Options)) Model {
	t.Helper()
	_, tg, s := sandboxSession(t)
	opts := Options{Session: s, Target: tg, Theme: monoTheme(t), Label: "sandbox", Sandbox: true, Source: src, CompareServers: servers}
	if mod != nil {
		mod(&opts)
	}
	m := New(opts)
	return update(m, tea.WindowSizeMsg{Width: 120, Height: 30})
}

// openCompareNow presses alt+v and runs the comparison to its end.
func openCompareNow(t testing.TB, m Model) Model {
	t.Helper()
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("v"), Alt: true})
	return drain(t, mm.(Model), cmd)
}

func TestCompareViewHighlightsDifferences(t *testing.T) {
	src := "local n = redis.pcall('dbsize') if type(n) == 'table' then n = 'renamed' end return {n, 'same'}"
	m := compareModel(t, src, []string{"redis-server", renamedServer(t)}, nil)
	m.strategy = redisx.EvalOnly // one step per server: the rows are the reply's
	m = openCompareNow(t, m)
	v, ok := topOf[*compareView](m.overlays)
	if !ok {
		t.Fatal("alt+v opened no Compare view")
	}
	if v.running || len(v.doneServers()) != 2 {
		t.Fatalf("running %v, servers %+v", v.running, v.servers)
	}
	frame := ansi.Strip(m.View())
	for _, want := range []string{"Compare · 2 servers · 1 difference ", "1 redis ", "2 redis ", "redis-server-no-dbsize", "≠ reply[1]", "  reply[2]", "(integer) 0", `(bulk) "renamed"`} {
		if !strings.Contains(frame, want) {
			t.Errorf("the frame lacks %q:\n%s", want, frame)
		}
	}
	var paths []string
	for _, r := range v.rows {
		if r.Differs {
			paths = append(paths, r.Path)
		}
	}
	if strings.Join(paths, ",") != "reply[1]" {
		t.Errorf("differing rows %v, want reply[1] only", paths)
	}

	// d lists only the differing rows; again, all.
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d")})
	if frame := ansi.Strip(m.View()); strings.Contains(frame, "  reply[2]") {
		t.Errorf("d kept an agreeing row:\n%s", frame)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d")})
	// enter opens the selected row whole; 2 the second server's run.
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEnter})
	d, ok := topOf[*detailView](m.overlays)
	if !ok || !strings.Contains(d.doc.Text(), "the servers differ") {
		t.Fatalf("enter: %+v", d)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEsc})
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2")})
	d, ok = topOf[*detailView](m.overlays)
	if !ok || !strings.Contains(d.doc.Text(), "EVAL ") || !strings.Contains(d.doc.Text(), "redis-server-no-dbsize") {
		t.Fatalf("2: %q", d.doc.Text())
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEsc}, tea.KeyMsg{Type: tea.KeyEsc})
	if _, ok := topOf[*compareView](m.overlays); ok {
		t.Error("esc left the Compare view open")
	}
}

// The same binary twice agrees with itself; the example's setup runs on
// each sandbox first, so a script reading its data sees the same on both.
func TestCompareViewAgreesAndRunsExampleSetup(t *testing.T) {
	ex, err := examples.Get("average-rating")
	if err != nil || len(ex.Setup) == 0 {
		t.Fatalf("example average-rating: %v, setup %v", err, ex.Setup)
	}
	m := compareModel(t, ex.Source, []string{"redis-server", "redis-server"}, func(o *Options) {
		o.Example, o.Keys, o.Args = &ex, ex.Keys, ex.Args
	})
	m = openCompareNow(t, m)
	v, _ := topOf[*compareView](m.overlays)
	frame := ansi.Strip(m.View())
	if v.diffs != 0 || !strings.Contains(frame, "they agree") || !strings.Contains(frame, "setup") {
		t.Errorf("%d differences:\n%s", v.diffs, frame)
	}
	// The setup's data reached the script: the reply is not empty.
	if len(v.rows) < 2 || strings.Contains(v.rows[0].Values[0], "empty") {
		t.Errorf("rows %+v", v.rows)
	}
}

// The current connection takes part only when read-only; production and
// writable connections are left out, saying why; fewer than two servers
// compare nothing, saying how to get more.
func TestCompareViewConnectionRules(t *testing.T) {
	src := "return redis.call('ping')"
	m := compareModel(t, src, []string{"redis-server"}, func(o *Options) { o.Sandbox, o.ReadOnly = false, true })
	m = openCompareNow(t, m)
	v, _ := topOf[*compareView](m.overlays)
	if len(v.servers) != 2 || v.servers[1].bin != "" || v.servers[1].state != compareDone || !strings.HasPrefix(v.servers[1].name, "this connection (") {
		t.Fatalf("servers %+v", v.servers)
	}
	if rep := v.servers[0].report; !rep.ReadOnly {
		t.Errorf("the sandbox's run was not read-only, as the connection's: %+v", rep)
	}

	m = compareModel(t, src, []string{"redis-server"}, func(o *Options) { o.Sandbox = false })
	m = openCompareNow(t, m)
	v, _ = topOf[*compareView](m.overlays)
	frame := ansi.Strip(m.View())
	if len(v.servers) != 0 || !strings.Contains(frame, "the script may write there") || !strings.Contains(frame, "1 server found") {
		t.Errorf("writable connection:\n%s", frame)
	}

	m = compareModel(t, src, []string{"redis-server", "redis-server"}, func(o *Options) { o.Sandbox, o.Production, o.ReadOnly = false, true, true })
	m = openCompareNow(t, m)
	v, _ = topOf[*compareView](m.overlays)
	if frame := ansi.Strip(m.View()); len(v.servers) != 2 || !strings.Contains(frame, "labelled production") {
		t.Errorf("production:\n%s", frame)
	}
}

// A binary that is no server fails on its line; the others still run.
func TestCompareViewServerFails(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "not-a-server")
	if err := os.WriteFile(bad, []byte("#!/bin/sh\necho 'no redis here \033[31m' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	m := compareModel(t, "return 1", []string{"redis-server", bad}, nil)
	m = openCompareNow(t, m)
	v, _ := topOf[*compareView](m.overlays)
	frame := m.View()
	if v.servers[1].state != compareFailed || !strings.Contains(ansi.Strip(frame), "failed:") {
		t.Errorf("servers %+v\n%s", v.servers, frame)
	}
	if strings.Contains(frame, "\033[31m") {
		t.Error("the server's output reached the terminal raw")
	}
}

// A picked function is compared too: each sandbox loads the editor's
// library, then FCALLs it.
func TestCompareViewFunction(t *testing.T) {
	lib := "#!lua name=t\nredis.register_function('f', function(keys, args) local n = redis.pcall('dbsize') if type(n) == 'table' then n = 'renamed' end return n end)\n"
	m := compareModel(t, lib, []string{"redis-server", renamedServer(t)}, func(o *Options) { o.Function = "f" })
	m = openCompareNow(t, m)
	v, _ := topOf[*compareView](m.overlays)
	frame := ansi.Strip(m.View())
	if v.diffs != 1 || !strings.Contains(frame, "FCALL f") || !strings.Contains(frame, `(bulk) "renamed"`) {
		t.Errorf("%d differences:\n%s", v.diffs, frame)
	}
}

// compareTestLib registers mypeek (no-writes: FCALL_RO may call it).
const compareTestLib = "#!lua name=mylib\n" +
	"redis.register_function{function_name='mypeek', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n"

// A function compared read-only (F8): each sandbox loads the library as
// its setup, outside the read-only guard, and the run is FCALL_RO alone.
func TestCompareViewFunctionReadOnly(t *testing.T) {
	m := compareModel(t, compareTestLib, []string{"redis-server", "redis-server"}, func(o *Options) {
		o.Function, o.ReadOnly, o.Keys = "mypeek", true, []string{"k1"}
	})
	m = openCompareNow(t, m)
	v, _ := topOf[*compareView](m.overlays)
	frame := ansi.Strip(m.View())
	if len(v.doneServers()) != 2 || v.diffs != 0 || !strings.Contains(frame, "they agree") {
		t.Fatalf("servers %+v\n%s", v.servers, frame)
	}
	for _, s := range v.servers {
		if st := s.report.Steps; len(st) != 1 || string(st[0].Command[0]) != "FCALL_RO" || s.report.Error != nil {
			t.Errorf("%s: want one FCALL_RO step and no error: %+v", s.name, s.report)
		}
	}
}

// The current connection is a read-only cluster. A key on another
// primary than the seed: the cluster's run follows a MOVED, which is
// routing, not a difference. Keys of two slots: the cluster sends
// nothing (CROSSSLOT), fails on its line, and the view does not say the
// servers agree.
func TestCompareViewCluster(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	tg := redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Protocol: 2, Cluster: true}
	open := func(keys ...string) (Model, *compareView) {
		s, err := redisx.Connect(context.Background(), tg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Label: "shards", ReadOnly: true, Source: "return redis.call('get', KEYS[1])",
			Keys: keys, CompareServers: []string{"redis-server"}})
		m = update(m, tea.WindowSizeMsg{Width: 120, Height: 30})
		m.strategy = redisx.EvalOnly
		m = openCompareNow(t, m)
		v, _ := topOf[*compareView](m.overlays)
		return m, v
	}

	m, v := open("a")
	frame := ansi.Strip(m.View())
	if len(v.doneServers()) != 2 || v.diffs != 0 || !strings.Contains(frame, "they agree") {
		t.Errorf("a MOVED counted as a difference: servers %+v\n%s", v.servers, frame)
	}
	if st := v.servers[1].report.Steps; len(st) != 2 || st[0].Outcome != redisx.OutcomeMoved {
		t.Errorf("the cluster's run should show its redirect: %+v", st)
	}

	m, v = open("a", "b")
	frame = ansi.Strip(m.View())
	if len(v.servers) != 2 || v.servers[1].state != compareFailed || !strings.Contains(v.servers[1].err, "did not run the script") {
		t.Fatalf("servers %+v\n%s", v.servers, frame)
	}
	if strings.Contains(frame, "agree") || !strings.Contains(frame, "not compared: 1 of 2 failed") {
		t.Errorf("frame:\n%s", frame)
	}
}

// The head at 80 columns and below: the keys fit whole (esc included),
// on a line of their own when the title leaves no room, in shorter words
// on narrower screens down to the app's least width, and no line is
// wider than the terminal. One setup
// command is "1 command".
func TestCompareViewHeadFits(t *testing.T) {
	ex := examples.Example{Name: "one", Source: "return redis.call('get', KEYS[1])", Keys: []string{"k"}, Setup: [][]string{{"SET", "k", "v"}}}
	m := compareModel(t, ex.Source, []string{"redis-server", "redis-server"}, func(o *Options) {
		o.Example, o.Keys = &ex, ex.Keys
	})
	m = openCompareNow(t, m)
	for _, w := range []int{120, 100, 80, 72, 60, 45, 40} { // 40: the app's least width
		m = update(m, tea.WindowSizeMsg{Width: w, Height: 24})
		frame := ansi.Strip(m.View())
		lines := strings.Split(frame, "\n")
		for i, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Errorf("width %d: line %d is %d wide: %q", w, i, ansi.StringWidth(l), l)
			}
		}
		want := map[int]string{120: "Compare · 2 servers · they agree  ↑↓ • d: differences only • enter: row • 1–9: a run • ctrl+r: again • esc",
			80: "↑↓ • d: differences only • enter: row • 1–9: a run • ctrl+r: again • esc",
			72: "↑↓ • d: differences only • enter: row • 1–9: a run • ctrl+r: again • esc",
			60: "d: diffs • enter: row • 1–9: run • ctrl+r: again • esc",
			40: "d • enter • 1–9 • ctrl+r • esc"}[w]
		if want != "" && !strings.Contains(frame, want) {
			t.Errorf("width %d: want %q in\n%s", w, want, frame)
		}
		if w == 80 && (!strings.HasPrefix(lines[0], "Compare · 2 servers · they agree") || !strings.Contains(frame, "(1 command)")) {
			t.Errorf("width 80:\n%s", frame)
		}
	}
}

// A server whose sandbox is up says "running…", not "starting…", while
// its script runs.
func TestCompareViewRunningState(t *testing.T) {
	src := sandboxtest.SpinLua(300*time.Millisecond) + " return 1"
	m := compareModel(t, src, []string{"redis-server", "redis-server"}, nil)
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("v"), Alt: true})
	m = mm.(Model)
	if frame := ansi.Strip(m.View()); strings.Count(frame, "starting…") != 2 {
		t.Errorf("before: want both starting:\n%s", frame)
	}
	started := cmd().(compareStartedMsg)
	m = update(m, started)
	msg := (<-started.ch).(compareServerMsg)
	if msg.server.state != compareRunning || !strings.HasPrefix(msg.server.name, "redis ") {
		t.Fatalf("first message: %+v", msg.server)
	}
	m = update(m, msg)
	frame := ansi.Strip(m.View())
	if !strings.Contains(frame, "running…") || strings.Count(frame, "starting…")+strings.Count(frame, "running…") != 2 {
		t.Errorf("one server up:\n%s", frame)
	}
	for range started.ch {
		// The rest, so that the sandboxes stop before the test ends.
	}
}
