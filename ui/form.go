package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx"
	"luascope/redisx/resp"
	"luascope/themes"
)

// formRow is one KEYS or ARGV value as the user typed it: escaped text
// (\x00, \n, \"), so binary values stay visible and editable.
type formRow struct {
	key  bool
	text string
}

type formStyles struct {
	header, muted, warn, errText, cursor, label lipgloss.Style
}

// newFormStyles is the form's styles for c's theme (shared: sharedStyles).
func newFormStyles(c *Common) *formStyles { return formStylesOf.get(c.Theme) }

// buildFormStyles builds what newFormStyles shares.
func buildFormStyles(t themes.Theme) formStyles {
	return formStyles{
		header:  lipgloss.NewStyle().Bold(true).Foreground(color(t.Accent)),
		muted:   lipgloss.NewStyle().Foreground(color(t.Muted)),
		warn:    lipgloss.NewStyle().Foreground(color(t.Warning)),
		errText: lipgloss.NewStyle().Foreground(color(t.Error)),
		cursor:  lipgloss.NewStyle().Reverse(true),
		label:   lipgloss.NewStyle().Foreground(color(t.Muted)),
	}
}

// Form is the KEYS/ARGV pane: rows of keys then arguments, binary-safe
// through visible escapes, with numkeys, each key's cluster slot, and
// warnings for repeated keys and keys in different slots.
type Form struct {
	c       *Common
	st      *formStyles
	rows    []formRow
	cursor  int
	input   *textinput.Model // by pointer: 5 KB the UI model would copy in every Update
	focused bool
	w, h    int
	top     int
	cluster bool // warn about keys in different slots only where it matters
}

// SetCluster says whether the server is a cluster, where keys in different
// slots fail with CROSSSLOT.
func (m *Form) SetCluster(on bool) { m.cluster = on }

// NewForm returns an empty form.
func NewForm(c *Common) Form {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 0
	return Form{c: c, st: newFormStyles(c), input: &in}
}

// SetTheme rebuilds the form's styles after a theme switch.
func (m *Form) SetTheme(c *Common) { m.c, m.st = c, newFormStyles(c) }

// SetValues replaces the rows with raw keys and args (any bytes).
func (m *Form) SetValues(keys, args []string) {
	m.rows = m.rows[:0]
	for _, k := range keys {
		m.rows = append(m.rows, formRow{key: true, text: resp.Escape([]byte(k))})
	}
	for _, a := range args {
		m.rows = append(m.rows, formRow{text: resp.Escape([]byte(a))})
	}
	m.cursor, m.top = 0, 0
	m.loadInput()
}

// Values returns the raw keys and args, or the first escape error with
// the row it is on, so a run never sends something the user did not mean.
func (m *Form) Values() (keys, args []string, err error) {
	m.storeInput()
	ki, ai := 0, 0
	for _, r := range m.rows {
		v, e := redisx.Unescape(r.text)
		if r.key {
			ki++
			if e != nil {
				return nil, nil, fmt.Errorf("KEYS[%d]: %v", ki, e)
			}
			keys = append(keys, v)
		} else {
			ai++
			if e != nil {
				return nil, nil, fmt.Errorf("ARGV[%d]: %v", ai, e)
			}
			args = append(args, v)
		}
	}
	return keys, args, nil
}

// NumKeys is the numkeys argument the run will send.
func (m Form) NumKeys() int {
	n := 0
	for _, r := range m.rows {
		if r.key {
			n++
		}
	}
	return n
}

func (m *Form) storeInput() {
	if m.cursor < len(m.rows) {
		m.rows[m.cursor].text = m.input.Value()
	}
}

func (m *Form) loadInput() {
	if m.cursor < len(m.rows) {
		m.input.SetValue(m.rows[m.cursor].text)
		m.input.CursorEnd()
	} else {
		m.input.SetValue("")
	}
}

// sortRows keeps keys before args, as numkeys requires, stably.
func (m *Form) sortRows() {
	var keys, args []formRow
	curIdx := -1
	for i, r := range m.rows {
		if r.key {
			if i == m.cursor {
				curIdx = len(keys)
			}
			keys = append(keys, r)
		} else {
			if i == m.cursor {
				curIdx = -2 - len(args)
			}
			args = append(args, r)
		}
	}
	m.rows = append(keys, args...)
	if curIdx >= 0 {
		m.cursor = curIdx
	} else {
		m.cursor = len(keys) + (-2 - curIdx)
	}
}

// update handles keys while the form has focus.
func (m Form) update(msg tea.Msg) (Form, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused {
		return m, nil
	}
	keys := m.c.Keys
	switch {
	case key.Matches(km, keys.AddRow):
		m.storeInput()
		row := formRow{key: len(m.rows) == 0 || (m.cursor < len(m.rows) && m.rows[m.cursor].key)}
		at := m.cursor + 1
		if len(m.rows) == 0 {
			at = 0
		}
		m.rows = append(m.rows[:at], append([]formRow{row}, m.rows[at:]...)...)
		m.cursor = at
		m.loadInput()
		return m, nil
	case key.Matches(km, keys.DeleteRow):
		if len(m.rows) == 0 {
			return m, nil
		}
		m.rows = append(m.rows[:m.cursor], m.rows[m.cursor+1:]...)
		if m.cursor >= len(m.rows) && m.cursor > 0 {
			m.cursor--
		}
		m.loadInput()
		return m, nil
	case key.Matches(km, keys.ToggleKind):
		if len(m.rows) == 0 {
			return m, nil
		}
		m.storeInput()
		m.rows[m.cursor].key = !m.rows[m.cursor].key
		m.sortRows()
		m.loadInput()
		return m, nil
	case key.Matches(km, keys.MoveRowUp), key.Matches(km, keys.MoveRowDown):
		m.storeInput()
		d := 1
		if key.Matches(km, keys.MoveRowUp) {
			d = -1
		}
		j := m.cursor + d
		if j < 0 || j >= len(m.rows) || m.rows[j].key != m.rows[m.cursor].key {
			return m, nil
		}
		m.rows[j], m.rows[m.cursor] = m.rows[m.cursor], m.rows[j]
		m.cursor = j
		return m, nil
	case key.Matches(km, keys.Up):
		if m.cursor > 0 {
			m.storeInput()
			m.cursor--
			m.loadInput()
		}
		return m, nil
	case key.Matches(km, keys.Down), km.Type == tea.KeyEnter:
		if m.cursor < len(m.rows)-1 {
			m.storeInput()
			m.cursor++
			m.loadInput()
		}
		return m, nil
	}
	if len(m.rows) == 0 {
		// Typing into an empty form starts the first key.
		if km.Type != tea.KeyRunes && km.Type != tea.KeySpace {
			return m, nil
		}
		m.rows = []formRow{{key: true}}
		m.cursor = 0
		m.loadInput()
	}
	var cmd tea.Cmd
	*m.input, cmd = m.input.Update(msg)
	m.storeInput()
	return m, cmd
}

// Update is update in the Pane interface's shape, so that the root routes
// to every pane the same way; the pane changes in place.
func (m *Form) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var cmd tea.Cmd
	*m, cmd = m.update(msg)
	return m, cmd
}

// warnings are what the form points out before anything is sent.
func (m Form) warnings() []string {
	var out []string
	seen := map[string]int{}
	slots := map[int]bool{}
	ki, ai := 0, 0
	for _, r := range m.rows {
		if !r.key {
			ai++
			if _, err := redisx.Unescape(r.text); err != nil {
				out = append(out, fmt.Sprintf("ARGV[%d]: %v", ai, err))
			}
			continue
		}
		ki++
		v, err := redisx.Unescape(r.text)
		if err != nil {
			out = append(out, fmt.Sprintf("KEYS[%d]: %v", ki, err))
			continue
		}
		if first, dup := seen[v]; dup {
			out = append(out, fmt.Sprintf("KEYS[%d] repeats KEYS[%d]", ki, first))
		} else {
			seen[v] = ki
		}
		slots[redisx.KeySlot(v)] = true
	}
	if len(slots) > 1 && m.cluster {
		out = append(out, fmt.Sprintf("keys hash to %d slots: CROSSSLOT in a cluster (use a {hash tag})", len(slots)))
	}
	return out
}

// View draws the rows with their slots and the warnings, exactly w×h.
func (m Form) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var lines []string
	nk := m.NumKeys()
	lines = append(lines, m.st.header.Render("KEYS")+m.st.muted.Render(fmt.Sprintf("  numkeys %d", nk)))
	cursorLine := 0
	ki, ai := 0, 0
	argsHeader := false
	for i, r := range m.rows {
		if !r.key && !argsHeader {
			lines = append(lines, m.st.header.Render("ARGV")+m.st.muted.Render(fmt.Sprintf("  %d", len(m.rows)-nk)))
			argsHeader = true
		}
		var label string
		if r.key {
			ki++
			label = fmt.Sprintf("%3d ", ki)
		} else {
			ai++
			label = fmt.Sprintf("%3d ", ai)
		}
		text := r.text
		var val string
		if i == m.cursor && m.focused {
			val = m.input.View()
			cursorLine = len(lines)
		} else {
			val = ansi.Strip(text)
		}
		suffix := ""
		if v, err := redisx.Unescape(text); err != nil {
			// The whole message goes in the warnings below; the row is marked.
			suffix = m.st.errText.Render("  ✗ bad escape")
		} else if r.key {
			suffix = m.st.muted.Render(fmt.Sprintf("  slot %d", redisx.KeySlot(v)))
		}
		lines = append(lines, m.st.label.Render(label)+val+suffix)
	}
	if !argsHeader {
		lines = append(lines, m.st.header.Render("ARGV")+m.st.muted.Render("  0"))
	}
	if len(m.rows) == 0 {
		lines = append(lines, m.st.muted.Render("  type a key, or ctrl+n to add a row; ctrl+t: key ↔ arg"))
	}
	for _, w := range m.warnings() {
		lines = append(lines, m.st.warn.Render("⚠ "+w))
	}
	// Keep the cursor row visible.
	top := m.top
	if cursorLine < top {
		top = cursorLine
	}
	if cursorLine >= top+m.h {
		top = cursorLine - m.h + 1
	}
	if top > len(lines)-1 {
		top = 0
	}
	lines = lines[top:]
	return fitLines(lines, m.w, m.h)
}

// SetSize sets the inner size of the pane.
func (m *Form) SetSize(w, h int) {
	m.w, m.h = w, h
	m.input.Width = max(1, w-12)
}

// Focus gives the form the keyboard.
func (m *Form) Focus() { m.focused = true; m.input.Focus(); m.loadInput() }

// Blur takes the keyboard away.
func (m *Form) Blur() { m.storeInput(); m.focused = false; m.input.Blur() }

// Focused reports whether the form has the keyboard.
func (m Form) Focused() bool { return m.focused }

// ShortHelp is the form's bindings for the help bar.
func (m Form) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.AddRow, k.DeleteRow, k.ToggleKind, k.MoveRowUp}
}

// FullHelp is the form's bindings for the help overlay.
func (m Form) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.AddRow, k.DeleteRow, k.ToggleKind}, {k.MoveRowUp, k.MoveRowDown, k.Up, k.Down}}
}

// fitLines pads or cuts lines to exactly w columns and h rows, so a pane
// never pushes the layout around.
func fitLines(lines []string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	var b strings.Builder
	for i := 0; i < h; i++ {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		if lw := ansi.StringWidth(line); lw > w {
			line = ansi.Truncate(line, w-1, "") + "…"
			lw = ansi.StringWidth(line)
			line += strings.Repeat(" ", max(0, w-lw))
		} else {
			line += strings.Repeat(" ", w-lw)
		}
		b.WriteString(line)
		if i < h-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
