package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/lint"
)

// lintList is the list of the script's lint findings (alt+l), over the
// panes like the gallery: line:col, severity and message, the selected
// one's message and hint in full below, enter to jump to its line. It
// reads m.findings when drawn, so a lint that finishes while it is open
// shows at once.
type lintList struct {
	cursor, top int
}

// lintList is the open findings list, nil when it is not open.
func (m Model) lintList() *lintList { l, _ := topOf[*lintList](m.overlays); return l }

func (l *lintList) fullScreen() bool { return false }

// lintListWidth is the box's width, borders included.
func (m Model) lintListWidth() int { return min(m.w-4, 100) }

// lintListRows is how many findings the list shows at once: the box
// keeps two lines of the screen free, and below the list a blank line
// and up to four lines of the selected finding in full.
func (m Model) lintListRows() int {
	inner := max(1, m.h-4) // inside the border
	return max(1, inner-1-1-min(4, max(0, inner-4)))
}

// lintStale reports whether the findings are for an older text or other
// options than the editor's (a lint is on its way).
func (m Model) lintStale() bool {
	return m.lintRev != m.editor.Revision() || m.lintOpt != m.lintOptions()
}

func (l *lintList) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	m.status, m.statusErr = "", false
	k := m.c.Keys
	n := len(m.findings)
	rows := m.lintListRows()
	switch {
	case km.Type == tea.KeyEsc || key.Matches(km, k.Findings, k.Quit):
		m.overlays.remove(l)
		return m, nil
	case key.Matches(km, k.JumpLine):
		if n == 0 || m.lintStale() {
			return m, nil
		}
		f := m.findings[min(l.cursor, n-1)]
		m.overlays.remove(l)
		m.editor.GotoLine(f.Line)
		m.setFocus(paneEditor)
		return m, nil
	case key.Matches(km, k.Up):
		l.cursor--
	case key.Matches(km, k.Down):
		l.cursor++
	case key.Matches(km, k.PageUp):
		l.cursor -= rows
	case key.Matches(km, k.PageDown):
		l.cursor += rows
	case key.Matches(km, k.Top):
		l.cursor = 0
	case key.Matches(km, k.Bottom):
		l.cursor = n - 1
	}
	l.cursor = max(0, min(l.cursor, n-1))
	// Keep the cursor in the window.
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+rows {
		l.top = l.cursor - rows + 1
	}
	l.top = max(0, min(l.top, n-rows))
	return m, nil
}

func (l *lintList) draw(m Model, below string) string {
	return overlay(below, m.lintListView(l), m.w, m.h)
}

// lintListView draws the box: only the visible rows are rendered, so a
// script with thousands of findings costs a screenful.
func (m Model) lintListView(l *lintList) string {
	w := m.lintListWidth()
	cw := max(1, w-4) // inside the border and the padding
	rows := m.lintListRows()
	e, wn := 0, 0
	for _, f := range m.findings {
		switch f.Severity {
		case lint.Error:
			e++
		case lint.Warning:
			wn++
		}
	}
	head := m.st.dialogTitle.Render(fmt.Sprintf("Lint findings: %d (%d✗ %d!)", len(m.findings), e, wn)) +
		m.st.muted.Render("  ↑/↓ • enter: go to line • esc")
	lines := []string{head}
	switch {
	case m.lintStale():
		lines = append(lines, m.st.muted.Render("linting…"))
	case len(m.findings) == 0:
		lines = append(lines, m.st.ok.Render("no findings"))
	default:
		cur := max(0, min(l.cursor, len(m.findings)-1))
		top := max(0, min(l.top, len(m.findings)-rows))
		if cur < top || cur >= top+rows {
			top = max(0, cur-rows+1)
		}
		for i := top; i < len(m.findings) && i < top+rows; i++ {
			f := m.findings[i]
			row := fmt.Sprintf("%s %5s  %-7s %s", findingMark(f.Severity), fmt.Sprintf("%d:%d", f.Line, f.Col), f.Severity, sanitize(f.Message))
			row = ansi.Truncate(row, cw-2, "…")
			if i == cur {
				row = m.st.accent.Render("▶ " + row)
			} else {
				row = "  " + m.severityStyle(f.Severity, row)
			}
			lines = append(lines, row)
		}
		if more := len(m.findings) - (top + rows); more > 0 || top > 0 {
			lines[0] = head + m.st.muted.Render(fmt.Sprintf("  (%d–%d)", top+1, min(len(m.findings), top+rows)))
		}
		// The selected finding in full: its rule, message and hint.
		f := m.findings[cur]
		detail := strings.Split(ansi.Wrap(fmt.Sprintf("line %d, %s %s: %s", f.Line, f.Severity, sanitize(f.Code), sanitize(f.Message)), cw, ""), "\n")
		if f.Hint != "" {
			detail = append(detail, strings.Split(ansi.Wrap("hint: "+sanitize(f.Hint), cw, ""), "\n")...)
		}
		if room := max(0, m.h-4) - len(lines) - 1; room > 0 {
			lines = append(lines, "")
			for i, d := range detail {
				if i == room-1 && len(detail) > room {
					lines = append(lines, m.st.muted.Render(ansi.Truncate(d, cw-1, "")+"…"))
					break
				}
				lines = append(lines, m.st.muted.Render(d))
			}
		}
	}
	lines = lines[:min(len(lines), max(1, m.h-4))]
	return m.st.dialog.Width(w - 2).Render(fitLines(lines, cw, len(lines)))
}

// severityStyle draws a findings row in its severity's colour.
func (m Model) severityStyle(s lint.Severity, text string) string {
	switch s {
	case lint.Error:
		return m.st.errText.Render(text)
	case lint.Warning:
		return m.st.warn.Render(text)
	}
	return text
}
