package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"luascope/history"
	"luascope/redisx/resp"
	"luascope/themes"
)

// loadEntryMsg asks the root to put a past run back into the editor and
// form, and to run it again when run is set.
type loadEntryMsg struct {
	entry     history.Entry
	run       bool
	confirmed bool // the user agreed to discard unsaved edits
}

type histStyles struct {
	cursor, muted, errText, ok lipgloss.Style
	mark                       ink // the filter's words in the rows, as the search marks them
}

// newHistStyles is the history pane's styles for c's theme (shared: sharedStyles).
func newHistStyles(c *Common) *histStyles { return histStylesOf.get(c.Theme) }

// buildHistStyles builds what newHistStyles shares.
func buildHistStyles(t themes.Theme) histStyles {
	return histStyles{
		cursor:  lipgloss.NewStyle().Reverse(true),
		muted:   lipgloss.NewStyle().Foreground(color(t.Muted)),
		errText: lipgloss.NewStyle().Foreground(color(t.Error)),
		ok:      lipgloss.NewStyle().Foreground(color(t.OK)),
		mark:    newSearchInks(t).match,
	}
}

// HistoryPane browses past runs, newest first. "/" opens its filter, as
// in k9s and lazygit: typing filters (by text, `sha:PREFIX` or
// `class:NAME`), enter keeps the filter and gives the keys back to the
// list (n/N then step through the runs it kept, wrapping), esc clears it.
// The filter is the pane's search: every run it keeps is a match.
type HistoryPane struct {
	c       *Common
	st      *histStyles
	all     []history.Entry  // oldest first, as stored
	shown   []history.Entry  // filtered, newest first
	filter  *textinput.Model // by pointer: 5 KB the UI model would copy in every Update
	cursor  int
	top     int
	w, h    int
	focused bool
	lastQ   string
	typing  bool      // the filter has the keyboard
	words   []matcher // the filter's text terms, marked in the rows
}

// NewHistoryPane returns an empty pane; SetEntries fills it.
func NewHistoryPane(c *Common) HistoryPane {
	in := textinput.New()
	in.Prompt = "/ filter: "
	in.Placeholder = "text, sha:…, class:…"
	in.PlaceholderStyle = placeholderStyle(c.Theme)
	return HistoryPane{c: c, st: newHistStyles(c), filter: &in}
}

// SetTheme rebuilds styles after a theme switch.
func (m *HistoryPane) SetTheme(c *Common) {
	m.c, m.st = c, newHistStyles(c)
	m.filter.PlaceholderStyle = placeholderStyle(c.Theme)
}

// SetEntries replaces the list (oldest first, as history.Load returns).
func (m *HistoryPane) SetEntries(e []history.Entry) {
	m.all = e
	m.refilter()
}

// Add appends a run that just finished.
func (m *HistoryPane) Add(e history.Entry) {
	m.all = append(m.all, e)
	m.refilter()
}

func (m *HistoryPane) refilter() {
	m.lastQ = m.filter.Value()
	m.shown = history.NewestFirst(history.Filter(m.all, m.lastQ))
	m.words = nil // not [:0]: an older copy of the pane may share the array
	for _, w := range filterWords(m.lastQ) {
		m.words = append(m.words, newMatcher(w))
	}
	if m.cursor >= len(m.shown) {
		m.cursor = max(0, len(m.shown)-1)
	}
}

// Replay is the binding that re-runs the selected entry.
var replayKey = key.NewBinding(key.WithKeys("alt+enter"), key.WithHelp("alt+enter", "load & re-run"))
var loadKey = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "load into editor"))

// update handles keys while the pane has focus.
func (m HistoryPane) update(msg tea.Msg) (HistoryPane, tea.Cmd) {
	// Its own results, focused or not: the root only routes them here;
	// what the user must read goes to the status bar (statusMsg).
	switch msg := msg.(type) {
	case historyLoadedMsg:
		m.SetEntries(msg.entries)
		switch {
		case msg.err != nil:
			return m, deliver(statusMsg{text: "history: " + msg.err.Error(), isErr: true})
		case len(msg.problems) > 0:
			return m, deliver(statusMsg{text: fmt.Sprintf("history: skipped %d damaged line(s) (first at line %d)", len(msg.problems), msg.problems[0].Line), isErr: true})
		}
		return m, nil
	case historyAppendedMsg:
		if msg.err != nil {
			return m, deliver(statusMsg{text: "history: " + msg.err.Error(), isErr: true})
		}
		m.Add(msg.entry)
		return m, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused {
		return m, nil
	}
	k := m.c.Keys
	if m.typing {
		switch {
		case key.Matches(km, searchConfirm):
			m.typing = false
			m.filter.Blur()
			return m, nil
		case key.Matches(km, searchCancel):
			m.typing = false
			m.filter.Blur()
			m.filter.SetValue("")
			m.refilter()
			return m, nil
		}
	}
	switch {
	case !m.typing && key.Matches(km, k.Search):
		m.typing = true
		return m, m.filter.Focus()
	case !m.typing && m.lastQ != "" && key.Matches(km, searchCancel):
		m.filter.SetValue("")
		m.refilter()
		return m, nil
	case !m.typing && m.lastQ != "" && len(m.shown) > 0 && key.Matches(km, k.NextMatch, k.PrevMatch):
		d := 1
		if key.Matches(km, k.PrevMatch) {
			d = -1
		}
		m.cursor = (m.cursor + d + len(m.shown)) % len(m.shown)
		return m, nil
	case key.Matches(km, replayKey), key.Matches(km, loadKey):
		if len(m.shown) == 0 {
			return m, nil
		}
		e := m.shown[m.cursor]
		run := key.Matches(km, replayKey)
		return m, func() tea.Msg { return loadEntryMsg{entry: e, run: run} }
	case !m.typing && key.Matches(km, histDetailKey):
		if len(m.shown) == 0 {
			return m, nil
		}
		return m, openDetail(historyDetail(m.shown[m.cursor]))
	case key.Matches(km, k.Up):
		m.cursor = max(0, m.cursor-1)
		return m, nil
	case key.Matches(km, k.Down):
		m.cursor = min(max(0, len(m.shown)-1), m.cursor+1)
		return m, nil
	case key.Matches(km, k.PageUp):
		m.cursor = max(0, m.cursor-m.pageRows())
		return m, nil
	case key.Matches(km, k.PageDown):
		m.cursor = min(max(0, len(m.shown)-1), m.cursor+m.pageRows())
		return m, nil
	}
	if !m.typing {
		return m, nil
	}
	var cmd tea.Cmd
	*m.filter, cmd = m.filter.Update(msg)
	if m.filter.Value() != m.lastQ {
		m.refilter()
	}
	return m, cmd
}

// Update is update in the Pane interface's shape, so that the root routes
// to every pane the same way; the pane changes in place.
func (m *HistoryPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var cmd tea.Cmd
	*m, cmd = m.update(msg)
	return m, cmd
}

func (m HistoryPane) pageRows() int { return max(1, (m.h-2)/2) }

// View lists runs: time, outcome, SHA, keys, reply or error.
func (m HistoryPane) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	count := fmt.Sprintf("%d of %d runs", len(m.shown), len(m.all))
	if m.lastQ != "" && len(m.shown) > 0 {
		count += fmt.Sprintf(" · %d/%d", m.cursor+1, len(m.shown))
	}
	lines := []string{m.filter.View(), m.st.muted.Render(count)}
	if len(m.shown) == 0 {
		lines = append(lines, m.st.muted.Render("no runs yet — every ctrl+r is recorded here"))
		return fitLines(lines, m.w, m.h)
	}
	rows := (m.h - 2) / 2
	top := m.top
	if m.cursor < top {
		top = m.cursor
	}
	if m.cursor >= top+rows {
		top = m.cursor - rows + 1
	}
	for i := top; i < len(m.shown) && i < top+rows; i++ {
		e := m.shown[i]
		outcome := m.st.ok.Render("ok")
		detail := e.Reply
		if e.ErrorClass != "" {
			outcome = m.st.errText.Render(e.ErrorClass)
			detail = e.Error
		}
		keys := make([]string, len(e.Keys))
		for j, k := range e.Keys {
			keys[j] = resp.Escape([]byte(k))
		}
		head := fmt.Sprintf("%s %s %s %s", e.Time.Local().Format("01-02 15:04:05"), short(e.SHA), outcome, strings.Join(keys, " "))
		// The source is the user's text and the reply a summary that
		// history stored escaped: escaped once more they would read
		// redis.call(\"SET\") and \\x1b. Printable only escapes what is
		// still unsafe (an error's raw control bytes).
		sub := "   " + printableText(firstLine(e.Source)) + "  → " + printableText(detail)
		if i == m.cursor && m.focused {
			head = m.st.cursor.Render(head)
		}
		sub = m.st.muted.Render(sub)
		for _, w := range m.words {
			head, sub = markLine(head, w, m.st.mark), markLine(sub, w, m.st.mark)
		}
		lines = append(lines, head, sub)
	}
	return fitLines(lines, m.w, m.h)
}

// filterWords are the terms of a filter that match text, as
// history.Filter splits them ("quoted phrases" whole), without the
// sha: and class: terms, which match no text on the row.
func filterWords(q string) []string {
	var out []string
	for i, part := range strings.Split(q, `"`) {
		terms := []string{part}
		if i%2 == 0 { // outside quotes
			terms = strings.Fields(part)
		}
		for _, t := range terms {
			l := strings.ToLower(t)
			if t != "" && !strings.HasPrefix(l, "sha:") && !strings.HasPrefix(l, "class:") {
				out = append(out, t)
			}
		}
	}
	return out
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
			return t
		}
	}
	return strings.TrimSpace(s)
}

// SetSize sets the inner size.
// The filter input draws its prompt, Width cells and one more for the
// cursor; sized to w-10 it was a cell too wide and fitLines cut it to "…".
func (m *HistoryPane) SetSize(w, h int) {
	m.w, m.h = w, h
	m.filter.Width = max(1, w-ansi.StringWidth(m.filter.Prompt)-1)
}

// Focus gives the pane the keyboard ("/" filters).
func (m *HistoryPane) Focus() { m.focused = true }

// Blur takes the keyboard away; a filter being typed is kept.
func (m *HistoryPane) Blur() { m.focused = false; m.typing = false; m.filter.Blur() }

// Focused reports whether the pane has the keyboard.
func (m HistoryPane) Focused() bool { return m.focused }

// ShortHelp is the pane's bindings for the help bar.
func (m HistoryPane) ShortHelp() []key.Binding {
	if m.typing {
		return []key.Binding{searchConfirm, searchCancel}
	}
	k := m.c.Keys
	on := m.lastQ != ""
	return []key.Binding{loadKey, replayKey, histDetailKey, helpIf(k.Search, !on), helpIf(k.NextMatch, on), helpIf(k.PrevMatch, on)}
}

// FullHelp is the pane's bindings for the help overlay.
func (m HistoryPane) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{loadKey, replayKey, histDetailKey, k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Search, k.NextMatch, k.PrevMatch, searchConfirm, searchCancel}}
}

// short abbreviates a SHA for narrow rows.
func short(sha string) string {
	if len(sha) > 10 {
		return sha[:10]
	}
	return sha
}
