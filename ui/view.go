package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/lint"
)

// view assembles the frame: panes in their boxes, the tab bar, the status
// and help bars, and any overlay. It does no I/O and builds no styles.
func (m Model) view() string {
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
func (m Model) panesView(l layoutResult) string {
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
		if n := len(m.findings); n > 0 && m.lintRev == m.editor.Revision() {
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
	var parts []string
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
	}
	return strings.Join(parts, "")
}

func (m Model) statusBar() string {
	var left []string
	switch {
	case m.opts.Production:
		left = append(left, m.st.badgeProd.Render(strings.ToUpper(cmp.Or(m.opts.Label, "prod"))))
	case m.opts.Label == "sandbox":
		left = append(left, m.st.badgeSand.Render("SANDBOX"))
	case m.opts.Label != "":
		left = append(left, m.st.badgeLabel.Render(sanitize(m.opts.Label)))
	}
	if m.readOnly {
		left = append(left, m.st.badgeRO.Render("RO"))
	}
	if m.explain && m.function == "" {
		left = append(left, m.st.badgeLabel.Render("EXPLAIN"))
	}
	if m.function != "" {
		left = append(left, m.st.badgeLabel.Render("FCALL "+sanitize(m.function)))
	}
	info := m.target.String()
	if m.session != nil {
		in := m.session.Info()
		info = sanitize(fmt.Sprintf("%s %s %s %s RESP%d", m.session.Target().String(), in.Flavor, in.Version, in.Mode, in.Protocol))
	}
	left = append(left, m.st.status.Render(" "+info+" "), m.st.status.Render(string(m.strategy)+" "))
	switch m.cache {
	case cacheHeld:
		left = append(left, m.st.status.Render("cached "))
	case cacheMissing:
		left = append(left, m.st.status.Render("not cached "))
	}
	if m.running {
		left = append(left, m.st.statusMsg.Render(fmt.Sprintf(" %s running %s ", m.spin.View(), time.Since(m.runStart).Round(100*time.Millisecond))))
	}
	l := strings.Join(left, "")
	right := ""
	if m.status != "" {
		if m.statusErr {
			right = m.st.statusErr.Render(" " + m.status + " ")
		} else {
			right = m.st.statusMsg.Render(" " + m.status + " ")
		}
	}
	lw, rw := ansi.StringWidth(l), ansi.StringWidth(right)
	if lw+rw > m.w {
		// The message matters more than the decoration.
		if rw >= m.w {
			return ansi.Truncate(right, m.w, "…")
		}
		l = ansi.Truncate(l, m.w-rw, "…")
		lw = ansi.StringWidth(l)
	}
	return l + m.st.status.Render(strings.Repeat(" ", max(0, m.w-lw-rw))) + right
}

func (m Model) helpBar() string {
	k := m.c.Keys
	bindings := append([]key.Binding{k.Run, k.NextPane}, m.pane(m.focus).ShortHelp()...)
	bindings = append(bindings, k.Help, k.Quit)
	var parts []string
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		parts = append(parts, m.st.helpKey.Render(h.Key)+" "+m.st.helpDesc.Render(h.Desc))
	}
	return ansi.Truncate(strings.Join(parts, m.st.helpDesc.Render(" • ")), m.w, "…")
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
		more = "  ↓ pgdn/↓ for more"
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
