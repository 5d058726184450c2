package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/lint"
)

// view assembles the frame: panes in their boxes, the tab bar, the status
// and help bars, and any overlay. It does no I/O and builds no styles.
// view and panesView take the View's copy by pointer: the model is a
// ~7 KB value (33 KB before its text inputs were pointers), and a copy
// per call was most of a frame's stack.
func (m *Model) view() string {
	if m.quitting {
		return ""
	}
	if m.w == 0 {
		return "starting…"
	}
	l := layout(m.w, m.h, m.layoutState())
	if l.tooSmall {
		msg := fmt.Sprintf("terminal too small: %d×%d, need at least %d×%d", m.w, m.h, minWidth, minHeight)
		return fitLines(wrap(msg, m.w), m.w, m.h)
	}
	return m.overlays.draw(m, func() string { return m.panesView(l) })
}

// panesView draws the panes in their boxes, the tab bar, the status and
// help bars: the frame under the overlays.
func (m *Model) panesView(l layoutResult) string {
	// Panes tile the screen and every pane's View is exactly its size, so
	// a row of the frame is its boxes' lines side by side: no measuring.
	boxes := make(map[paneID][]string, len(l.panes))
	for id, r := range l.panes {
		boxes[id] = strings.Split(m.st.box(m.paneTitle(id), m.pane(id).View(), r.W, r.H, m.focus == id), "\n")
	}
	rows := make([]string, m.h)
	if l.tabs {
		rows[l.tabBar.Y] = fitLines([]string{m.tabBar()}, m.w, 1)
	}
	for y := range rows {
		if rows[y] != "" {
			continue
		}
		var b strings.Builder
		for x := 0; x < m.w; {
			id, r, ok := paneAt(l, x, y)
			if !ok {
				break
			}
			if ln := boxes[id]; y-r.Y < len(ln) {
				b.WriteString(ln[y-r.Y])
			}
			x = r.X + r.W
		}
		rows[y] = b.String()
	}
	rows[l.status.Y] = m.statusBar()
	if l.help.H > 0 {
		rows[l.help.Y] = fitLines([]string{m.helpBar()}, m.w, 1)
	}
	return strings.Join(rows, "\n")
}

// paneAt finds the pane whose box covers column x of row y.
func paneAt(l layoutResult, x, y int) (paneID, rect, bool) {
	for id, r := range l.panes {
		if x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H {
			return id, r, true
		}
	}
	return 0, rect{}, false
}

func (m Model) paneTitle(id paneID) string {
	switch id {
	case paneEditor:
		title := "Script " + sanitize(m.editor.Title())
		if lint.Skipped(m.findings) && !m.lintStale() {
			return title + " • not linted: over " + lint.SizeText(lint.DefaultBudget)
		}
		if n := len(m.findings); n > 0 && !m.lintStale() {
			e, w := 0, 0
			for _, f := range m.findings {
				switch f.Severity {
				case lint.Error:
					e++
				case lint.Warning:
					w++
				}
			}
			title += fmt.Sprintf(" • lint %d✗ %d!", e, w)
		}
		return title
	case paneForm:
		return fmt.Sprintf("KEYS/ARGV (numkeys %d)", m.form.NumKeys())
	case paneResult:
		if m.session != nil {
			return fmt.Sprintf("Result RESP%d", m.session.Info().Protocol)
		}
	case paneError:
		if m.errp.Classification() != nil {
			return "Error: " + string(m.errp.Classification().Class)
		}
	}
	return id.String()
}

// shortPaneNames fit the tab bar into 40 columns, all eight tabs and the
// error mark included. Sized by paneCount so that indexing by any pane is
// in range; a test checks that every pane has one (the list once stopped
// at History while Functions and Cluster were tabs, and every terminal
// narrower than the long names panicked).
var shortPaneNames = [paneCount]string{
	paneEditor: "Scr", paneForm: "K/A", paneResult: "Res", paneTrace: "Trc", paneError: "Err",
	paneHistory: "His", paneCluster: "Clu", paneFunctions: "Fn",
}

func (m Model) tabBar() string {
	_, cells := m.tabCells()
	return strings.Join(cells, "")
}

// tabCells are the tab bar's tabs in order with the pane each names,
// each drawn, so that a click can be mapped to a tab by their widths.
func (m Model) tabCells() (ids []paneID, parts []string) {
	long := 0
	for _, id := range m.order() {
		long += len(id.String()) + 3
	}
	for _, id := range m.order() {
		name := id.String()
		if long > m.w {
			name = shortPaneNames[id]
		}
		if id == paneError && m.errp.Classification() != nil {
			name += "!"
		}
		if id == m.focus {
			parts = append(parts, m.st.tabActive.Render(name))
		} else {
			parts = append(parts, m.st.tab.Render(name))
		}
		ids = append(ids, id)
	}
	return ids, parts
}

// statusBar is the bottom line: the connection badge, the mode, the
// target, the strategy, the cache state and the running spinner on the
// left, the status message (or the lint finding of the editor's cursor
// line) on the right. Too narrow, it gives way by priority (fitBar): the
// running state and the badge stay at every width, then the mode, then
// the message, and the target's details go first.
func (m Model) statusBar() string {
	var items []barItem
	badge := func(st lipgloss.Style, text string, prio int) {
		it := barItem{full: st.Render(text), prio: prio}
		if ansi.StringWidth(text) > 12 {
			it.short = st.Render(ansi.Truncate(text, 12, "…"))
		}
		items = append(items, it)
	}
	switch {
	case m.opts.Production:
		badge(m.st.badgeProd, strings.ToUpper(cmp.Or(sanitize(m.opts.Label), "prod")), prioMust)
	case m.opts.Label == "sandbox":
		badge(m.st.badgeSand, "SANDBOX", prioMust)
	case m.opts.Label != "":
		badge(m.st.badgeLabel, sanitize(m.opts.Label), prioMust)
	}
	if m.readOnly {
		badge(m.st.badgeRO, "RO", prioMust)
	}
	if m.sendsWrapper() {
		badge(m.st.badgeLabel, "EXPLAIN", prioMode)
	}
	if m.function != "" {
		badge(m.st.badgeLabel, "FCALL "+sanitize(m.function), prioMode)
	}
	addr := sanitize(m.target.String())
	info := addr
	if m.session != nil {
		in := m.session.Info()
		addr = sanitize(m.session.Target().String())
		info = sanitize(fmt.Sprintf("%s %s %s %s RESP%d", m.session.Target().String(), in.Flavor, in.Version, in.Mode, in.Protocol))
	}
	it := barItem{full: m.st.statusInk.on(" " + info + " "), prio: prioInfo}
	if info != addr {
		it.short = m.st.statusInk.on(" " + addr + " ")
	}
	items = append(items, it, barItem{full: m.st.statusInk.on(string(m.strategy) + " "), prio: prioDecor})
	// In explain mode the cache state is the wrapper's (what the next run
	// sends), not the script's: say so where there is room.
	wrapper := ""
	if m.sendsWrapper() {
		wrapper = "wrapper "
	}
	switch m.cache {
	case cacheHeld:
		items = append(items, barItem{full: m.st.statusInk.on(wrapper + "cached "), short: m.st.statusInk.on("cached "), prio: prioDecor})
	case cacheMissing:
		items = append(items, barItem{full: m.st.statusInk.on(wrapper + "not cached "), short: m.st.statusInk.on("not cached "), prio: prioDecor})
	}
	if m.running {
		items = append(items, barItem{full: m.st.statusMsgInk.on(fmt.Sprintf(" %s running %s ", m.spin.View(), time.Since(m.runStart).Round(100*time.Millisecond))), prio: prioMust})
	}

	msg, msgErr := m.status, m.statusErr
	if msg == "" {
		// No message from an action: the cursor line's lint finding, if any.
		msg, msgErr = m.cursorFinding()
	}
	right := ""
	if msg != "" {
		if msgErr {
			right = m.st.statusErr.Render(" " + msg + " ")
		} else {
			right = m.st.statusMsg.Render(" " + msg + " ")
		}
	}
	// The message whole, and as much decoration as fits beside it; else
	// the badge, the mode and the running state, and what is left of the
	// message (nothing when too little is left to read).
	left := fitBar(items, 0, m.w-ansi.StringWidth(right), prioMode)
	if lw := ansi.StringWidth(strings.Join(left, "")); lw+ansi.StringWidth(right) > m.w {
		var high []barItem
		for _, it := range items {
			if it.prio >= prioMode {
				high = append(high, it)
			}
		}
		left = fitBar(high, 0, m.w, prioMust)
		room := m.w - ansi.StringWidth(strings.Join(left, ""))
		switch {
		case right == "":
		case room >= 12:
			right = ansi.Truncate(right, room, "…")
		default:
			right = ""
		}
	}
	l := strings.Join(left, "")
	lw, rw := ansi.StringWidth(l), ansi.StringWidth(right)
	line := l + m.st.status.Render(strings.Repeat(" ", max(0, m.w-lw-rw))) + right
	return ansi.Truncate(line, m.w, "…")
}

// cursorFinding is the lint finding on the editor's cursor line for the
// status bar, the most severe first, and whether it is an error; "" when
// the editor is not focused, the line has none, or the findings are for
// an older text (their lines may have moved).
func (m Model) cursorFinding() (string, bool) {
	if m.focus != paneEditor || m.lintStale() {
		return "", false
	}
	line := m.editor.CursorLine()
	var on []lint.Finding
	for _, f := range m.findings {
		if f.Line == line {
			on = append(on, f)
		}
	}
	if len(on) == 0 {
		return "", false
	}
	best := on[0]
	for _, f := range on[1:] {
		if severityRank(f.Severity) > severityRank(best.Severity) {
			best = f
		}
	}
	text := findingMark(best.Severity) + " " + string(best.Severity) + ": " + sanitize(best.Message)
	if len(on) > 1 {
		text += fmt.Sprintf(" (+%d more on this line: %s lists all)", len(on)-1, m.c.Keys.Findings.Help().Key)
	}
	return text, best.Severity == lint.Error
}

// severityRank orders severities, the most severe highest.
func severityRank(s lint.Severity) int {
	switch s {
	case lint.Error:
		return 2
	case lint.Warning:
		return 1
	}
	return 0
}

// findingMark is the gutter's mark of a severity, so the status line and
// the findings list use the signs the editor shows.
func findingMark(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "✗"
	case lint.Warning:
		return "!"
	}
	return "·"
}

// helpBar is the footer: the run and pane keys, the focused pane's keys,
// F1 and quit. Too narrow, the pane's keys give way from the right, then
// tab, then run; F1 and quit stay at every width.
func (m Model) helpBar() string {
	k := m.c.Keys
	type entry struct {
		b    key.Binding
		prio int
	}
	first := k.Run
	if m.running {
		// ctrl+r only says "already running" now: offer what applies.
		first = k.Stop
		first.SetHelp(first.Help().Key, "stop")
	}
	entries := []entry{{first, prioInfo}, {k.NextPane, prioInfo}}
	for _, b := range m.pane(m.focus).ShortHelp() {
		entries = append(entries, entry{b, prioDecor})
	}
	entries = append(entries, entry{k.Help, prioMust}, entry{k.Quit, prioMust})
	var items []barItem
	for _, e := range entries {
		if !e.b.Enabled() {
			continue
		}
		h := e.b.Help()
		items = append(items, barItem{full: m.st.helpKeyInk.on(h.Key) + " " + m.st.helpDescInk.on(h.Desc), prio: e.prio})
	}
	sep := m.st.helpDescInk.on(" • ")
	return ansi.Truncate(strings.Join(fitBar(items, ansi.StringWidth(sep), m.w, prioMust), sep), m.w, "…")
}

// helpView draws F1: a title line, the key map from helpLines scrolled
// to h.top, its search's matches marked, and the search bar when shown.
func (m Model) helpView(h *helpScreen) string {
	out := m.helpLines()
	bar := h.bar
	body := max(0, m.h-1-searchHeight(bar, m.h))
	top := min(h.top, max(0, len(out)-body))
	more := ""
	if len(out)-top > body {
		more = " · ↓/pgdn/end for more"
	}
	head := m.st.accent.Render("luascope — keys") + m.st.muted.Render("   F1 or esc closes · / search"+more)
	matches := h.matches(out)
	cur := -1
	if len(matches) > 0 {
		cur = matches[min(h.cur, len(matches)-1)]
		bar.SetCount(min(h.cur, len(matches)-1)+1, len(matches))
	}
	lines := []string{head}
	for i := top; i < min(len(out), top+body); i++ {
		l := out[i]
		if _, hit := slices.BinarySearch(matches, i); hit {
			l = bar.mark(l, i == cur)
		}
		lines = append(lines, l)
	}
	if searchHeight(bar, m.h) > 0 {
		for len(lines) < m.h-1 {
			lines = append(lines, "")
		}
		lines = append(lines, bar.View(m.w))
	}
	return fitLines(lines, m.w, m.h)
}

// helpLines is F1's content: the global groups (KeyMap.GlobalHelp) and
// the focused pane's bindings (its FullHelp: what applies now), as blocks
// set side by side when they fit the width, the keys of the blocks in one
// column padded to the same width so the descriptions line up.
func (m Model) helpLines() []string {
	groups := append(m.c.Keys.GlobalHelp(), HelpGroup{m.focus.String() + " pane", flatten(m.pane(m.focus).FullHelp())})
	type block struct {
		title string
		items []key.Help
	}
	var blocks []block
	for _, g := range groups {
		b := block{title: g.Title}
		for _, k := range g.Bindings {
			if k.Enabled() {
				b.items = append(b.items, k.Help())
			}
		}
		if len(b.items) > 0 {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) == 0 {
		return nil
	}
	const gap = 2
	// columns lays the blocks out in cols columns: each column's key
	// width and total width.
	columns := func(cols int) (keyW, width []int) {
		keyW, width = make([]int, cols), make([]int, cols)
		for i, b := range blocks {
			for _, it := range b.items {
				keyW[i%cols] = max(keyW[i%cols], ansi.StringWidth(it.Key))
			}
		}
		for i, b := range blocks {
			c := i % cols
			width[c] = max(width[c], ansi.StringWidth(b.title))
			for _, it := range b.items {
				width[c] = max(width[c], keyW[c]+1+ansi.StringWidth(it.Desc))
			}
		}
		return keyW, width
	}
	cols := len(blocks)
	keyW, width := columns(cols)
	for ; cols > 1; cols-- {
		keyW, width = columns(cols)
		total := gap * (cols - 1)
		for _, w := range width {
			total += w
		}
		if total <= m.w {
			break
		}
	}
	if cols == 1 {
		keyW, width = columns(1)
	}
	var out []string
	for r := 0; r < len(blocks); r += cols {
		row := blocks[r:min(len(blocks), r+cols)]
		height := 0
		for _, b := range row {
			height = max(height, len(b.items)+1)
		}
		for y := range height {
			var line strings.Builder
			for c, b := range row {
				cell := ""
				switch {
				case y == 0:
					cell = m.st.helpSection.Render(b.title)
				case y-1 < len(b.items):
					it := b.items[y-1]
					cell = m.st.helpKey.Render(it.Key+strings.Repeat(" ", keyW[c]-ansi.StringWidth(it.Key))) + " " + m.st.helpDesc.Render(it.Desc)
				}
				line.WriteString(cell)
				if c < len(row)-1 {
					line.WriteString(strings.Repeat(" ", max(0, width[c]+gap-ansi.StringWidth(cell))))
				}
			}
			out = append(out, line.String())
		}
		out = append(out, "")
	}
	return out
}

func flatten(groups [][]key.Binding) []key.Binding {
	var out []key.Binding
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// canvas composes boxes at their positions into one frame of lines.
type canvas struct {
	w, h  int
	lines []string
}

// put writes block (lines of width r.W) at r. Panes are laid out in
// columns, so a row is the left part, the block, and the right part.
func (c *canvas) put(r rect, block string) {
	if r.W <= 0 || r.H <= 0 {
		return
	}
	for i, line := range strings.Split(block, "\n") {
		y := r.Y + i
		if i >= r.H || y >= c.h {
			break
		}
		if lw := ansi.StringWidth(line); lw < r.W {
			line += strings.Repeat(" ", r.W-lw)
		} else if lw > r.W {
			line = ansi.Truncate(line, r.W, "")
		}
		row := c.lines[y]
		leftPart := ansi.Truncate(row, r.X, "")
		rightPart := ansi.TruncateLeft(row, r.X+r.W, "")
		c.lines[y] = leftPart + line + rightPart
	}
}

func (c *canvas) String() string { return strings.Join(c.lines, "\n") }

// overlay centres box over frame.
func overlay(frame, box string, w, h int) string {
	c := &canvas{w: w, h: h, lines: strings.Split(frame, "\n")}
	for len(c.lines) < h {
		c.lines = append(c.lines, strings.Repeat(" ", w))
	}
	bl := strings.Split(box, "\n")
	bw := 0
	for _, l := range bl {
		bw = max(bw, ansi.StringWidth(l))
	}
	bw = min(bw, w)
	x, y := max(0, (w-bw)/2), max(0, (h-len(bl))/2)
	c.put(rect{x, y, bw, min(len(bl), h)}, box)
	return c.String()
}
