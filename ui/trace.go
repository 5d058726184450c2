package ui

import (
	"net"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx"
	"luascope/redisx/resp"
	"luascope/themes"
)

// TraceMaxRuns is how many runs the trace keeps browsable; older ones are
// dropped, so a long session does not grow without bound.
const TraceMaxRuns = 100

// traceSummaryRunes bounds the reply summary kept per step: the trace
// keeps text, never the reply itself, so old runs of huge replies free
// their memory.
const traceSummaryRunes = 240

// Trace is the round-trip pane: one block per run (newest at the bottom),
// each step as it happens — command, node, connection, outcome, duration,
// why it was sent and what came back. It follows the newest line while a
// run is live, unless the user scrolled up to read earlier runs.
type Trace struct {
	common *Common

	runs []*traceRun // oldest first, at most TraceMaxRuns

	width, height int
	focused       bool
	offset        int  // first visible line when not following
	follow        bool // stick to the bottom

	styles *traceStyleCache
}

// traceRun is one run as the trace keeps it: text only.
type traceRun struct {
	id    int
	title string
	live  bool
	steps []traceStep

	// set by FinishRun
	strategy string
	dur      string
	verdict  string // "ok", "error: <class>", "failed: <class>"
	bad      bool
	effects  []string // "k: created (string)", one per declared key

	// rendered lines, valid for width w and the palette key
	lines []string
	w     int
	key   inkKey
	valid bool
}

// traceStep is a redisx.Step reduced to what the trace draws, escaped.
type traceStep struct {
	seq     int
	command string
	node    string
	conn    string
	outcome redisx.Outcome
	dur     string
	note    string
	reply   string // resp.Summary of the reply, or the client error
	failed  bool   // reply holds a client error
}

// NewTrace returns an empty trace that follows new runs.
func NewTrace(c *Common) Trace {
	return Trace{common: c, follow: true, styles: &traceStyleCache{}}
}

var _ Pane = (*Trace)(nil)

// StartRun opens a new run block titled title (e.g. the strategy) that
// shows "waiting for the server…" until its first step. Starting a run
// resumes following the bottom: the user just asked for it.
func (t *Trace) StartRun(id int, title string) {
	if r := t.run(id); r != nil {
		r.title, r.live, r.steps, r.valid = printableText(title), true, nil, false
	} else {
		t.addRun(&traceRun{id: id, title: printableText(title), live: true})
	}
	t.follow = true
}

// AddStep shows a step of the live run id as soon as it arrives. Steps of
// a finished or unknown run are stale and dropped; a step with a sequence
// number already shown replaces it.
func (t *Trace) AddStep(id int, st redisx.Step) {
	r := t.run(id)
	if r == nil || !r.live {
		return
	}
	s := newTraceStep(st)
	for i := range r.steps {
		if r.steps[i].seq == s.seq {
			r.steps[i] = s
			r.valid = false
			return
		}
	}
	r.steps = append(r.steps, s)
	r.valid = false
}

// FinishRun closes run id with its result: the steps are taken from res
// (the authoritative list, should a live step have been missed) and the
// header gets the strategy, round trips, duration and outcome.
func (t *Trace) FinishRun(id int, res redisx.Result) {
	r := t.run(id)
	if r == nil {
		r = &traceRun{id: id}
		t.addRun(r)
	}
	r.live = false
	if len(res.Steps) > 0 || len(r.steps) == 0 {
		r.steps = r.steps[:0]
		for _, st := range res.Steps {
			r.steps = append(r.steps, newTraceStep(st))
		}
	}
	r.strategy = printableText(string(res.Strategy))
	r.effects = r.effects[:0]
	for _, e := range res.Effects {
		what := "unchanged"
		if len(e.Changes) > 0 {
			what = strings.Join(e.Changes, ", ")
			if e.After.Exists {
				what += " → " + e.After.Preview
			}
		}
		r.effects = append(r.effects, printableText(e.Key)+": "+printableText(what))
	}
	r.dur = humanDur(res.Duration)
	switch {
	case res.ClientErr != nil && res.Error != nil:
		r.verdict, r.bad = "failed: "+printableText(string(res.Error.Class)), true
	case res.ClientErr != nil:
		r.verdict, r.bad = "failed", true
	case res.Error != nil:
		r.verdict, r.bad = "error: "+printableText(string(res.Error.Class)), true
	default:
		r.verdict, r.bad = "ok", false
	}
	r.valid = false
}

// Runs returns how many runs the trace holds.
func (t Trace) Runs() int { return len(t.runs) }

func (t *Trace) run(id int) *traceRun {
	for i := len(t.runs) - 1; i >= 0; i-- {
		if t.runs[i].id == id {
			return t.runs[i]
		}
	}
	return nil
}

func (t *Trace) addRun(r *traceRun) {
	t.runs = append(t.runs, r)
	if n := len(t.runs) - TraceMaxRuns; n > 0 {
		if !t.follow { // keep the lines the user is reading in place
			for _, old := range t.runs[:n] {
				t.offset -= len(t.linesOf(old))
			}
			t.offset = max(t.offset, 0)
		}
		clear(t.runs[:n])
		t.runs = append(t.runs[:0], t.runs[n:]...)
	}
}

func newTraceStep(st redisx.Step) traceStep {
	s := traceStep{
		seq:     st.Seq,
		command: printableText(strings.Join(st.Command, " ")),
		node:    printableText(st.Node),
		conn:    printableText(shortConn(st.Conn)),
		outcome: st.Outcome,
		dur:     humanDur(st.Dur),
		note:    printableText(st.Note),
	}
	if st.Dialed {
		if s.note != "" {
			s.note += " · "
		}
		s.note += "new connection"
	}
	switch {
	case st.Reply != nil:
		s.reply = resp.Summary(*st.Reply, traceSummaryRunes)
	case st.Err != "":
		s.reply, s.failed = printableText(st.Err), true
	}
	return s
}

// shortConn keeps the local port of a connection ("127.0.0.1:38502" →
// ":38502"): the host is the client's own, the port is what tells two
// connections apart.
func shortConn(c string) string {
	if _, port, err := net.SplitHostPort(c); err == nil && port != "" {
		return ":" + port
	}
	return c
}

// SetSize sets the pane's size in cells; View returns exactly that.
func (t *Trace) SetSize(width, height int) {
	t.width, t.height = max(width, 0), max(height, 0)
}

// Focus makes the pane take keys.
func (t *Trace) Focus() { t.focused = true }

// Blur makes the pane ignore keys.
func (t *Trace) Blur() { t.focused = false }

// Focused reports whether the pane has the focus.
func (t Trace) Focused() bool { return t.focused }

// update scrolls with the movement keys and the mouse wheel while focused.
// Scrolling up stops following; reaching the bottom again resumes it.
func (t Trace) update(msg tea.Msg) (Trace, tea.Cmd) {
	if !t.focused {
		return t, nil
	}
	k := commonKeys(t.common)
	page := max(t.height, 1)
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			t.scroll(-1)
		case key.Matches(msg, k.Down):
			t.scroll(1)
		case key.Matches(msg, k.PageUp):
			t.scroll(-page)
		case key.Matches(msg, k.PageDown):
			t.scroll(page)
		case key.Matches(msg, k.Top):
			t.scroll(-1 << 40)
		case key.Matches(msg, k.Bottom):
			t.follow = true
		}
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				t.scroll(-3)
			case tea.MouseButtonWheelDown:
				t.scroll(3)
			}
		}
	}
	return t, nil
}

// Update is update in the Pane interface's shape, so that the root routes
// to every pane the same way; the pane changes in place.
func (t *Trace) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var cmd tea.Cmd
	*t, cmd = t.update(msg)
	return t, cmd
}

func (t *Trace) scroll(d int) {
	total := t.totalLines()
	bottom := max(total-t.height, 0)
	off := t.offset
	if t.follow {
		off = bottom
	}
	off = clampOff(off+d, total, t.height)
	t.offset = off
	t.follow = off >= bottom
}

func (t Trace) totalLines() int {
	n := 0
	for _, r := range t.runs {
		n += len(t.linesOf(r))
	}
	return n
}

// ShortHelp lists the scrolling bindings.
func (t Trace) ShortHelp() []key.Binding {
	k := commonKeys(t.common)
	has := len(t.runs) > 0
	return []key.Binding{helpIf(k.Up, has), helpIf(k.Down, has), helpIf(k.PageUp, has), helpIf(k.PageDown, has)}
}

// FullHelp lists every binding of the trace.
func (t Trace) FullHelp() [][]key.Binding {
	k := commonKeys(t.common)
	has := len(t.runs) > 0
	return [][]key.Binding{{helpIf(k.Up, has), helpIf(k.Down, has), helpIf(k.PageUp, has),
		helpIf(k.PageDown, has), helpIf(k.Top, has), helpIf(k.Bottom, has)}}
}

// View draws the visible lines of the runs, exactly width×height.
func (t Trace) View() string {
	w, h := t.width, t.height
	if w <= 0 || h <= 0 {
		return ""
	}
	if len(t.runs) == 0 {
		sty := t.stylesFor()
		run := firstKey(commonKeys(t.common).Run, "ctrl+r")
		return blockFit([]string{sty.muted.on(cellFit("No runs yet — press "+run+" to run", w))}, w, h)
	}
	total := t.totalLines()
	off := clampOff(t.offset, total, h)
	if t.follow {
		off = max(total-h, 0)
	}
	out := make([]string, 0, h)
	line := 0
	for _, r := range t.runs {
		ls := t.linesOf(r)
		if line+len(ls) <= off {
			line += len(ls)
			continue
		}
		for _, l := range ls[max(off-line, 0):] {
			if len(out) == h {
				break
			}
			out = append(out, l)
		}
		line += len(ls)
		if len(out) == h {
			break
		}
	}
	return blockFit(out, w, h)
}

// traceStyleCache holds the trace's inks for the theme they were built from.
type traceStyleCache struct {
	key   inkKey
	built bool
	s     traceStyles
}

type traceStyles struct {
	key                                  inkKey
	head, title, muted, text             ink
	ok, warn, bad, waiting, reply, fault ink
}

func (t Trace) stylesFor() *traceStyles {
	c := t.styles
	if c == nil {
		c = &traceStyleCache{}
	}
	th := commonTheme(t.common)
	if k := inkKeyOf(th); !c.built || c.key != k {
		c.key, c.built, c.s = k, true, newTraceStyles(th)
		c.s.key = k
	}
	return &c.s
}

func newTraceStyles(th themes.Theme) traceStyles {
	bold := func(c themes.Color) ink { return inkOf(fgStyle(c).Bold(true)) }
	s := traceStyles{
		head:    bold(th.Accent),
		title:   inkOf(fgStyle(th.Text).Bold(true)),
		muted:   inkOf(fgStyle(th.Muted)),
		text:    inkOf(fgStyle(th.Text)),
		ok:      inkOf(fgStyle(th.OK)),
		warn:    inkOf(fgStyle(th.Warning)),
		bad:     bold(th.Error),
		waiting: inkOf(fgStyle(th.Muted).Italic(true)),
		reply:   inkOf(fgStyle(th.Text)),
		fault:   inkOf(fgStyle(th.Error)),
	}
	if th.Mono {
		s.warn = inkOf(lipgloss.NewStyle().Underline(true))
		s.bad = inkOf(lipgloss.NewStyle().Bold(true).Reverse(true))
	}
	return s
}

// outcomeInk colours an outcome: ok green, a recoverable detour
// (noscript, moved, ask) yellow, error and failed red.
func (s *traceStyles) outcomeInk(o redisx.Outcome) ink {
	switch o {
	case redisx.OutcomeOK:
		return s.ok
	case redisx.OutcomeNoScript, redisx.OutcomeMoved, redisx.OutcomeAsk:
		return s.warn
	}
	return s.bad
}

// linesOf returns r's rendered lines for the current width and theme,
// rendering them again only after r changed.
func (t Trace) linesOf(r *traceRun) []string {
	sty := t.stylesFor()
	w := max(t.width, 1)
	if r.valid && r.w == w && r.key == sty.key {
		return r.lines
	}
	r.lines = renderTraceRun(r.lines[:0], r, sty, w)
	r.w, r.key, r.valid = w, sty.key, true
	return r.lines
}

// renderTraceRun draws a run: a header, then per step a main line
// ("  2. noscript EVALSHA … node :port 76µs"), the reply summary and the
// reason the step was sent.
func renderTraceRun(out []string, r *traceRun, sty *traceStyles, w int) []string {
	var b strings.Builder
	// header: #3 evalsha-load · 3 round trips · 278µs · ok
	b.WriteString(sty.head.on("#" + strconv.Itoa(r.id)))
	if r.title != "" {
		b.WriteString(" ")
		b.WriteString(sty.title.on(r.title))
	}
	var info []string
	if r.strategy != "" && !strings.Contains(r.title, r.strategy) {
		info = append(info, r.strategy)
	}
	trips := strconv.Itoa(len(r.steps)) + " round trip"
	if len(r.steps) != 1 {
		trips += "s"
	}
	info = append(info, trips)
	if r.live {
		info = append(info, "running…")
	} else if r.dur != "" {
		info = append(info, r.dur)
	}
	b.WriteString(sty.muted.on(" · " + strings.Join(info, " · ")))
	if !r.live && r.verdict != "" {
		b.WriteString(sty.muted.on(" · "))
		if r.bad {
			b.WriteString(sty.bad.on(r.verdict))
		} else {
			b.WriteString(sty.ok.on(r.verdict))
		}
	}
	out = append(out, cellCut(b.String(), w))

	if r.live && len(r.steps) == 0 {
		return append(out, sty.waiting.on(cellFit("  waiting for the server…", w)))
	}
	seqW := 1
	for _, s := range r.steps {
		seqW = max(seqW, decWidth(s.seq))
	}
	const outW = 8 // "noscript"
	lead := 2 + seqW + 2 + outW + 1
	for _, s := range r.steps {
		seq := strconv.Itoa(s.seq)
		b.Reset()
		b.WriteString(blanks(2 + seqW - len(seq)))
		b.WriteString(sty.muted.on(seq + "."))
		b.WriteString(" ")
		oc := string(s.outcome)
		if oc == "" {
			oc = "?"
		}
		b.WriteString(sty.outcomeInk(s.outcome).on(oc))
		b.WriteString(blanks(outW + 1 - ansi.StringWidth(oc)))
		// right part: node, conn, duration — dropped piece by piece when narrow
		dur := " " + blanks(7-ansi.StringWidth(s.dur)) + s.dur // "1.50ms", "76µs" right-aligned
		right := dur
		node := ""
		if s.node != "" || s.conn != "" {
			node = " " + cellCut(s.node, 24)
			if s.conn != "" {
				node += " " + s.conn
			}
		}
		room := w - lead - ansi.StringWidth(dur)
		if node != "" && room-ansi.StringWidth(node) >= 16 {
			right = node + dur
		}
		room = w - lead - ansi.StringWidth(right)
		if room < 4 { // too narrow for columns: the command alone
			room, right = w-lead, ""
		}
		cmd := cellCut(s.command, max(room, 0))
		b.WriteString(sty.text.on(cmd))
		if right != "" {
			b.WriteString(blanks(room - ansi.StringWidth(cmd)))
			b.WriteString(sty.muted.on(right))
		}
		out = append(out, b.String())

		sub := blanks(min(lead, max(w-8, 0)))
		subW := w - len(sub)
		if s.reply != "" {
			if s.failed {
				out = append(out, sub+sty.fault.on(cellCut("<- failed: "+s.reply, subW)))
			} else {
				out = append(out, sub+sty.muted.on("<- ")+sty.reply.on(cellCut(s.reply, subW-3)))
			}
		}
		if s.note != "" {
			out = append(out, sub+sty.muted.on(cellCut("why: "+s.note, subW)))
		}
	}
	for _, e := range r.effects {
		out = append(out, sty.muted.on(cellCut("  key "+e, w)))
	}
	return out
}
