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
	follow        bool // stick to the bottom; the cursor is then on the newest step

	cur    stepKey     // the selected step when not following
	search traceSearch // `/` in the trace

	styles *traceStyleCache
}

// stepKey names a step of the trace: the run's id and the step's index
// in it, which stay valid while lines around it change.
type stepKey struct{ run, step int }

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

	// rendered lines, valid for width w and the palette key; at[i] is
	// the line of step i's main line
	lines []string
	at    []int
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

	// For the detail view (enter on a step): what the row cuts.
	sent      []string // every argument as sent, raw, each kept up to traceSentMax
	sentCut   int      // bytes of sent that were not kept
	connFull  string   // the connection's local address
	dialed    bool
	why       string // the note without "new connection"
	replyFull string // an error or string reply whole (up to traceReplyMax), else the summary
	hay       string // the detail text, for search; "" until searched
}

// traceSentMax bounds each argument the trace keeps for the detail view
// (the trace holds 100 runs); traceReplyMax the reply text.
const (
	traceSentMax  = 1 << 20
	traceReplyMax = 64 << 10
)

// NewTrace returns an empty trace that follows new runs.
func NewTrace(c *Common) Trace {
	return Trace{common: c, follow: true, styles: &traceStyleCache{}, search: traceSearch{bar: newSearchBar(c)}}
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
	defer t.searchAgain()
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

// searchAgain keeps the matches current as steps come and go.
func (t *Trace) searchAgain() {
	if t.search.bar.Active() {
		t.findMatches()
	}
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
	t.searchAgain()
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
		t.searchAgain()
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

		connFull: printableText(st.Conn),
		dialed:   st.Dialed,
		why:      printableText(st.Note),
	}
	s.sent = make([]string, len(st.Sent))
	for i, a := range st.Sent {
		if len(a) > traceSentMax {
			// A copy of the kept part, so the rest is freed with the call.
			s.sent[i], s.sentCut = strings.Clone(a[:traceSentMax]), s.sentCut+len(a)-traceSentMax
			continue
		}
		s.sent[i] = a
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
		s.replyFull = s.reply
		switch v := *st.Reply; {
		case v.IsAggregate():
			// The trace keeps text, not replies: the final one is in the tree.
			s.replyFull += " (the Result pane holds the run's final reply whole)"
		case v.Kind == resp.Error, v.Kind == resp.Status, v.Kind == resp.Bulk, v.Kind == resp.Verbatim, v.Kind == resp.BigNumber:
			s.replyFull = resp.Summary(v, traceReplyMax)
		}
	case st.Err != "":
		s.reply, s.failed = printableText(st.Err), true
		s.replyFull = s.reply
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

// traceDetailKey opens the selected step's detail; search uses the
// shared KeyMap.Search, NextMatch and PrevMatch and the bar's own keys.
var traceDetailKey = key.NewBinding(key.WithKeys("enter", "i"), key.WithHelp("enter/i", "details"))

// traceSearch is `/` in the trace: the shared bar, the steps whose whole
// text (the detail view's) holds the query, and where the cursor was when
// typing began (esc goes back there).
type traceSearch struct {
	bar  searchBar
	from stepKey
	hits []stepKey
}

// update moves the step cursor with the movement keys and the mouse
// wheel while focused, opens a step's detail, and searches. Moving up
// stops following; reaching the newest step resumes it.
func (t Trace) update(msg tea.Msg) (Trace, tea.Cmd) {
	if !t.focused {
		return t, nil
	}
	if km, ok := msg.(tea.KeyMsg); ok && t.search.bar.Typing() {
		return t.updateSearch(km)
	}
	k := commonKeys(t.common)
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, traceDetailKey):
			if r, i, ok := t.selected(); ok {
				return t, openDetail(r.steps[i].detailDoc(r))
			}
		case key.Matches(msg, k.Search):
			if len(t.runs) == 0 {
				return t, nil
			}
			t.search.from, t.search.hits = t.cursorKey(), nil
			return t, t.search.bar.Open()
		case key.Matches(msg, k.NextMatch):
			t.jumpMatch(1)
		case key.Matches(msg, k.PrevMatch):
			t.jumpMatch(-1)
		case key.Matches(msg, searchCancel) && t.search.bar.Active():
			t.search.bar.Clear()
			t.search.hits = nil
		case key.Matches(msg, k.Up):
			t.moveCursor(-1)
		case key.Matches(msg, k.Down):
			t.moveCursor(1)
		case key.Matches(msg, k.PageUp):
			t.pageCursor(-1)
		case key.Matches(msg, k.PageDown):
			t.pageCursor(1)
		case key.Matches(msg, k.Top):
			t.moveCursor(-1 << 40)
			t.offset = 0
		case key.Matches(msg, k.Bottom):
			t.follow = true
		}
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				t.moveCursor(-1)
			case tea.MouseButtonWheelDown:
				t.moveCursor(1)
			}
		}
	}
	return t, nil
}

// updateSearch types into the search bar: every change searches again and
// moves to the first match from where the search began; enter keeps the
// query for n/N, esc ends the search where it began.
func (t Trace) updateSearch(km tea.KeyMsg) (Trace, tea.Cmd) {
	done, changed := t.search.bar.Update(km)
	if done && key.Matches(km, searchCancel) {
		t.search.hits = nil
		t.setCursor(t.search.from)
		return t, nil
	}
	if changed {
		t.findMatches()
		t.setCursor(t.search.from)
		if len(t.search.hits) > 0 && !t.onMatch() {
			t.jumpMatch(1)
		}
	}
	return t, nil
}

// findMatches collects the steps whose detail text holds the query. The
// text is made once per step, on the first search that reaches it.
func (t *Trace) findMatches() {
	t.search.hits = nil // a new slice: an older copy of the pane keeps its own
	if !t.search.bar.Active() {
		return
	}
	for _, r := range t.runs {
		for i := range r.steps {
			s := &r.steps[i]
			if s.hay == "" {
				s.hay = s.detailDoc(r).Text()
			}
			if t.search.bar.matches(s.hay) {
				t.search.hits = append(t.search.hits, stepKey{r.id, i})
			}
		}
	}
}

// matchIndex is the cursor's place among the matches, -1 when the
// cursor is not on one.
func (t Trace) matchIndex() int {
	cur := t.cursorKey()
	for i, h := range t.search.hits {
		if h == cur {
			return i
		}
	}
	return -1
}

// onMatch reports whether the cursor is on a match.
func (t Trace) onMatch() bool { return t.matchIndex() >= 0 }

// jumpMatch moves the cursor to the next (d > 0) or previous match,
// wrapping around the ends as less and vim do.
func (t *Trace) jumpMatch(d int) {
	hits := t.search.hits
	if len(hits) == 0 {
		return
	}
	order := t.stepOrder()
	pos := map[stepKey]int{}
	for i, k := range order {
		pos[k] = i
	}
	cur := pos[t.cursorKey()]
	best := -1
	if d > 0 {
		for i, h := range hits { // hits are in trace order
			if pos[h] > cur {
				best = i
				break
			}
		}
		if best < 0 {
			best = 0
		}
	} else {
		for i := len(hits) - 1; i >= 0; i-- {
			if pos[hits[i]] < cur {
				best = i
				break
			}
		}
		if best < 0 {
			best = len(hits) - 1
		}
	}
	t.setCursor(hits[best])
}

// stepOrder is every step of the trace, oldest first.
func (t Trace) stepOrder() []stepKey {
	var out []stepKey
	for _, r := range t.runs {
		for i := range r.steps {
			out = append(out, stepKey{r.id, i})
		}
	}
	return out
}

// selected is the step under the cursor: the newest step while
// following, the first step when the one chosen is gone.
func (t Trace) selected() (*traceRun, int, bool) {
	if !t.follow {
		if r := t.run(t.cur.run); r != nil && len(r.steps) > 0 {
			return r, min(max(t.cur.step, 0), len(r.steps)-1), true
		}
		for _, r := range t.runs {
			if len(r.steps) > 0 {
				return r, 0, true
			}
		}
	}
	for i := len(t.runs) - 1; i >= 0; i-- {
		if r := t.runs[i]; len(r.steps) > 0 {
			return r, len(r.steps) - 1, true
		}
	}
	return nil, 0, false
}

// cursorKey is the selected step's key, the zero key when there is none.
func (t Trace) cursorKey() stepKey {
	if r, i, ok := t.selected(); ok {
		return stepKey{r.id, i}
	}
	return stepKey{}
}

// setCursor selects step k; selecting the newest step follows again.
func (t *Trace) setCursor(k stepKey) {
	order := t.stepOrder()
	if len(order) == 0 {
		return
	}
	if t.follow {
		// From the bottom: reveal moves the lines only as far as needed.
		t.offset = max(t.totalLines()-t.bodyHeight(), 0)
	}
	t.cur = k
	t.follow = k == order[len(order)-1]
	t.reveal()
}

// moveCursor moves the cursor d steps, stopping at the ends.
func (t *Trace) moveCursor(d int) {
	order := t.stepOrder()
	if len(order) == 0 {
		return
	}
	cur := t.cursorKey()
	i := len(order) - 1
	for j, k := range order {
		if k == cur {
			i = j
		}
	}
	i = min(max(i+d, 0), len(order)-1)
	if d < -len(order) || d > len(order) { // ±1<<40: no overflow
		i = min(max(d, 0), len(order)-1)
	}
	t.setCursor(order[i])
}

// pageCursor moves the cursor by about a page: to the step whose main
// line is a page of lines away.
func (t *Trace) pageCursor(dir int) {
	order := t.stepOrder()
	if len(order) == 0 {
		return
	}
	cur := t.cursorKey()
	at := 0
	for i, k := range order {
		if k == cur {
			at = i
		}
	}
	// The last step whose main line is at most a page below (above) the
	// cursor's, and at least one step on.
	target := t.stepLine(cur) + dir*max(t.bodyHeight()-1, 1)
	best := 0
	for i, k := range order {
		if t.stepLine(k) <= target {
			best = i
		}
	}
	if dir > 0 {
		best = min(max(best, at+1), len(order)-1)
	} else {
		best = min(best, max(at-1, 0))
	}
	t.setCursor(order[best])
}

// stepLine is the line of step k's main line in the whole trace.
func (t Trace) stepLine(k stepKey) int {
	line := 0
	for _, r := range t.runs {
		ls := t.linesOf(r)
		if r.id == k.run {
			if k.step < len(r.at) {
				return line + r.at[k.step]
			}
			return line
		}
		line += len(ls)
	}
	return line
}

// stepSpan is the selected step's lines in the whole trace: its main
// line and the line after its last (reply, why).
func (t Trace) stepSpan() (first, end int, ok bool) {
	r, i, ok := t.selected()
	if !ok {
		return 0, 0, false
	}
	first = t.stepLine(stepKey{r.id, i})
	ls := t.linesOf(r)
	end = first - r.at[i] + len(ls)
	if i+1 < len(r.at) {
		end = first - r.at[i] + r.at[i+1]
	}
	return first, end, true
}

// reveal scrolls as little as needed to show the selected step, its main
// line first.
func (t *Trace) reveal() {
	if t.follow {
		return
	}
	t.offset = t.visibleOffset()
}

// visibleOffset is the first line drawn: the bottom while following, else
// the offset moved as little as needed to show the selected step.
func (t Trace) visibleOffset() int {
	total, h := t.totalLines(), t.bodyHeight()
	if t.follow {
		return max(total-h, 0)
	}
	off := clampOff(t.offset, total, h)
	if first, end, ok := t.stepSpan(); ok {
		off = keepVisible(max(end-1, first), off, total, h)
		off = keepVisible(first, off, total, h)
	}
	return off
}

// bodyHeight is the lines for runs: the pane less the search bar.
func (t Trace) bodyHeight() int {
	return t.height - searchHeight(t.search.bar, t.height)
}

// Update is update in the Pane interface's shape, so that the root routes
// to every pane the same way; the pane changes in place.
func (t *Trace) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var cmd tea.Cmd
	*t, cmd = t.update(msg)
	return t, cmd
}

func (t Trace) totalLines() int {
	n := 0
	for _, r := range t.runs {
		n += len(t.linesOf(r))
	}
	return n
}

// ShortHelp lists the step bindings.
func (t Trace) ShortHelp() []key.Binding {
	if t.search.bar.Typing() {
		return []key.Binding{searchConfirm, searchCancel}
	}
	k := commonKeys(t.common)
	has := len(t.runs) > 0
	found := len(t.search.hits) > 0
	return []key.Binding{helpIf(traceDetailKey, has), helpIf(k.Up, has), helpIf(k.Down, has),
		helpIf(k.Search, has), helpIf(k.NextMatch, found), helpIf(k.PrevMatch, found)}
}

// FullHelp lists every binding of the trace.
func (t Trace) FullHelp() [][]key.Binding {
	k := commonKeys(t.common)
	has := len(t.runs) > 0
	return [][]key.Binding{
		{helpIf(k.Up, has), helpIf(k.Down, has), helpIf(k.PageUp, has),
			helpIf(k.PageDown, has), helpIf(k.Top, has), helpIf(k.Bottom, has)},
		{helpIf(traceDetailKey, has), helpIf(k.Search, has), helpIf(k.NextMatch, has),
			helpIf(k.PrevMatch, has), helpIf(searchConfirm, has), helpIf(searchCancel, has)},
	}
}

// View draws the visible lines of the runs, the selected step marked, and
// the search bar when searching: exactly width×height.
func (t Trace) View() string {
	w, h := t.width, t.height
	if w <= 0 || h <= 0 {
		return ""
	}
	sty := t.stylesFor()
	if len(t.runs) == 0 {
		run := firstKey(commonKeys(t.common).Run, "ctrl+r")
		return blockFit([]string{sty.muted.on(cellFit("No runs yet — press "+run+" to run", w))}, w, h)
	}
	body := t.bodyHeight()
	off := t.visibleOffset()
	selRun, selStep, hasSel := t.selected()
	// The newest step is marked only in a focused pane: a blurred trace
	// that follows has nothing chosen in it.
	hasSel = hasSel && (t.focused || !t.follow)
	out := make([]string, 0, h)
	line := 0
	for _, r := range t.runs {
		ls := t.linesOf(r)
		if line+len(ls) <= off {
			line += len(ls)
			continue
		}
		if hasSel && r == selRun {
			// The selected run is drawn again with its step marked; one
			// run per frame, the others come from the cache.
			ls, _ = renderTraceRun(nil, nil, r, sty, max(w, 1), selStep, t.focused)
		}
		for _, l := range ls[max(off-line, 0):] {
			if len(out) == body {
				break
			}
			out = append(out, l)
		}
		line += len(ls)
		if len(out) == body {
			break
		}
	}
	if body < h {
		for len(out) < body {
			out = append(out, "")
		}
		bar := t.search.bar
		i := t.matchIndex()
		bar.SetCount(i+1, len(t.search.hits))
		for j, l := range out {
			out[j] = bar.mark(l, false)
		}
		out = append(out, bar.View(w))
	}
	return blockFit(out, w, h)
}

// traceStyleCache holds the trace's inks for the theme they were built from.
type traceStyleCache struct {
	key inkKey
	s   *traceStyles // nil until the first frame
}

type traceStyles struct {
	key                                  inkKey
	head, title, muted, text             ink
	ok, warn, bad, waiting, reply, fault ink
	// sel paints the selected step's main line (focused pane); nil in
	// sel's own styles.
	sel *traceStyles
}

func (t Trace) stylesFor() *traceStyles {
	c := t.styles
	if c == nil {
		c = &traceStyleCache{}
	}
	th := commonTheme(t.common)
	if k := inkKeyOf(th); c.s == nil || c.key != k {
		c.key, c.s = k, traceStylesOf.get(th)
	}
	return c.s
}

// buildTraceStyles builds the trace's inks and the selected step's.
func buildTraceStyles(th themes.Theme) traceStyles {
	k := inkKeyOf(th)
	s, sel := newTraceStyles(th, false), newTraceStyles(th, true)
	s.key, s.sel, sel.key = k, &sel, k
	return s
}

// newTraceStyles builds the trace's inks; sel builds them on the
// selection's background (reversed in mono), for the selected step.
func newTraceStyles(th themes.Theme, sel bool) traceStyles {
	fg := func(c themes.Color) lipgloss.Style {
		st := fgStyle(c)
		switch {
		case sel && th.Mono:
			st = st.Reverse(true)
		case sel:
			st = st.Background(color(th.Selection))
		}
		return st
	}
	bold := func(c themes.Color) ink { return inkOf(fg(c).Bold(true)) }
	s := traceStyles{
		head:    bold(th.Accent),
		title:   inkOf(fg(th.Text).Bold(true)),
		muted:   inkOf(fg(th.Muted)),
		text:    inkOf(fg(th.Text)),
		ok:      inkOf(fg(th.OK)),
		warn:    inkOf(fg(th.Warning)),
		bad:     bold(th.Error),
		waiting: inkOf(fg(th.Muted).Italic(true)),
		reply:   inkOf(fg(th.Text)),
		fault:   inkOf(fg(th.Error)),
	}
	if th.Mono {
		s.warn = inkOf(lipgloss.NewStyle().Underline(true).Reverse(sel))
		s.bad = inkOf(lipgloss.NewStyle().Bold(true).Reverse(!sel))
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
	r.lines, r.at = renderTraceRun(r.lines[:0], r.at[:0], r, sty, w, -1, false)
	r.w, r.key, r.valid = w, sty.key, true
	return r.lines
}

// renderTraceRun draws a run: a header, then per step a main line
// ("  2. noscript EVALSHA … node :port 76µs"), the reply summary and the
// reason the step was sent. at gets each step's main line (from 0, the
// run's header). Step sel (-1: none) is marked "›", and its main line
// painted as selected when focused.
func renderTraceRun(out []string, at []int, r *traceRun, sty *traceStyles, w, sel int, focused bool) ([]string, []int) {
	base := len(out)
	var b strings.Builder
	// header: #3 ok · evalsha-load · 3 round trips · 278µs. The outcome
	// comes first: a narrow pane cuts the end of the line, and the
	// outcome is what the user looks for.
	b.WriteString(sty.head.on("#" + strconv.Itoa(r.id)))
	switch {
	case r.live:
		b.WriteString(sty.muted.on(" running…"))
	case r.verdict != "":
		b.WriteString(" ")
		if r.bad {
			b.WriteString(sty.bad.on(r.verdict))
		} else {
			b.WriteString(sty.ok.on(r.verdict))
		}
	}
	sep := " "
	if r.live || r.verdict != "" {
		sep = sty.muted.on(" · ")
	}
	if r.title != "" {
		b.WriteString(sep)
		b.WriteString(sty.title.on(r.title))
		sep = sty.muted.on(" · ")
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
	if !r.live && r.dur != "" {
		info = append(info, r.dur)
	}
	b.WriteString(sep)
	b.WriteString(sty.muted.on(strings.Join(info, " · ")))
	out = append(out, cellCut(b.String(), w))

	if r.live && len(r.steps) == 0 {
		return append(out, sty.waiting.on(cellFit("  waiting for the server…", w))), at
	}
	seqW := 1
	for _, s := range r.steps {
		seqW = max(seqW, decWidth(s.seq))
	}
	const outW = 8 // "noscript"
	lead := 2 + seqW + 2 + outW + 1
	plain := sty
	for i, s := range r.steps {
		at = append(at, len(out)-base)
		sty := plain
		seq := strconv.Itoa(s.seq)
		b.Reset()
		pad := blanks(2 + seqW - len(seq))
		if i == sel {
			if focused && plain.sel != nil {
				sty = plain.sel
			}
			pad = "›" + pad[1:]
		}
		b.WriteString(sty.text.on(pad))
		b.WriteString(sty.muted.on(seq + "."))
		b.WriteString(" ")
		oc := string(s.outcome)
		if oc == "" {
			oc = "?"
		}
		b.WriteString(sty.outcomeInk(s.outcome).on(oc))
		b.WriteString(sty.text.on(blanks(outW + 1 - ansi.StringWidth(oc))))
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
			b.WriteString(sty.text.on(blanks(room - ansi.StringWidth(cmd))))
			b.WriteString(sty.muted.on(right))
		} else if i == sel {
			b.WriteString(sty.text.on(blanks(room - ansi.StringWidth(cmd))))
		}
		out = append(out, b.String())
		sty = plain

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
	return out, at
}
