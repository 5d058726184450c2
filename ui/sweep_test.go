package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/examples"
	"luascope/redisx"
	"luascope/redisx/batch"
	"luascope/redisx/ldb"
	"luascope/redisx/sandbox/sandboxtest"
)

// The full sweep: every width and height the design promises to draw.
const (
	sweepMinW, sweepMaxW = minWidth, 200
	sweepMinH, sweepMaxH = minHeight, 60
)

// sweepTooSmall are sizes below the minimum, where the app says
// "terminal too small" instead of drawing.
var sweepTooSmall = [][2]int{{1, 1}, {10, 5}, {minWidth - 1, minHeight}, {minWidth, minHeight - 1}, {minWidth - 1, 60}, {200, minHeight - 1}, {20, 40}}

// sweepEdgeW and sweepEdgeH are where the drawing changes shape: the
// minimum, where the tab bar's long names stop fitting (68 columns with
// seven tabs, 78 with the cluster's eight), the common 80×24, where the
// debugger puts its panes side by side (100) and where the wide layout
// starts (120×35); each with a neighbour. heightsForEveryWidth and
// widthsForEveryHeight are the default sweep's lines through the grid.
var (
	sweepEdgeW           = []int{minWidth, minWidth + 1, 67, 68, 77, 78, 80, 99, 100, wideWidth - 1, wideWidth, wideWidth + 1, sweepMaxW}
	sweepEdgeH           = []int{minHeight, minHeight + 1, 24, wideHeight - 1, wideHeight, sweepMaxH}
	heightsForEveryWidth = []int{minHeight, 24, wideHeight, sweepMaxH}
	widthsForEveryHeight = []int{minWidth, 68, 80, 100, wideWidth, sweepMaxW}
)

// sweepGrid is the sizes a sweep draws. The full grid (every width 40–200
// × every height 12–60: 7,889 frames a state, 56 states, about four
// minutes without the race detector) is LUASCOPE_SWEEP=full. By default
// every width is drawn at four heights and every height at six widths,
// and every pair of edges (about 20s). Under -race only the pairs of edges
// are drawn: the detector finds nothing in a one-goroutine draw loop but
// makes each frame about eight times slower.
func sweepGrid() [][2]int {
	grid := append([][2]int(nil), sweepTooSmall...)
	seen := map[[2]int]bool{}
	add := func(w, h int) {
		if sz := [2]int{w, h}; !seen[sz] {
			seen[sz] = true
			grid = append(grid, sz)
		}
	}
	switch {
	case os.Getenv("LUASCOPE_SWEEP") == "full":
		for w := sweepMinW; w <= sweepMaxW; w++ {
			for h := sweepMinH; h <= sweepMaxH; h++ {
				add(w, h)
			}
		}
	case raceBuild:
		// The pairs of edges only, added below.
	default:
		for _, h := range heightsForEveryWidth {
			for w := sweepMinW; w <= sweepMaxW; w++ {
				add(w, h)
			}
		}
		for _, w := range widthsForEveryHeight {
			for h := sweepMinH; h <= sweepMaxH; h++ {
				add(w, h)
			}
		}
	}
	for _, w := range sweepEdgeW {
		for _, h := range sweepEdgeH {
			add(w, h)
		}
	}
	return grid
}

// sweepShare is state i's share of the full grid when the full grid is
// not drawn for every state: the states take turns, so that every size
// from 40×12 to 200×60 is drawn in every run by one state or another
// (7,889 frames in all, a few seconds). Under -race the share is left to
// `make test`'s separate run without the race detector.
func sweepShare(i, n int) [][2]int {
	if raceBuild || os.Getenv("LUASCOPE_SWEEP") == "full" {
		return nil
	}
	var out [][2]int
	for w := sweepMinW; w <= sweepMaxW; w++ {
		for h := sweepMinH; h <= sweepMaxH; h++ {
			if (w*61+h*7)%n == i {
				out = append(out, [2]int{w, h})
			}
		}
	}
	return out
}

// TestViewSweep renders every pane and overlay the app can show, for a
// standalone server and for a cluster, at the sizes of sweepGrid (every
// width from 40 to 200 and every height from 12 to 60): a frame must
// never panic, never draw a line wider than the terminal, nor more lines
// than it has. The states come from real servers (runs, errors, history,
// libraries, the cluster's topology and the debugger are what a live
// session shows); each is built once, then only resized.
func TestViewSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a standalone server and a 6-node cluster")
	}
	// The sessions' subtests run in parallel, after this function returns.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	srv := sandboxtest.StartT(t)
	cl := sandboxtest.StartClusterT(t)

	grid := sweepGrid()
	sessions := []struct {
		name string
		tg   redisx.Target
	}{
		{"standalone", redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 3}},
		{"cluster", redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Protocol: 2, Cluster: true}},
	}
	for _, sess := range sessions {
		t.Run(sess.name, func(t *testing.T) {
			t.Parallel()
			s, err := redisx.Connect(ctx, sess.tg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			states := sweepStates(t, ctx, s, sess.tg)
			names := make([]string, 0, len(states))
			for n := range states {
				names = append(names, n)
			}
			sort.Strings(names)
			for i, name := range names {
				m := states[name]
				g := append(append([][2]int(nil), grid...), sweepShare(i, len(names))...)
				t.Run(name, func(t *testing.T) { sweepSizes(t, m, g) })
			}
		})
	}
}

// sweepSizes resizes m to every size of grid and checks each frame; it
// stops after a few failures of a state, which repeat otherwise.
func sweepSizes(t *testing.T, m Model, grid [][2]int) {
	t.Helper()
	failures := 0
	for _, sz := range grid {
		if msg := frameProblem(m, sz[0], sz[1]); msg != "" {
			t.Errorf("%d×%d: %s", sz[0], sz[1], msg)
			if failures++; failures == 3 {
				return
			}
		}
	}
}

// frameProblem resizes m and draws one frame, and says what is wrong
// with it ("" when nothing is).
func frameProblem(m Model, w, h int) (problem string) {
	defer func() {
		if p := recover(); p != nil {
			problem = fmt.Sprintf("panic: %v\n%s", p, appFrames(debug.Stack()))
		}
	}()
	// The inner update: Update turns a panic into a clean quit (and a
	// blank frame that would pass every check), which this must see.
	mm, _ := m.update(tea.WindowSizeMsg{Width: w, Height: h})
	v := mm.View()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		return fmt.Sprintf("%d lines, taller than the terminal:\n%s", len(lines), v)
	}
	for i, l := range lines {
		if lw := FrameWidth(l); lw > w {
			return fmt.Sprintf("line %d is %d cells wide:\n%q\n%s", i, lw, l, v)
		}
	}
	return ""
}

// update feeds one message and keeps the root's concrete type.
func update(m Model, msg tea.Msg) Model {
	mm, _ := m.Update(msg)
	return mm.(Model)
}

// pressApp feeds keys to the root, as a person would type them.
func pressApp(m Model, keys ...tea.KeyMsg) Model {
	for _, k := range keys {
		m = update(m, k)
	}
	return m
}

// pressOpen feeds a key that opens a view through a command (the panes
// ask the root for the detail view with a detailOpenMsg) and delivers it.
func pressOpen(m Model, k tea.KeyMsg) Model {
	mm, cmd := m.Update(k)
	m = mm.(Model)
	if cmd != nil {
		if msg, ok := cmd().(detailOpenMsg); ok {
			m = update(m, msg)
		}
	}
	return m
}

// sweepLongScript has lint findings, a long line and enough lines to
// scroll, so the editor's gutter, marks and clipping are all drawn.
const sweepLongScript = `-- a longer script: lint marks, long lines, scrolling
local spare = KEYS[3] -- beyond numkeys: lint warns
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local calls = redis.call('INCR', key)
if calls == 1 then
  redis.call('EXPIRE', key, window)
end
local nested = {calls, {limit, window, {'deep', {'deeper', {'deepest', 3.14159}}}}, 'a string that is much longer than any pane is wide, so that the tree has to clip it somewhere sensible'}
redis.call('HSET', key .. ':meta', 'last', calls, 'limit', limit)
if calls > limit then
  return redis.error_reply('RATELIMIT too many calls: ' .. calls .. ' of ' .. limit)
end
return nested
`

// liveRun runs the editor's script on the real server the way ctrl+r
// does, feeding the steps and the result as the run command would.
func liveRun(t *testing.T, ctx context.Context, m Model) (Model, redisx.Call, redisx.Result) {
	t.Helper()
	keys, args, err := m.form.Values()
	if err != nil {
		t.Fatal(err)
	}
	call := redisx.Call{Script: redisx.NewScript(m.editor.Value()), Keys: keys, Args: args, Strategy: m.strategy, ReadOnly: m.readOnly, Explain: m.explain, Effects: m.explain}
	m.runSeq++
	m.running = true
	m.runStart = time.Now()
	m.trace.StartRun(m.runSeq, string(call.Strategy))
	seq := m.runSeq
	var steps []redisx.Step
	res := m.session.Run(ctx, call, func(st redisx.Step) { steps = append(steps, st) })
	for _, st := range steps {
		m = update(m, stepTracedMsg{seq: seq, step: st})
	}
	m = update(m, runFinishedMsg{seq: seq, call: call, res: res})
	return m, call, res
}

// sweepStates builds every state worth drawing, each once.
func sweepStates(t *testing.T, ctx context.Context, s *redisx.Session, tg redisx.Target) map[string]Model {
	t.Helper()
	cluster := s.Info().Mode == "cluster"
	if _, err := s.Admin(ctx, "SCRIPT", "FLUSH"); err != nil {
		t.Fatal(err)
	}
	base := func(src string) Model {
		m := New(Options{
			Session: s, Target: tg, Theme: monoTheme(t), Label: "sandbox", Explain: true,
			Source: src, Filename: "testdata/a-rather-long-directory-name/limit.lua",
			Keys: []string{"rate:{demo}"}, Args: []string{"5", "60"},
		})
		m = update(m, m.checkCache()())
		return update(m, m.lintNow()())
	}
	states := map[string]Model{}
	states["start"] = base(demoSrc)
	states["start-unsaved-lint"] = pressApp(base(sweepLongScript), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})

	// The lint findings list (alt+l): scrolled to the last of many, empty,
	// and waiting for a lint.
	alt := func(r string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(r), Alt: true} }
	states["lint-list-many"] = pressApp(base(manyFindings(80)), alt("l"), tea.KeyMsg{Type: tea.KeyEnd})
	states["lint-list-empty"] = pressApp(base("return 1\n"), alt("l"))
	states["lint-list-linting"] = pressApp(base(sweepLongScript), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}, alt("l"))

	// A first run with evalsha-load: NOSCRIPT, SCRIPT LOAD, retry.
	ok := base(sweepLongScript)
	ok.explain = false
	ok, call1, res1 := liveRun(t, ctx, ok)
	if res1.Error != nil {
		t.Fatalf("first run: %v", res1.Error.Message)
	}
	for _, id := range []paneID{paneResult, paneTrace, paneForm, paneEditor} {
		m := ok
		m.setFocus(id)
		m.resize()
		states["run-"+id.String()] = m
	}
	zoom := ok
	zoom.setFocus(paneResult)
	zoom = pressApp(zoom, tea.KeyMsg{Type: tea.KeyF11})
	if !zoom.zoom {
		t.Fatal("F11 did not zoom")
	}
	states["run-zoomed"] = zoom

	// "/" in the tree: a match revealed, the bar and its count; the
	// prompt still open; the raw view's search; the help screen's.
	srch := ok
	srch.setFocus(paneResult)
	srch = pressApp(srch, searchTestType("/deep", tea.KeyEnter)...)
	if srch.tree.search.bar.Query() != "deep" || srch.tree.search.bar.total == 0 {
		t.Fatalf("tree search: query %q, %d matches", srch.tree.search.bar.Query(), srch.tree.search.bar.total)
	}
	states["search-Result"] = srch
	states["search-Result-typing"] = pressApp(srch, searchTestType("/longer than any pane is wide, so that")...)
	states["search-raw"] = pressApp(srch, searchTestType("r/deep", tea.KeyEnter)...)
	states["search-help"] = pressApp(srch, append([]tea.KeyMsg{{Type: tea.KeyF1}}, searchTestType("/select", tea.KeyEnter)...)...)

	// Explain mode with effects: the tree annotates every node.
	ex := base(sweepLongScript)
	ex, _, resEx := liveRun(t, ctx, ex)
	if resEx.Explain == nil {
		t.Fatal("explain run without an explanation")
	}
	ex.setFocus(paneResult)
	states["explain-Result"] = ex

	// An error the script returns, then a runtime error with a line.
	for i := 0; i < 6; i++ {
		ok, _, _ = liveRun(t, ctx, ok)
	}
	ok.setFocus(paneError)
	states["script-error"] = ok
	bad := base("local x = nil\nreturn x.field -- attempt to index a nil value\n")
	bad, call2, res2 := liveRun(t, ctx, bad)
	if res2.Error == nil {
		t.Fatal("a runtime error did not classify")
	}
	bad.setFocus(paneError)
	states["runtime-error"] = bad

	// History with real entries, filtered and not.
	hist := base(demoSrc)
	entries := []historyEntryRun{{call1, res1}, {call2, res2}}
	loaded := historyLoadedMsg{}
	for i := 0; i < 30; i++ {
		e := entries[i%len(entries)]
		loaded.entries = append(loaded.entries, HistoryEntry(s, "sandbox", e.call, e.res))
	}
	hist = update(hist, loaded)
	hist.setFocus(paneHistory)
	hist.resize()
	states["history"] = hist
	states["history-filter"] = pressApp(hist, searchTestType("/class:runtime")...)

	// Functions: a real library.
	lib := "#!lua name=sweeplib\nredis.register_function{function_name='hello', callback=function(keys, args) return 'hello ' .. (args[1] or '') end, flags={'no-writes'}, description='greets whoever is named in ARGV[1], a description long enough to wrap'}\nredis.register_function('bump', function(keys) return redis.call('incr', keys[1]) end)"
	if v, err := s.Admin(ctx, "FUNCTION", "LOAD", "REPLACE", lib); err != nil || v.Kind == 0 {
		t.Fatalf("FUNCTION LOAD: %v %v", v, err)
	}
	fns := base(demoSrc)
	fns = update(fns, librariesCmd(s)())
	fns.setFocus(paneFunctions)
	fns.resize()
	states["functions"] = fns
	picked := update(fns, functionPickedMsg{name: "hello", flags: []string{"no-writes"}})
	states["functions-picked"] = picked

	if cluster {
		c := base(demoSrc)
		c = update(c, topologyCmd(s)())
		c = update(c, nodeCacheCmd(s, shaJob{sha: redisx.SHA1(c.sentSource())})())
		if c.clus.top == nil {
			t.Fatal("no cluster topology")
		}
		c.setFocus(paneCluster)
		c.resize()
		states["cluster"] = c
		c.form.SetValues([]string{"user:{42}", "other", "third:{x}"}, []string{"1"})
		c.syncClusterKeys()
		states["cluster-crossslot"] = c
	}

	// Overlays over a state with something in every pane.
	help := ok
	help.overlays.push(&helpScreen{})
	states["help"] = help
	scrolled := ok
	scrolled.overlays.push(&helpScreen{top: 30})
	states["help-scrolled"] = scrolled

	// The detail view of a trace step, a result row with explain mode's
	// note and an error; the trace with its cursor moved and a search.
	tc := ok
	tc.setFocus(paneTrace)
	tc.resize()
	tc = pressApp(tc, tea.KeyMsg{Type: tea.KeyUp}, tea.KeyMsg{Type: tea.KeyUp})
	states["trace-cursor"] = tc
	ts := pressApp(tc, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/")}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("evalsha")})
	states["trace-search-typing"] = ts
	states["trace-search-kept"] = pressApp(ts, tea.KeyMsg{Type: tea.KeyEnter}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")})
	for name, m := range map[string]Model{
		"detail-trace-step": pressOpen(tc, tea.KeyMsg{Type: tea.KeyEnter}),
		"detail-result-row": pressOpen(pressApp(ex, tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyDown}), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("i")}),
		"detail-error":      pressOpen(bad, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("i")}),
	} {
		if m.detail() == nil {
			t.Fatalf("%s: no detail view", name)
		}
		states[name] = m
	}
	scrolledDetail := pressApp(states["detail-trace-step"], tea.KeyMsg{Type: tea.KeyPgDown})
	states["detail-scrolled"] = scrolledDetail

	q := ok
	q.editor.ReplaceAll(q.editor.Value() + "\n-- unsaved")
	q.running = true
	q = pressApp(q, tea.KeyMsg{Type: tea.KeyCtrlC})
	if q.dlg() == nil {
		t.Fatal("ctrl+c with unsaved edits and a run asked nothing")
	}
	states["dialog-quit-running"] = q

	typed := ok
	typed.overlays.push(newTyped("The script cannot be killed",
		"It has already written, so SCRIPT KILL is refused (UNKILLABLE): killing it would leave half its writes. "+
			"You can wait for it, or stop the server without saving with SHUTDOWN NOSAVE — every change since the last save is lost and clients are disconnected. "+
			"Type SHUTDOWN NOSAVE to send it, esc to cancel.", "SHUTDOWN NOSAVE", nil))
	states["dialog-typed"] = typed

	prod := New(Options{
		Session: s, Target: tg, Theme: monoTheme(t), Label: "production-eu-west-1-primary", Production: true, ReadOnly: true,
		Source: demoSrc, Keys: []string{"rate:{demo}"}, Args: []string{"5", "60"},
	})
	prod.setStatus("read-only was set by --ro or the connection's config; it cannot be turned off here, and this message is long", true)
	states["production-status"] = prod

	open := pressApp(ok, tea.KeyMsg{Type: tea.KeyCtrlO})
	if open.prompt() == nil && open.dlg() == nil {
		t.Fatal("ctrl+o opened nothing")
	}
	states["prompt-open"] = open
	batchPrompt := ok
	batchPrompt.overlays.push(newPrompt("Batch: file with one KEY … , ARG … line per call", strings.Repeat("/very/long/path", 10), nil))
	states["prompt-batch"] = batchPrompt

	gal := pressApp(base(""), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("g"), Alt: true})
	if gal.gallery() == nil {
		t.Fatal("alt+g opened no gallery")
	}
	states["gallery"] = gal
	gal.gallery().cursor = len(examples.All()) - 1
	states["gallery-last"] = gal

	// A real batch report, with failing lines.
	var in strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&in, "sweep:{%d} , %d\n", i%4, i)
	}
	in.WriteString("a line , with , two commas\n")
	rep, err := batch.Run(ctx, s, redisx.NewScript("return redis.call('incrby', KEYS[1], ARGV[1])"), strings.NewReader(in.String()), batch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rb strings.Builder
	_ = rep.WriteText(&rb)
	report := update(ok, batchFinishedMsg{report: rb.String() + strings.Repeat("a report line long enough to wrap in a narrow terminal, and then some more\n", 30), code: rep.ExitCode()})
	states["batch-report"] = report

	// The debugger on a real forked session, stopped after a step.
	dbg := base(sweepLongScript)
	dbg, _ = startDebugNow(t, dbg)
	states["debugger"] = dbg
	dp := pressApp(dbg, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")})
	states["debugger-prompt"] = dp
	dd := dbg
	dd.overlays.push(newConfirm("Quit", "The script has unsaved changes. Quit anyway?", nil))
	states["debugger-dialog"] = dd

	// The Compare view: a finished comparison whose rows scroll, the
	// selected one shown whole below; one still running; one that could
	// not start (notes only).
	cmp := base(sweepLongScript)
	cmp.opts.Sandbox, cmp.opts.CompareServers = true, []string{"redis-server", "redis-server"}
	states["compare-rows"] = pressApp(openCompareNow(t, cmp), tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyDown})
	cmpRun, _ := cmp.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("v"), Alt: true})
	states["compare-running"] = cmpRun.(Model)
	cmpNo := base(sweepLongScript)
	cmpNo.opts.CompareServers = []string{"redis-server"}
	states["compare-notes"] = openCompareNow(t, cmpNo)

	// The Tests view: cases listed with a failure's diff below, and one
	// case shown whole over it; and the note of a script without test
	// files.
	tdir := t.TempDir()
	tscript := filepath.Join(tdir, "limit.lua")
	if err := os.WriteFile(tscript, []byte(sweepLongScript), 0o644); err != nil {
		t.Fatal(err)
	}
	var tcases strings.Builder
	tcases.WriteString("script = \"limit.lua\"\n")
	for i := range 30 {
		fmt.Fprintf(&tcases, "[[case]]\nname = \"case %d with a rather long name that a narrow terminal cuts\"\nkeys = [\"rate:{demo}\"]\nargs = [\"5\", \"60\"]\nexpect = \"(integer) %d\"\n", i, i)
	}
	if err := os.WriteFile(filepath.Join(tdir, "limit.test.toml"), []byte(tcases.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tst := base(sweepLongScript)
	tst.editor.SetFilename(tscript)
	tm, tcmd := tst.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true})
	states["tests-results"] = drain(t, tm.(Model), tcmd)
	// enter: the selected case whole, in the detail box over the view.
	states["tests-case"] = pressApp(states["tests-results"], tea.KeyMsg{Type: tea.KeyEnter})
	states["tests-notes"] = pressApp(base(sweepLongScript), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true})

	running := ok
	running.running = true
	running.runStart = time.Now().Add(-90 * time.Second)
	states["running"] = running
	return states
}

type historyEntryRun struct {
	call redisx.Call
	res  redisx.Result
}

// startDebugNow opens the debugger on the editor's script as F9 does and
// waits for its first stop and its locals, then steps once.
func startDebugNow(t *testing.T, m Model) (Model, *ldb.Session) {
	t.Helper()
	mm, cmd := m.startDebug(ldb.ModeFork)
	m = mm.(Model)
	started := cmd().(debugStartedMsg)
	if started.err != nil {
		t.Fatalf("debugger: %v", started.err)
	}
	t.Cleanup(func() { _ = started.s.Close() })
	mm, cmd = m.Update(started)
	m = mm.(Model)
	if cmd != nil {
		m = update(m, cmd())
	}
	mm, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")})
	m = mm.(Model)
	m = update(m, cmd())
	return m, started.s
}

// appFrames keeps the app's own lines of a stack, which say where a
// panic happened without the runtime's and the test's frames.
func appFrames(stack []byte) string {
	var out []string
	lines := strings.Split(string(stack), "\n")
	for i := 0; i+1 < len(lines); i++ {
		if strings.HasPrefix(lines[i], "luascope/ui.") && !strings.Contains(lines[i], "_test") &&
			!strings.Contains(lines[i+1], "_test.go") {
			fn, _, _ := strings.Cut(lines[i], "(")
			out = append(out, fn+" "+strings.TrimSpace(lines[i+1]))
		}
	}
	return strings.Join(out, "\n")
}
