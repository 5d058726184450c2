package ui

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"luascope/redisx"
	"luascope/redisx/ldb"
	"luascope/redisx/resp"
)

// Debug keys mirror LDB's own command letters, so redis-cli --ldb users
// feel at home, plus the F-keys of graphical debuggers.
var (
	dbgStep     = key.NewBinding(key.WithKeys("s", "n", "f10"), key.WithHelp("s/n/F10", "step"))
	dbgContinue = key.NewBinding(key.WithKeys("c", "f5"), key.WithHelp("c/F5", "continue"))
	dbgBreak    = key.NewBinding(key.WithKeys("b", "f9"), key.WithHelp("b/F9", "breakpoint on the cursor line"))
	dbgPrint    = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "print a variable"))
	dbgEval     = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "eval Lua"))
	dbgRedis    = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run a Redis command"))
	dbgMaxLen   = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "maxlen"))
	dbgAbort    = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "abort"))
	dbgLeave    = key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", "leave the debugger"))
	// debugKey opens the debugger from anywhere.
	debugKey = key.NewBinding(key.WithKeys("f9"), key.WithHelp("F9", "debug the script (LDB)"))
	// debugSyncKey debugs in SYNC mode (writes kept), after a typed yes.
	debugSyncKey = key.NewBinding(key.WithKeys("alt+f9"), key.WithHelp("alt+F9", "debug in SYNC mode (asks)"))
)

// Messages of the debugger.
type (
	debugStartedMsg struct {
		s   *ldb.Session
		ev  ldb.Event
		err error
	}
	debugEventMsg struct {
		what string
		ev   ldb.Event
		err  error
		// refused says why read-only did not send the command at all.
		refused string
	}
	debugVarsMsg struct {
		vars []ldb.Var
		err  error
	}
)

// debugState is the debugger view: the source with the current line and
// breakpoints, the locals, and the log of what the script sent to Redis.
type debugState struct {
	s      *ldb.Session
	mode   ldb.Mode
	source []string
	line   int // current line, 0 before the first stop
	cursor int // 1-based line the breakpoint key acts on
	breaks map[int]bool
	vars   []ldb.Var
	log    []string // escaped lines: <redis>, <reply>, <debug>, <value>, results of e/r/p
	busy   string   // the action waiting for the server ("continue…")
	// queue holds keys typed while busy, replayed in order when the server
	// answers: LDB takes one command at a time, and "b" then "c" typed
	// quickly must set the breakpoint before continuing, not race it.
	queue    []tea.KeyMsg
	ended    bool
	final    *resp.Value
	top      int
	starting bool
	st       debugStyles // built when the debugger opens and on a theme switch
	// library is the library's lines when a function is debugged
	// (ldb.LibraryScript), function its name; nil for a script.
	library  []string
	function string
}

type debugStyles struct {
	cur, brk, gutter, muted, head, err lipgloss.Style
}

func newDebugStyles(c *Common) debugStyles {
	t := c.Theme
	return debugStyles{
		cur:    lipgloss.NewStyle().Reverse(true).Bold(true),
		brk:    lipgloss.NewStyle().Foreground(color(t.Error)).Bold(true),
		gutter: lipgloss.NewStyle().Foreground(color(t.Gutter)),
		muted:  lipgloss.NewStyle().Foreground(color(t.Muted)),
		head:   lipgloss.NewStyle().Foreground(color(t.Accent)).Bold(true),
		err:    lipgloss.NewStyle().Foreground(color(t.Error)),
	}
}

// debugTarget is where the debugging connection goes: in a cluster the
// node serving the first key (LDB runs on one node), else the server.
func debugTarget(s *redisx.Session, keys []string) string {
	if len(keys) == 0 {
		return s.Target().Addr
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.KeyNode(ctx, keys[0])
}

func debugStartCmd(s *redisx.Session, mode ldb.Mode, src string, keys, args []string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		d, ev, err := ldb.Start(ctx, ldb.Options{Target: s.Target(), Addr: debugTarget(s, keys), Mode: mode, Script: src, Keys: keys, Args: args})
		return debugStartedMsg{s: d, ev: ev, err: err}
	}
}

// debugDo runs one debugger command in the background. step and continue
// wait for the next stop, which may take as long as the script runs.
func debugDo(what string, f func(ctx context.Context) (ldb.Event, error)) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		ev, err := f(ctx)
		return debugEventMsg{what: what, ev: ev, err: err}
	}
}

// debugRedisReadOnlyCmd sends a typed redis command in read-only mode
// only if the server flags it readonly (COMMAND INFO, asked on the
// session's side connection since the debugging connection only speaks
// LDB). No list in luascope could know every command a server or module
// has, and a command that cannot be looked up is refused, never sent.
// The session runs EVAL_RO as well, so the server would refuse a write
// too: this keeps even the attempt off a protected server.
func debugRedisReadOnlyCmd(rs *redisx.Session, s *ldb.Session, args []string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		ro, err := rs.CommandReadOnly(ctx, args...)
		cancel()
		if !ro {
			why := "the server does not flag it readonly (COMMAND INFO), so it may write"
			if err != nil {
				why = "cannot tell whether it writes: " + err.Error()
			}
			return debugEventMsg{what: "redis", refused: "read-only refused r " + strings.ToUpper(args[0]) + ": " + why}
		}
		ev, err := s.Redis(context.Background(), args...)
		return debugEventMsg{what: "redis", ev: ev, err: err}
	}
}

func debugVarsCmd(s *ldb.Session) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ev, err := s.Print(ctx, "")
		return debugVarsMsg{vars: ev.Vars, err: err}
	}
}

// apply takes an event's news into the view.
func (d *debugState) apply(ev ldb.Event) {
	if ev.Stopped && ev.Line > 0 {
		d.line = ev.Line
		d.cursor = ev.Line
	}
	for _, l := range ev.Log {
		d.log = append(d.log, logLine(l))
	}
	if ev.Ended {
		d.ended = true
		d.final = ev.Final
		d.line = 0
	}
	if len(d.log) > 500 {
		d.log = d.log[len(d.log)-500:]
	}
}

func logLine(l ldb.Line) string {
	tag := map[ldb.Kind]string{ldb.KindRedis: "<redis>", ldb.KindReply: "<reply>", ldb.KindError: "<error>",
		ldb.KindValue: "<value>", ldb.KindRetval: "<retval>", ldb.KindDebug: "<debug>", ldb.KindHint: "<hint>"}[l.Kind]
	if tag == "" {
		return sanitize(l.Raw)
	}
	return tag + " " + sanitize(l.Text)
}

// fullScreen: the debugger replaces the panes while it is open.
func (d *debugState) fullScreen() bool { return true }

func (d *debugState) draw(m Model, _ string) string { return m.debugView(d) }

// update handles keys while the debugger is on top.
func (d *debugState) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	if key.Matches(km, dbgLeave) || key.Matches(km, m.c.Keys.Quit) {
		s := d.s
		m.overlays.remove(d)
		m.setStatus("left the debugger", false)
		var closeCmd tea.Cmd
		if s != nil {
			closeCmd = func() tea.Msg {
				_ = s.Close() // aborts a stopped script; nothing to report after leaving
				return nil
			}
		}
		if d.ended {
			if m.errp.Classification() != nil {
				m.setFocus(paneError)
			} else {
				m.setFocus(paneResult)
			}
		}
		return m, closeCmd
	}
	if d.starting {
		return m, nil
	}
	if d.ended {
		m.setStatus("the debugging session has ended: esc leaves, F9 starts again", false)
		return m, nil
	}
	if d.busy != "" && !key.Matches(km, dbgAbort) {
		if len(d.queue) < maxDebugQueue {
			d.queue = append(d.queue, km)
		}
		m.setStatus(fmt.Sprintf("waiting for the server (%s); %d key(s) queued", d.busy, len(d.queue)), false)
		return m, nil
	}
	s := d.s
	switch {
	case key.Matches(km, m.c.Keys.Up):
		d.cursor = max(1, d.cursor-1)
	case key.Matches(km, m.c.Keys.Down):
		d.cursor = min(len(d.source), d.cursor+1)
	case key.Matches(km, dbgStep):
		d.busy = "step"
		return m, debugDo("step", s.Step)
	case key.Matches(km, dbgContinue):
		d.busy = "continue"
		return m, debugDo("continue", s.Continue)
	case key.Matches(km, dbgBreak):
		line := d.cursor
		d.busy = "breakpoint"
		if d.breaks[line] {
			delete(d.breaks, line)
			return m, debugDo("clear breakpoint", func(ctx context.Context) (ldb.Event, error) { return s.ClearBreak(ctx, line) })
		}
		d.breaks[line] = true
		return m, debugDo("breakpoint", func(ctx context.Context) (ldb.Event, error) { return s.Break(ctx, line) })
	case key.Matches(km, dbgAbort):
		return m, debugDo("abort", s.Abort)
	case key.Matches(km, dbgPrint):
		m.overlays.push(debugPrompt("print: variable name (empty: all locals)", "print"))
	case key.Matches(km, dbgEval):
		m.overlays.push(debugPrompt("eval: a Lua expression or statement (runs in the script's server)", "eval"))
	case key.Matches(km, dbgRedis):
		m.overlays.push(debugPrompt("redis: a command, e.g. GET mykey (runs inside the session)", "redis"))
	case key.Matches(km, dbgMaxLen):
		m.overlays.push(debugPrompt("maxlen: longest reply shown (0 = no limit)", "maxlen"))
	}
	return m, nil
}

// debugPrompt asks for what the debugger's what command (print, eval,
// redis, maxlen) needs; the answer goes to debugPrompted.
func debugPrompt(title, what string) *prompt {
	return newPrompt(title, "", func(v string) tea.Cmd { return deliver(debugAskedMsg{what, v}) })
}

// maxDebugQueue bounds typeahead in the debugger.
const maxDebugQueue = 16

// debugReplay handles the first key queued while the server was busy,
// after mm (the result of the answer) is settled.
func debugReplay(mm tea.Model, cmd tea.Cmd) (tea.Model, tea.Cmd) {
	m := mm.(Model)
	d := m.dbg()
	if d == nil || d.busy != "" || len(d.queue) == 0 {
		return m, cmd
	}
	if d.ended || d.s == nil {
		d.queue = nil
		return m, cmd
	}
	k := d.queue[0]
	d.queue = d.queue[1:]
	next, more := d.update(m, k)
	return next, tea.Batch(cmd, more)
}

// debugPrompted runs what a debugger prompt asked for.
func (m Model) debugPrompted(what, text string) (tea.Model, tea.Cmd) {
	d := m.dbg()
	if d == nil || d.s == nil || d.ended {
		return m, nil
	}
	s := d.s
	switch what {
	case "print":
		return m, debugDo("print", func(ctx context.Context) (ldb.Event, error) { return s.Print(ctx, text) })
	case "eval":
		d.log = append(d.log, "eval "+sanitize(text))
		return m, debugDo("eval", func(ctx context.Context) (ldb.Event, error) { return s.Eval(ctx, text) })
	case "redis":
		args := strings.Fields(text)
		if len(args) == 0 {
			return m, nil
		}
		if m.readOnly {
			return m, debugRedisReadOnlyCmd(m.session, s, args)
		}
		return m, debugDo("redis", func(ctx context.Context) (ldb.Event, error) { return s.Redis(ctx, args...) })
	case "maxlen":
		n, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil || n < 0 {
			m.setStatus("maxlen: a number, 0 for no limit", true)
			return m, nil
		}
		if n == 0 {
			n = -1
		}
		return m, debugDo("maxlen", func(ctx context.Context) (ldb.Event, error) { return s.MaxLen(ctx, n) })
	}
	return m, nil
}

// debugView draws the debugger: source left, locals and log right
// (stacked at 80 columns), status and help bars below.
func (m Model) debugView(d *debugState) string {
	st := d.st
	bodyH := m.h - 2
	var srcW, rightW, srcH int
	wide := m.w >= 100
	if wide {
		srcW = m.w * 55 / 100
		rightW = m.w - srcW
		srcH = bodyH
	} else {
		srcW, rightW = m.w, m.w
		srcH = max(5, bodyH*45/100)
	}
	title := fmt.Sprintf("Debug (%s) %s", map[ldb.Mode]string{ldb.ModeFork: "forked: changes rolled back", ldb.ModeSync: "SYNC: server blocked, changes kept"}[d.mode], d.status())
	src := m.st.box(title, d.sourceView(st, srcW-2, srcH-2), srcW, srcH, true)
	var right string
	if wide {
		localsH := bodyH * 40 / 100
		right = m.st.box("Locals", d.varsView(st, rightW-2, localsH-2), rightW, localsH, false) + "\n" +
			m.st.box("Redis log", d.logView(st, rightW-2, bodyH-localsH-2), rightW, bodyH-localsH, false)
		right = joinColumns(src, right)
	} else {
		restH := bodyH - srcH
		localsH := max(3, restH*2/5)
		right = src + "\n" + m.st.box("Locals", d.varsView(st, rightW-2, localsH-2), rightW, localsH, false) + "\n" +
			m.st.box("Redis log", d.logView(st, rightW-2, restH-localsH-2), rightW, restH-localsH, false)
	}
	bindings := []key.Binding{dbgStep, dbgContinue, dbgBreak, dbgPrint, dbgEval, dbgRedis, dbgMaxLen, dbgAbort, dbgLeave}
	var parts []string
	for _, b := range bindings {
		h := b.Help()
		parts = append(parts, m.st.helpKey.Render(h.Key)+" "+m.st.helpDesc.Render(h.Desc))
	}
	help := strings.Join(parts, m.st.helpDesc.Render(" • "))
	return fitLines(append(strings.Split(right, "\n"), m.statusBar(), help), m.w, m.h)
}

func (d *debugState) status() string {
	switch {
	case d.starting:
		return "· starting…"
	case d.ended:
		return "· ended"
	case d.busy != "":
		return "· " + d.busy + "…"
	case d.line > 0:
		return fmt.Sprintf("· stopped at line %d", d.line)
	}
	return ""
}

func (d *debugState) sourceView(st debugStyles, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	focus := d.cursor
	if focus == 0 {
		focus = 1
	}
	top := d.top
	if focus-1 < top {
		top = focus - 1
	}
	if focus-1 >= top+h {
		top = focus - h
	}
	d.top = top
	numW := len(strconv.Itoa(len(d.source)))
	var lines []string
	for i := top; i < len(d.source) && len(lines) < h; i++ {
		n := i + 1
		mark := "  "
		switch {
		case n == d.line && d.breaks[n]:
			mark = "●>"
		case n == d.line:
			mark = "->"
		case d.breaks[n]:
			mark = "● "
		}
		text := strings.ReplaceAll(sanitize(d.source[i]), "\t", "    ")
		line := fmt.Sprintf("%s %*d  %s", mark, numW, n, text)
		switch {
		case n == d.line:
			line = st.cur.Render(line)
		case d.breaks[n]:
			line = st.brk.Render(line)
		case n == d.cursor:
			line = st.head.Render(line)
		}
		lines = append(lines, line)
	}
	if d.ended {
		res := "(no reply)"
		if d.final != nil {
			res = resp.Summary(*d.final, w-20)
		}
		lines = append(lines, "", st.head.Render("session ended: ")+res+st.muted.Render("  (in the Result pane after esc)"))
	}
	return fitLines(lines, w, h)
}

func (d *debugState) varsView(st debugStyles, w, h int) string {
	if len(d.vars) == 0 {
		return fitLines([]string{st.muted.Render("no locals at this line")}, w, h)
	}
	vars := append([]ldb.Var(nil), d.vars...)
	sort.SliceStable(vars, func(i, j int) bool { return vars[i].Name < vars[j].Name })
	var lines []string
	for _, v := range vars {
		lines = append(lines, sanitize(v.Name)+st.muted.Render(" = ")+sanitize(v.Value))
	}
	if h > 0 && len(lines) > h {
		// Say what does not fit; p NAME prints any of them into the log.
		lines = append(lines[:h-1], st.muted.Render(fmt.Sprintf("… %d more (p NAME prints one)", len(lines)-h+1)))
	}
	return fitLines(lines, w, h)
}

func (d *debugState) logView(st debugStyles, w, h int) string {
	lines := d.log
	if len(lines) > h {
		lines = lines[len(lines)-h:]
	}
	if len(lines) == 0 {
		return fitLines([]string{st.muted.Render("redis.call commands and replies appear here as you step")}, w, h)
	}
	return fitLines(lines, w, h)
}

// joinColumns sets two blocks of lines side by side.
func joinColumns(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	n := max(len(al), len(bl))
	out := make([]string, n)
	for i := 0; i < n; i++ {
		var l, r string
		if i < len(al) {
			l = al[i]
		}
		if i < len(bl) {
			r = bl[i]
		}
		out[i] = l + r
	}
	return strings.Join(out, "\n")
}

// updateDebugger handles the debugging session's answers.
func (m Model) updateDebugger(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case debugStartedMsg:
		d := m.dbg()
		if d == nil {
			if msg.s == nil {
				return m, nil
			}
			// The user left before the session started: close it off the UI goroutine.
			return m, func() tea.Msg { _ = msg.s.Close(); return nil }
		}
		d.starting = false
		if msg.err != nil {
			m.overlays.remove(d)
			m.setStatus("debugger: "+msg.err.Error(), true)
			return m, nil
		}
		d.s = msg.s
		src := msg.s.Source()
		if d.library != nil && len(src) >= 2 {
			// A function's library run as a script: show the library's
			// own first line, and say what the added last line does.
			src[0] = d.library[0] + "   -- luascope: defines the library, registers nothing"
			last := len(src) - 1
			for last > 1 && strings.TrimSpace(src[last]) == "" {
				last--
			}
			src[last] = "-- luascope: calls " + d.function + "(KEYS, ARGV), as FCALL " + d.function + " would"
		}
		d.source = src
		d.apply(msg.ev)
		m.setStatus("debugging: s step • c continue • b breakpoint • p print • e eval • r redis • a abort • esc leave", false)
		return m.debugSettled(msg.ev)
	case debugEventMsg:
		d := m.dbg()
		if d == nil {
			return m, nil
		}
		d.busy = ""
		if msg.refused != "" {
			d.log = append(d.log, sanitize(msg.refused))
			m.setStatus(msg.refused, true)
			return debugReplay(m, nil)
		}
		if msg.err != nil {
			m.setStatus("debugger "+msg.what+": "+msg.err.Error(), true)
		}
		if msg.what == "print" {
			for _, v := range msg.ev.Vars {
				d.log = append(d.log, "print "+sanitize(v.Name)+" = "+sanitize(v.Value))
			}
		}
		d.apply(msg.ev)
		return debugReplay(m.debugSettled(msg.ev))
	case debugVarsMsg:
		if d := m.dbg(); d != nil && msg.err == nil {
			d.vars = msg.vars
		}
		return m, nil
	}
	return m, nil
}
