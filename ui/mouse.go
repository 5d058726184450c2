package ui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// The mouse (Options.Mouse: --mouse, or mouse = true in the config) is
// off by default: a program that captures the mouse takes drag-to-select
// away from the terminal, and copying a key or an error from an SSH
// session matters more than clicking. With it on, most terminals still
// select text with shift+drag.
//
// What it does: a click focuses the pane under it (or the tab under it
// in the tab bar); in the Result tree a click selects the row, and a
// click on a branch's ▸/▾ opens or closes it; in the Script editor a
// click moves the cursor; in History it selects a run. The wheel scrolls
// the pane under the pointer without moving the focus. While a modal
// layer is open, only a layer that takes the mouse (mouser: the help
// screen's wheel) gets it; a click outside a dialog does nothing.

// mouser is a layer that takes the mouse while it is on top; a layer
// without this method ignores it.
type mouser interface {
	mouse(m Model, ms tea.MouseMsg) (Model, tea.Cmd)
}

// wheelStep is the rows one notch of the wheel scrolls.
const wheelStep = 3

// wheelDelta is a wheel notch as rows (0 for anything else).
func wheelDelta(ms tea.MouseMsg) int {
	switch ms.Button {
	case tea.MouseButtonWheelUp:
		return -wheelStep
	case tea.MouseButtonWheelDown:
		return wheelStep
	}
	return 0
}

// updateMouse routes a mouse press by where it is on the screen; the
// layout that drew the frame says what is there. Releases and drags do
// nothing.
func (m Model) updateMouse(ms tea.MouseMsg) (tea.Model, tea.Cmd) {
	if !m.opts.Mouse || ms.Action != tea.MouseActionPress {
		return m, nil
	}
	if top := m.overlays.top(); top != nil {
		if l, ok := top.(mouser); ok {
			return l.mouse(m, ms)
		}
		return m, nil
	}
	l := layout(m.w, m.h, m.layoutState())
	if l.tooSmall {
		return m, nil
	}
	if d := wheelDelta(ms); d != 0 {
		if id, _, ok := paneAt(l, ms.X, ms.Y); ok {
			m.wheel(id, d)
		}
		return m, nil
	}
	if ms.Button != tea.MouseButtonLeft {
		return m, nil
	}
	if l.tabs && ms.Y == l.tabBar.Y {
		if id, ok := m.tabAt(ms.X); ok {
			return m.focusByMouse(id)
		}
		return m, nil
	}
	id, r, ok := paneAt(l, ms.X, ms.Y)
	if !ok {
		return m, nil
	}
	m, cmd := m.focusByMouse(id)
	// Inside the border; a click on the border only focuses.
	x, y := ms.X-r.X-1, ms.Y-r.Y-1
	if x < 0 || y < 0 || x >= r.W-2 || y >= r.H-2 {
		return m, cmd
	}
	switch id {
	case paneEditor:
		m.editor.Click(x, y)
	case paneResult:
		m.tree.click(x, y)
	case paneHistory:
		m.hist.click(y)
	}
	return m, cmd
}

// focusByMouse focuses a pane as tab would, asking for what the pane
// shows when it is reached (Functions: FUNCTION LIST).
func (m Model) focusByMouse(id paneID) (Model, tea.Cmd) {
	if id == m.focus {
		return m, nil
	}
	m.setFocus(id)
	m.resize()
	if m.focus == paneFunctions && m.session != nil {
		return m, librariesCmd(m.session)
	}
	return m, nil
}

// wheel scrolls a pane by d rows, focused or not: the wheel goes where
// the pointer is, as in a browser. The KEYS/ARGV form, the cluster view
// and the functions list are short and do not scroll.
func (m *Model) wheel(id paneID, d int) {
	switch id {
	case paneEditor:
		m.editor.Scroll(d)
	case paneResult:
		if m.tree.idx != nil {
			m.tree.move(d)
		}
	case paneTrace:
		// The trace moves a step cursor (enter opens the step): a notch
		// moves one step, as in History.
		m.trace.moveCursor(d / wheelStep)
	case paneError:
		m.errp.offset = clampOff(m.errp.offset+d, len(m.errp.lines()), m.errp.height)
	case paneHistory:
		// A run is two lines: a notch moves one run.
		m.hist.top = m.hist.firstShown()
		m.hist.cursor = min(max(0, len(m.hist.shown)-1), max(0, m.hist.cursor+d/wheelStep))
	}
}

// tabAt is the tab drawn at column x of the tab bar.
func (m Model) tabAt(x int) (paneID, bool) {
	ids, cells := m.tabCells()
	left := 0
	for i, c := range cells {
		w := ansi.StringWidth(c)
		if x >= left && x < left+w {
			return ids[i], left+w <= m.w // a tab cut off at the edge is not drawn whole
		}
		left += w
	}
	return 0, false
}

// click acts on the row at y of the tree view (inside the pane): it
// becomes the cursor row, and a click on a branch's ▸/▾ marker opens or
// closes it, so that a click meant to select never collapses a tree.
// The raw view has no rows to pick.
func (t *Tree) click(x, y int) {
	if t.idx == nil || t.rawMode {
		return
	}
	if t.height >= 3 {
		y-- // the header line
	}
	total := t.idx.total()
	body := t.bodyHeight()
	off := keepVisible(min(max(t.cursor, 0), total-1), t.offset, total, body)
	row := off + y
	if y < 0 || y >= body || row >= total {
		return
	}
	t.cursor, t.offset = row, off
	info, path := t.idx.locate(row, nil)
	if info.n.count() > 0 && x >= 2*info.depth && x < 2*info.depth+2 {
		t.idx.setOpen(path, !info.open)
	}
	t.fix()
}

// click selects the run drawn at line y of the pane (each run takes two
// lines under the filter and the count); loading it stays enter's job.
func (m *HistoryPane) click(y int) {
	if y < 2 || len(m.shown) == 0 {
		return
	}
	// The list stays where it was drawn: the run under the pointer is
	// the one selected, and a second click hits it again.
	m.top = m.firstShown()
	i := m.top + (y-2)/2
	if i < len(m.shown) && (y-2)/2 < (m.h-2)/2 {
		m.cursor = i
	}
}

// firstShown is the first run View draws: the list scrolls only as far
// as the cursor needs (View's own rule; TestMouseClickHistory checks
// the two agree).
func (m HistoryPane) firstShown() int {
	rows := (m.h - 2) / 2
	top := m.top
	if m.cursor < top {
		top = m.cursor
	}
	if m.cursor >= top+rows {
		top = m.cursor - rows + 1
	}
	return top
}

// mouse scrolls the help screen with the wheel, as ↑/↓ do, but not
// past the end of the map: after spinning the wheel down, the first
// notch up moves the screen.
func (h *helpScreen) mouse(m Model, ms tea.MouseMsg) (Model, tea.Cmd) {
	d := wheelDelta(ms)
	next := *h
	next.top = max(0, h.top+d)
	if d > 0 && m.helpView(&next) == m.helpView(h) {
		return m, nil // at the end already: the view would not move
	}
	h.top = next.top
	return m, nil
}

// mouseBack turns mouse reporting on again after the terminal was handed
// to another program ($EDITOR) or the process was suspended: Bubble Tea
// restores the alternate screen then, but not the mouse mode.
func (m Model) mouseBack() tea.Cmd {
	if !m.opts.Mouse {
		return nil
	}
	return tea.EnableMouseCellMotion
}

// mouse scrolls the detail view with the wheel, wherever the pointer is:
// the view covers every pane, so the wheel cannot mean one under it.
func (d *detailView) mouse(m Model, ms tea.MouseMsg) (Model, tea.Cmd) {
	if dy := wheelDelta(ms); dy != 0 {
		d.top = clampOff(d.top+dy, len(d.wrapped(d.textWidth(m))), d.bodyHeight(m))
	}
	return m, nil
}
