package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// layer is one modal thing on the overlay stack: the help screen, a
// dialog, a prompt, the debugger, the examples gallery, a batch report.
type layer interface {
	// update handles a key while the layer is on top of the stack; a
	// layer that is done takes itself off with m.overlays.remove.
	update(m Model, km tea.KeyMsg) (Model, tea.Cmd)
	// draw draws the layer over below, the frame under it; a full-screen
	// layer draws without it.
	draw(m Model, below string) string
	// fullScreen reports whether the layer covers the whole screen, so
	// that nothing under it is drawn.
	fullScreen() bool
}

// stack is the open layers, the last on top (k9s's model.Stack). It alone
// decides which layer gets a key (the top one) and the drawing order
// (bottom to top), so no second, hand-kept order exists. It is a value
// in the root model: push and remove never write into a backing array
// an older copy of the model may share.
type stack []layer

// top is the layer that gets keys, nil when none is open.
func (s stack) top() layer {
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

// push opens l on top.
func (s *stack) push(l layer) { *s = append(slices.Clip(*s), l) }

// remove closes l wherever it is (a debugger whose session failed to
// start may be under a prompt).
func (s *stack) remove(l layer) {
	*s = slices.DeleteFunc(slices.Clone(*s), func(x layer) bool { return x == l })
}

// draw draws the stack over the panes' frame, bottom to top, starting at
// the top-most full-screen layer; panes is called only when no layer
// covers them.
func (s stack) draw(m *Model, panes func() string) string {
	from := -1
	for i, l := range s {
		if l.fullScreen() {
			from = i
		}
	}
	out := ""
	if from < 0 {
		out, from = panes(), 0
	}
	for _, l := range s[from:] {
		out = l.draw(*m, out)
	}
	return out
}

// topOf is the top-most open layer of type T, and whether there is one.
func topOf[T layer](s stack) (T, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if l, ok := s[i].(T); ok {
			return l, true
		}
	}
	var zero T
	return zero, false
}

// dlg is the top-most open dialog, nil for none.
func (m Model) dlg() *dialog { d, _ := topOf[*dialog](m.overlays); return d }

// prompt is the top-most open prompt, nil for none.
func (m Model) prompt() *prompt { p, _ := topOf[*prompt](m.overlays); return p }

// dbg is the debugger, nil when it is not open.
func (m Model) dbg() *debugState { d, _ := topOf[*debugState](m.overlays); return d }

// gallery is the examples picker, nil when it is not open.
func (m Model) gallery() *gallery { g, _ := topOf[*gallery](m.overlays); return g }

// helpScreen is the full-screen key map (F1), scrolled by top, with a
// "/" search over its lines: cur is the current match among them (an
// ordinal, so a resize that moves the lines keeps it).
type helpScreen struct {
	top  int
	bar  searchBar
	cur  int
	from int // top when "/" was pressed: typing searches from there
}

func (h *helpScreen) fullScreen() bool { return true }

func (h *helpScreen) draw(m Model, _ string) string { return m.helpView(h) }

// matches are the indexes of the lines of out that hold the query.
func (h *helpScreen) matches(out []string) []int {
	if !h.bar.Active() {
		return nil
	}
	var idx []int
	for i, l := range out {
		if h.bar.matches(ansi.Strip(l)) {
			idx = append(idx, i)
		}
	}
	return idx
}

// show scrolls to match i of the current query (wrapping), centred.
func (h *helpScreen) show(m Model, i int) {
	out := m.helpLines()
	idx := h.matches(out)
	if len(idx) == 0 {
		h.cur = 0
		h.bar.SetCount(0, 0)
		return
	}
	h.cur = (i%len(idx) + len(idx)) % len(idx)
	body := max(1, m.h-2)
	h.top = max(0, min(idx[h.cur]-body/2, len(out)-body))
	h.bar.SetCount(h.cur+1, len(idx))
}

func (h *helpScreen) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	// A status message lasts until the next key (gh-dash), here too.
	m.status, m.statusErr = "", false
	k := m.c.Keys
	if h.bar.Typing() {
		if _, changed := h.bar.Update(km); changed {
			// the first match at or below where the search started
			first := 0
			for _, i := range h.matches(m.helpLines()) {
				if i >= h.from {
					break
				}
				first++
			}
			h.show(m, first)
		}
		return m, nil
	}
	switch {
	case key.Matches(km, k.Search):
		if h.bar.c == nil {
			h.bar = newSearchBar(m.c)
		}
		h.from = h.top
		return m, h.bar.Open()
	case h.bar.Active() && key.Matches(km, k.NextMatch):
		h.show(m, h.cur+1)
	case h.bar.Active() && key.Matches(km, k.PrevMatch):
		h.show(m, h.cur-1)
	case h.bar.Active() && key.Matches(km, searchCancel):
		h.bar.Clear()
	case key.Matches(km, k.Help, k.Quit) || km.Type == tea.KeyEsc:
		m.overlays.remove(h)
	case key.Matches(km, k.Down):
		h.top++
	case key.Matches(km, k.Up):
		h.top = max(0, h.top-1)
	case key.Matches(km, k.PageDown):
		h.top += max(1, m.h-2)
	case key.Matches(km, k.PageUp):
		h.top = max(0, h.top-max(1, m.h-2))
	case key.Matches(km, k.Top):
		h.top = 0
	case key.Matches(km, k.Bottom):
		h.top = len(m.helpLines()) // clamped to the last page below
	}
	// No scrolling past the end: up must work at once after pgdn there.
	h.top = min(h.top, max(0, len(m.helpLines())-max(1, m.h-1-searchHeight(h.bar, m.h))))
	return m, nil
}

// batchReport is a finished batch's report, shown until esc.
type batchReport struct{ text string }

func (r *batchReport) fullScreen() bool { return false }

func (r *batchReport) draw(m Model, below string) string {
	box := m.st.dialog.Width(min(m.w-4, 100)).Render(m.st.dialogTitle.Render("Batch report") + "\n" + sanitizeLines(r.text, m.h-6))
	return overlay(below, box, m.w, m.h)
}

func (r *batchReport) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	if km.Type == tea.KeyEsc || key.Matches(km, m.c.Keys.Quit) {
		m.overlays.remove(r)
	}
	return m, nil
}

// report is the open batch report's text, "" for none.
func (m Model) report() string {
	if r, ok := topOf[*batchReport](m.overlays); ok {
		return r.text
	}
	return ""
}

// showReport opens a batch report, replacing one still open.
func (m *Model) showReport(text string) {
	if r, ok := topOf[*batchReport](m.overlays); ok {
		m.overlays.remove(r)
	}
	m.overlays.push(&batchReport{text: text})
}
