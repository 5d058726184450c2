package ui

// The Compare view (alt+v): the editor's script, with the form's keys and
// args and the run's options, run on a fresh sandbox of each server binary
// this machine has (and on the current connection when it is read-only),
// then every path of the runs side by side, the rows that differ
// highlighted. It is `luascope compare` in the terminal UI: the same
// engine (redisx/compare), the same sandboxes, the same safety rules.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/examples"
	"luascope/redisx"
	"luascope/redisx/compare"
	"luascope/redisx/ldb"
	"luascope/redisx/lint"
	"luascope/redisx/sandbox"
)

// The Compare view's bindings: compareKey opens (and closes) it; inside,
// compareDiffsKey shows only the rows that differ (or all again),
// compareAgainKey runs the comparison again (the script may have
// changed), enter opens the selected row whole and 1–9 a server's run.
var (
	compareKey      = key.NewBinding(key.WithKeys("alt+v"), key.WithHelp("alt+v", "compare on several servers"))
	compareDiffsKey = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "only the rows that differ / all rows"))
	compareAgainKey = key.NewBinding(key.WithKeys("ctrl+r", "f5"), key.WithHelp("ctrl+r", "compare again"))
	compareOpenKey  = key.NewBinding(key.WithKeys("enter", "i"), key.WithHelp("enter", "the row whole"))
	compareRunKey   = key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1–9", "that server's whole run"))
)

// compareMaxRows bounds the table of a comparison (compare.Table): a
// million-element reply is a table of its first rows, every difference
// still counted.
const compareMaxRows = 5000

// compareState is where one server of a comparison is.
type compareState int

const (
	comparePending compareState = iota // its sandbox is starting
	compareDone
	compareFailed
	compareRunning // up (setup done): the script is on its way
)

// compareServer is one server of the Compare view.
type compareServer struct {
	bin    string // a sandbox's binary; "" for the current connection
	name   string // "redis 7.0.15" once known, else the binary's name
	state  compareState
	err    string // why it failed, printable
	took   time.Duration
	report redisx.Report
}

// compareView is the Compare layer: the servers, then the table.
type compareView struct {
	seq     int
	servers []compareServer
	notes   []string // what the comparison did or left out, printable
	running bool
	cancel  context.CancelFunc
	ch      chan tea.Msg // the running comparison's results

	rows      []compare.Row
	dropped   int
	diffs     int
	onlyDiffs bool
	cursor    int // index into visible()
	top       int
}

// Messages of a comparison: started (the channel the servers' results
// come back on), one server finished, all finished with the table.
type (
	compareStartedMsg struct {
		seq int
		ch  chan tea.Msg
	}
	compareServerMsg struct {
		seq    int
		i      int
		server compareServer
	}
	compareFinishedMsg struct {
		seq            int
		rows           []compare.Row
		dropped, diffs int
	}
)

// compareSeq numbers comparisons, so that a closed view's late results
// are dropped. Atomic: several programs (tests) may run in one process.
var compareSeq atomic.Int64

// openCompare builds the call as ctrl+r would and starts the comparison.
func (m Model) openCompare() (Model, tea.Cmd) {
	v := &compareView{}
	reopen(&m, v)
	return m.startCompare(v)
}

// startCompare (re)starts the comparison of v with the editor's script.
func (m Model) startCompare(v *compareView) (Model, tea.Cmd) {
	if v.cancel != nil {
		v.cancel()
	}
	*v = compareView{seq: int(compareSeq.Add(1)), onlyDiffs: v.onlyDiffs}
	keys, args, err := m.form.Values()
	src := m.editor.Value()
	switch {
	case err != nil:
		v.notes = append(v.notes, sanitize(err.Error()))
		return m, nil
	case m.function == "" && strings.TrimSpace(src) == "":
		v.notes = append(v.notes, "the script is empty")
		return m, nil
	}
	call := redisx.Call{Script: m.scriptToSend(src), Keys: keys, Args: args, Strategy: m.strategy, ReadOnly: m.readOnly, Explain: m.explain, Effects: m.explain}
	if m.function != "" {
		// FCALL: each sandbox loads the library first — the editor's
		// when it holds one, else the server's copy.
		lib := src
		if !ldb.IsLibrary(lib) {
			lib = m.fns.libraryOf(m.function)
		}
		if lib == "" {
			v.notes = append(v.notes, "function "+sanitize(m.function)+": its library is neither in the editor nor in the Functions pane's list (ctrl+b loads it): the sandboxes would not have it")
			return m, nil
		}
		call = redisx.Call{Function: m.function, Library: lib, Keys: keys, Args: args, ReadOnly: m.readOnly, Effects: m.explain}
		v.notes = append(v.notes, "FCALL "+sanitize(m.function)+": each sandbox loads the library first (FUNCTION LOAD REPLACE)")
	}
	for _, b := range m.opts.CompareServers {
		v.servers = append(v.servers, compareServer{bin: b, name: filepath.Base(b)})
	}
	// The current connection takes part only when the script cannot
	// write there (read-only), and never on production: comparing is no
	// reason to touch a real server unasked (luascope compare --yes).
	var current *redisx.Session
	switch {
	case m.session == nil || m.opts.Sandbox:
		// The sandbox's binary is among the fresh ones.
	case m.opts.Production:
		v.notes = append(v.notes, "not on "+sanitize(m.target.String())+": labelled production (luascope compare --connection NAME --yes runs there)")
	case !m.readOnly:
		v.notes = append(v.notes, "not on "+sanitize(m.target.String())+": the script may write there ("+m.c.Keys.ReadOnly.Help().Key+": read-only, then "+compareKey.Help().Key+" includes it)")
	default:
		current = m.session
		v.servers = append(v.servers, compareServer{name: "this connection"})
	}
	ex := m.example
	if ex != nil && len(ex.Setup) > 0 {
		v.notes = append(v.notes, fmt.Sprintf("each sandbox gets example %s's setup (%s) first; the connection does not", sanitize(ex.Name), plural(len(ex.Setup), "command")))
	} else {
		ex = nil
	}
	if len(v.servers) < 2 {
		v.notes = append(v.notes, fmt.Sprintf("%d server found: a comparison needs two or more. `make servers` (tools/servers.sh) installs Redis 8.0 and Valkey 8.1 under %s; compare_servers = [\"/path/to/redis-server\", …] in the config names others", len(v.servers), sanitize(filepath.Join(sandbox.ServersDir(), "bin"))))
		v.servers = nil
		return m, nil
	}
	proto := m.target.Protocol
	if m.session != nil {
		proto = m.session.Info().Protocol
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel, v.running = cancel, true
	return m, compareCmd(ctx, v.seq, v.servers, current, call, proto, ex)
}

// compareCmd runs the comparison off the UI goroutine: every server at
// once, each result sent as it comes, then the table.
func compareCmd(ctx context.Context, seq int, servers []compareServer, current *redisx.Session, call redisx.Call, proto int, ex *examples.Example) tea.Cmd {
	servers = append([]compareServer(nil), servers...)
	return func() tea.Msg {
		// Room for every message (up, a result and a panic per server,
		// the table), so that a closed view, which reads no more, never
		// blocks the goroutines.
		ch := make(chan tea.Msg, 3*len(servers)+2)
		go func() {
			defer close(ch)
			defer recoverInto(ch)
			if call.Function == "" {
				call.Script = call.Script.Hashed() // startCompare may leave a big script to hash here
			}
			var wg sync.WaitGroup
			for i := range servers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer recoverInto(ch)
					up := func(s compareServer) { ch <- compareServerMsg{seq: seq, i: i, server: s} }
					servers[i] = compareOne(ctx, servers[i], current, call, proto, ex, up)
					ch <- compareServerMsg{seq: seq, i: i, server: servers[i]}
				}()
			}
			wg.Wait()
			var runs []compare.Run
			for _, s := range servers {
				if s.state == compareDone {
					runs = append(runs, compare.Run{Name: s.name, Report: s.report})
				}
			}
			msg := compareFinishedMsg{seq: seq}
			if len(runs) > 0 {
				msg.rows, msg.dropped, msg.diffs = compare.Table(runs, compareMaxRows)
			}
			ch <- msg
		}()
		return compareStartedMsg{seq: seq, ch: ch}
	}
}

// compareOne runs the call on one server: a fresh sandbox of its binary
// (the example's setup first), or the current, read-only connection. It
// calls up once the server is ready and the script about to be sent.
func compareOne(ctx context.Context, s compareServer, current *redisx.Session, call redisx.Call, proto int, ex *examples.Example, up func(compareServer)) compareServer {
	start := time.Now()
	fail := func(err error) compareServer {
		s.state, s.err, s.took = compareFailed, sanitize(err.Error()), time.Since(start)
		return s
	}
	sess := current
	if s.bin != "" {
		srv, err := sandbox.Start(ctx, sandbox.Options{Binary: s.bin})
		if err != nil {
			return fail(err)
		}
		defer srv.Stop()
		t := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: proto, Label: "sandbox", Timeout: 5 * time.Second}
		if sess, err = redisx.Connect(ctx, t); err != nil {
			return fail(err)
		}
		defer sess.Close()
		if call.Library != "" {
			// The sandbox's setup, like the example's: the sandbox is
			// private, and the run stays the FCALL (or FCALL_RO) alone.
			if err := sess.LoadLibrary(ctx, call.Library); err != nil {
				return fail(fmt.Errorf("load the library: %w", err))
			}
		}
		if ex != nil {
			if err := examples.Prepare(ctx, sess, *ex); err != nil {
				return fail(err)
			}
		}
		// As on the connection ctrl+r runs on: read-only there, here.
		sess.SetReadOnly(call.ReadOnly)
	} else if call.Function == "" && lint.MayBlock(call.Script.Source) {
		// The guard of protected connections, as ctrl+r applies it: a
		// script that crashes the server (error({})) is not sent there.
		found := lint.Lint(call.Script.Source, lint.Options{NumKeys: len(call.Keys), ReadOnly: true, Production: true})
		if b := lint.Blocking(found, true); len(b) > 0 {
			return fail(fmt.Errorf("not sent: line %d: %s", b[0].Line, b[0].Message))
		}
	}
	info := sess.Info()
	if s.bin != "" {
		s.name = info.Flavor + " " + info.Version
	} else {
		s.name = "this connection (" + info.Flavor + " " + info.Version + ")"
	}
	// Loaded above on a sandbox; the connection has its own copy.
	call.Library = ""
	s.state = compareRunning
	up(s)
	res := sess.Run(ctx, call, nil)
	if errors.Is(ctx.Err(), context.Canceled) {
		return fail(errors.New("cancelled"))
	}
	if why := res.NotSent(); why != "" {
		// Refused before any round trip (keys of two cluster slots): a
		// server that ran nothing has nothing to agree on.
		return fail(errors.New("did not run the script: " + why))
	}
	s.state, s.took = compareDone, time.Since(start)
	s.report = redisx.NewReport(sess, call, res)
	return s
}

// updateCompare takes a comparison's messages; those of a closed or
// restarted view are dropped (its goroutines stop with their context).
func (m Model) updateCompare(msg tea.Msg) (tea.Model, tea.Cmd) {
	v, ok := topOf[*compareView](m.overlays)
	switch msg := msg.(type) {
	case compareStartedMsg:
		if !ok || msg.seq != v.seq {
			return m, nil // its goroutines stop with their context
		}
		v.ch = msg.ch
		return m, waitRunCmd(v.ch)
	case compareServerMsg:
		if ok && msg.seq == v.seq && msg.i < len(v.servers) {
			v.servers[msg.i] = msg.server
			return m, waitRunCmd(v.ch)
		}
	case compareFinishedMsg:
		if ok && msg.seq == v.seq {
			v.running, v.cancel, v.ch = false, nil, nil
			v.rows, v.dropped, v.diffs = msg.rows, msg.dropped, msg.diffs
			v.cursor, v.top = 0, 0
			return m, releaseMemoryCmd()
		}
	}
	return m, nil
}

// visible is the rows the table lists: all, or only the differing ones.
func (v *compareView) visible() []int {
	idx := make([]int, 0, len(v.rows))
	for i, r := range v.rows {
		if !v.onlyDiffs || r.Differs {
			idx = append(idx, i)
		}
	}
	return idx
}

func (v *compareView) fullScreen() bool { return true }

func (v *compareView) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	k := m.c.Keys
	n := len(v.visible())
	page := max(1, m.compareTableHeight(v)-1)
	switch {
	case km.Type == tea.KeyEsc || key.Matches(km, compareKey, k.Quit):
		if v.cancel != nil {
			v.cancel()
		}
		m.overlays.remove(v)
		return m, nil
	case key.Matches(km, compareAgainKey):
		return m.startCompare(v)
	case key.Matches(km, compareDiffsKey):
		// Keep the selected row when it stays listed.
		cur := -1
		if vis := v.visible(); v.cursor < len(vis) {
			cur = vis[v.cursor]
		}
		v.onlyDiffs = !v.onlyDiffs
		v.cursor, v.top = 0, 0
		for i, r := range v.visible() {
			if r >= cur {
				v.cursor = i
				break
			}
		}
	case key.Matches(km, compareOpenKey):
		if vis := v.visible(); v.cursor < len(vis) {
			m.overlays.push(&detailView{doc: v.rowDoc(v.rows[vis[v.cursor]])})
		}
	case key.Matches(km, compareRunKey):
		i, _ := strconv.Atoi(km.String())
		if i >= 1 && i <= len(v.servers) {
			m.overlays.push(&detailView{doc: v.serverDoc(i - 1)})
		}
	default:
		v.cursor = moveCursor(k, km, v.cursor, n, page)
	}
	v.cursor = max(0, min(v.cursor, n-1))
	return m, nil
}

// rowDoc is one row whole, for the detail view: each server's value.
func (v *compareView) rowDoc(r compare.Row) detailDoc {
	d := detailDoc{title: "Compare: " + sanitize(r.Path), what: "the row"}
	d.add("path", sanitize(r.Path))
	verdict := "the servers agree"
	if r.Differs {
		verdict = "the servers differ"
	}
	d.add("", verdict)
	done := v.doneServers()
	for i, val := range r.Values {
		if i < len(done) {
			d.add(strconv.Itoa(done[i]+1)+" "+sanitize(v.servers[done[i]].name), val)
		}
	}
	return d
}

// serverDoc is one server's whole run as `luascope run` prints it.
func (v *compareView) serverDoc(i int) detailDoc {
	s := v.servers[i]
	d := detailDoc{title: "Compare: " + sanitize(s.name), what: "the run"}
	where := s.bin
	if where == "" {
		where = "the current connection"
	}
	d.add("server", sanitize(s.name))
	d.add("binary", sanitize(where))
	switch s.state {
	case comparePending:
		d.add("", "starting")
	case compareRunning:
		d.add("", "still running")
	case compareFailed:
		d.add("failed", s.err)
	default:
		var b strings.Builder
		if err := s.report.WriteText(&b, false); err != nil {
			d.add("failed", sanitize(err.Error()))
		}
		d.add("run", strings.TrimRight(b.String(), "\n"))
	}
	return d
}

// doneServers are the indexes of the servers whose runs the table has,
// in its column order.
func (v *compareView) doneServers() []int {
	var idx []int
	for i, s := range v.servers {
		if s.state == compareDone {
			idx = append(idx, i)
		}
	}
	return idx
}

func (v *compareView) draw(m Model, _ string) string { return m.compareViewText(v) }

// compareHead is the lines above the table: title, servers, notes.
func (m Model) compareHead(v *compareView) []string {
	title := "Compare"
	switch {
	case v.running:
		title += fmt.Sprintf(" · running on %d servers…", len(v.servers))
	case len(v.servers) > 0:
		done := len(v.doneServers())
		failed := len(v.servers) - done
		verdict := plural(v.diffs, "difference")
		switch {
		case failed > 0 && done < 2:
			// A server that ran nothing agrees with nothing.
			title += fmt.Sprintf(" · not compared: %d of %d failed", failed, len(v.servers))
		case failed > 0 && v.diffs == 0:
			title += fmt.Sprintf(" · %d failed · the other %d agree", failed, done)
		case failed > 0:
			title += fmt.Sprintf(" · %d failed · %s among the other %d", failed, verdict, done)
		case v.diffs == 0:
			title += fmt.Sprintf(" · %d servers · they agree", done)
		default:
			title += fmt.Sprintf(" · %d servers · %s", done, verdict)
		}
	}
	var lines []string
	head := m.st.dialogTitle.Render(title)
	if hint := compareHint(compareHints[:2], m.w-ansi.StringWidth(head)-2); hint != "" {
		lines = []string{head + m.st.muted.Render("  "+hint)}
	} else {
		// Too narrow for both: the keys on a line of their own, in
		// words while they fit.
		hint = compareHint(compareHints, m.w)
		if hint == "" {
			hint = ansi.Truncate(compareHints[len(compareHints)-1], max(1, m.w), "…")
		}
		lines = []string{head, m.st.muted.Render(hint)}
	}
	for i, s := range v.servers {
		state := m.st.muted.Render("starting…")
		switch s.state {
		case compareRunning:
			state = m.st.muted.Render("running…")
		case compareDone:
			state = m.st.ok.Render(fmt.Sprintf("done in %d ms", s.took.Milliseconds()))
			if s.report.Error != nil {
				state += m.st.muted.Render(" (error reply)")
			}
		case compareFailed:
			state = m.st.errText.Render("failed: " + s.err)
		}
		where := s.bin
		if where == "" {
			where = m.target.String()
		}
		lines = append(lines, fmt.Sprintf("%d %s  %s  %s", i+1, m.st.accent.Render(sanitize(s.name)), m.st.muted.Render(sanitize(where)), state))
	}
	for _, n := range v.notes {
		// Wrapped: a note is a sentence, cut it would lose its advice.
		for _, l := range wrap(n, max(10, m.w)) {
			lines = append(lines, m.st.warn.Render(l))
		}
	}
	return lines
}

// compareHints are the Compare view's keys, from the whole wording to the
// keys alone: the head shows the longest that fits, so that esc is never
// cut away.
var compareHints = []string{
	"↑↓ • d: differences only • enter: row • 1–9: a run • ctrl+r: again • esc",
	"d: differences only • enter: row • 1–9: a run • ctrl+r: again • esc",
	"d: diffs • enter: row • 1–9: run • ctrl+r: again • esc",
	"d • enter • 1–9 • ctrl+r • esc",
}

// compareHint is the longest of hints that fits in w columns, or "" when
// none does.
func compareHint(hints []string, w int) string {
	for _, h := range hints {
		if ansi.StringWidth(h) <= w {
			return h
		}
	}
	return ""
}

// compareTableHeight is how many lines the table gets (header included).
func (m Model) compareTableHeight(v *compareView) int {
	head := len(m.compareHead(v))
	detail := min(1+len(v.doneServers()), max(0, (m.h-head)/3))
	return max(1, m.h-head-detail-1)
}

// compareViewText draws the whole screen: the head, the table of the
// visible rows (only those on screen are rendered), the selected row.
func (m Model) compareViewText(v *compareView) string {
	w, h := m.w, m.h
	lines := m.compareHead(v)
	if len(lines) >= h {
		// A tiny terminal: the head alone, cut; the table needs a line.
		lines = lines[:max(1, h-1)]
	}
	done := v.doneServers()
	vis := v.visible()
	if len(done) > 0 && len(lines) < h-1 {
		tableH := m.compareTableHeight(v)
		tableH = min(tableH, h-len(lines)-1)
		lines = append(lines, m.compareTable(v, done, vis, w, tableH)...)
		if len(vis) > 0 && v.cursor < len(vis) {
			r := v.rows[vis[v.cursor]]
			room := h - len(lines)
			if room > 1 {
				lines = append(lines, m.st.muted.Render(strings.Repeat("─", w)))
				room--
				// Whole, wrapped to the width (a value is at most 200 runes).
				detail := []string{m.st.accent.Render(sanitize(r.Path))}
				for i, val := range r.Values {
					if i < len(done) {
						detail = append(detail, wrap(fmt.Sprintf("%d %s", done[i]+1, val), max(10, w))...)
					}
				}
				if len(detail) > room {
					detail = detail[:room]
				}
				lines = append(lines, detail...)
			}
		}
	}
	return fitLines(lines, w, h)
}

// compareTable draws the table's header and its rows from v.top: the
// path, then a column per server; rows that differ are marked ≠ and
// drawn in the warning style, the selected one reversed.
func (m Model) compareTable(v *compareView, done, vis []int, w, h int) []string {
	if h < 1 {
		return nil
	}
	pathW := 4
	for _, i := range vis[v.top:min(len(vis), v.top+h)] {
		pathW = max(pathW, ansi.StringWidth(v.rows[i].Path))
	}
	pathW = min(pathW, max(6, w/4))
	colW := max(1, (w-2-pathW-3*len(done))/max(1, len(done)))
	cell := func(s string, cw int) string {
		if ansi.StringWidth(s) > cw {
			s = ansi.Truncate(s, max(0, cw-1), "") + "…"
		}
		return s + strings.Repeat(" ", max(0, cw-ansi.StringWidth(s)))
	}
	header := "  " + cell("path", pathW)
	for _, i := range done {
		header += " │ " + cell(fmt.Sprintf("%d %s", i+1, sanitize(v.servers[i].name)), colW)
	}
	out := []string{m.st.muted.Render(ansi.Truncate(header, w, ""))}
	if len(vis) == 0 {
		msg := "no rows"
		if v.onlyDiffs {
			msg = "no differences (d: all rows)"
		}
		return append(out, m.st.muted.Render(msg))
	}
	rows := h - 1
	more := ""
	if v.dropped > 0 && rows > 1 {
		more = fmt.Sprintf("… and %d more rows not listed (luascope compare prints every difference)", v.dropped)
		rows--
	}
	if v.cursor < v.top {
		v.top = v.cursor
	}
	if v.cursor >= v.top+rows {
		v.top = v.cursor - rows + 1
	}
	v.top = max(0, min(v.top, len(vis)-rows))
	for j := v.top; j < len(vis) && j < v.top+rows; j++ {
		r := v.rows[vis[j]]
		mark := "  "
		if r.Differs {
			mark = "≠ "
		}
		line := mark + cell(r.Path, pathW)
		for _, val := range r.Values {
			line += " │ " + cell(val, colW)
		}
		line = ansi.Truncate(line, w, "")
		switch {
		case j == v.cursor:
			line = m.st.accent.Reverse(true).Render(line)
		case r.Differs:
			line = m.st.warn.Bold(true).Render(line)
		}
		out = append(out, line)
	}
	if more != "" {
		out = append(out, m.st.muted.Render(ansi.Truncate(more, w, "")))
	}
	return out
}
