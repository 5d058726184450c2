package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx"
	"luascope/themes"
)

// Messages of the library browser.
type (
	librariesLoadedMsg struct {
		libs []redisx.Library
		err  error
	}
	// libraryOpenedMsg asks the root to put a library's code in the editor.
	libraryOpenedMsg struct {
		lib       redisx.Library
		confirmed bool // the user agreed to drop unsaved edits
	}
	// functionPickedMsg asks the root to call this function on ctrl+r.
	functionPickedMsg struct {
		name  string
		flags []string
	}
	// libraryLoadMsg asks the root to FUNCTION LOAD REPLACE the editor's code.
	libraryLoadMsg struct{}
	// scriptModeMsg asks the root to go back to running the editor's script.
	scriptModeMsg struct{}
	// refreshLibrariesMsg asks the root for FUNCTION LIST again.
	refreshLibrariesMsg struct{}
)

var (
	fnEnter   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "library: open code / function: call it with ctrl+r"))
	fnLoad    = key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "FUNCTION LOAD REPLACE the editor's code"))
	fnScript  = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "back to running the script"))
	fnRefresh = key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "refresh"))
)

type fnStyles struct{ lib, fn, muted, err, cursor, picked lipgloss.Style }

// newFnStyles is the functions pane's styles for c's theme (shared: sharedStyles).
func newFnStyles(c *Common) *fnStyles { return fnStylesOf.get(c.Theme) }

// buildFnStyles builds what newFnStyles shares.
func buildFnStyles(t themes.Theme) fnStyles {
	return fnStyles{
		lib:    lipgloss.NewStyle().Foreground(color(t.Accent)).Bold(true),
		fn:     lipgloss.NewStyle().Foreground(color(t.Text)),
		muted:  lipgloss.NewStyle().Foreground(color(t.Muted)),
		err:    lipgloss.NewStyle().Foreground(color(t.Error)),
		cursor: lipgloss.NewStyle().Reverse(true),
		picked: lipgloss.NewStyle().Foreground(color(t.OK)).Bold(true),
	}
}

// fnRow is one line of the browser: a library or one of its functions.
type fnRow struct {
	lib int
	fn  int // -1 for the library row
}

// FunctionsPane browses Redis Functions (FUNCTION LIST WITHCODE): the
// libraries, their functions with flags and descriptions; it opens a
// library's code in the editor, loads the editor's code as a library, and
// picks the function ctrl+r calls with the form's KEYS/ARGV.
type FunctionsPane struct {
	c       *Common
	st      *fnStyles
	libs    []redisx.Library
	err     error
	loaded  bool
	picked  string
	cursor  int
	w, h    int
	focused bool
}

// NewFunctionsPane returns an empty browser; the root loads it when shown.
func NewFunctionsPane(c *Common) FunctionsPane {
	return FunctionsPane{c: c, st: newFnStyles(c)}
}

// SetTheme rebuilds the styles after a theme switch.
func (p *FunctionsPane) SetTheme(c *Common) { p.c, p.st = c, newFnStyles(c) }

// SetLibraries shows a FUNCTION LIST result.
func (p *FunctionsPane) SetLibraries(libs []redisx.Library, err error) {
	p.libs, p.err, p.loaded = libs, err, true
	if p.cursor >= len(p.rows()) {
		p.cursor = 0
	}
}

// SetPicked marks the function ctrl+r calls ("" in script mode).
func (p *FunctionsPane) SetPicked(name string) { p.picked = name }

func (p FunctionsPane) rows() []fnRow {
	var out []fnRow
	for i, l := range p.libs {
		out = append(out, fnRow{lib: i, fn: -1})
		for j := range l.Functions {
			out = append(out, fnRow{lib: i, fn: j})
		}
	}
	return out
}

// update handles keys while the pane has focus.
func (p FunctionsPane) update(msg tea.Msg) (FunctionsPane, tea.Cmd) {
	if msg, ok := msg.(librariesLoadedMsg); ok {
		// Its own result, focused or not: the root only routes it here.
		p.SetLibraries(msg.libs, msg.err)
		return p, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok || !p.focused {
		return p, nil
	}
	rows := p.rows()
	switch {
	case key.Matches(km, p.c.Keys.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(km, p.c.Keys.Down):
		p.cursor = min(max(0, len(rows)-1), p.cursor+1)
	case key.Matches(km, fnEnter) && len(rows) > 0:
		r := rows[p.cursor]
		lib := p.libs[r.lib]
		if r.fn < 0 {
			return p, func() tea.Msg { return libraryOpenedMsg{lib: lib} }
		}
		f := lib.Functions[r.fn]
		return p, func() tea.Msg { return functionPickedMsg{name: f.Name, flags: f.Flags} }
	case key.Matches(km, fnLoad):
		return p, func() tea.Msg { return libraryLoadMsg{} }
	case key.Matches(km, fnScript):
		return p, func() tea.Msg { return scriptModeMsg{} }
	case key.Matches(km, fnRefresh):
		return p, func() tea.Msg { return refreshLibrariesMsg{} }
	}
	return p, nil
}

// Update is update in the Pane interface's shape, so that the root routes
// to every pane the same way; the pane changes in place.
func (p *FunctionsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var cmd tea.Cmd
	*p, cmd = p.update(msg)
	return p, cmd
}

// View lists libraries and functions.
func (p FunctionsPane) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	var lines []string
	mode := "mode: running the editor's script (enter on a function to call it instead)"
	if p.picked != "" {
		mode = "mode: ctrl+r calls FCALL " + sanitize(p.picked) + " with the form (x: back to the script)"
	}
	lines = append(lines, p.st.muted.Render(mode))
	switch {
	case p.err != nil:
		lines = append(lines, p.st.err.Render("FUNCTION LIST failed: ")+sanitize(p.err.Error()))
	case !p.loaded:
		lines = append(lines, p.st.muted.Render("asking FUNCTION LIST…"))
	case len(p.libs) == 0:
		lines = append(lines, p.st.muted.Render("no libraries on this server: write one in the editor (#!lua name=mylib) and press l to load it"))
	}
	for i, r := range p.rows() {
		lib := p.libs[r.lib]
		var line string
		if r.fn < 0 {
			line = p.st.lib.Render(fmt.Sprintf("%s (%s, %d function(s))", sanitize(lib.Name), sanitize(lib.Engine), len(lib.Functions)))
		} else {
			f := lib.Functions[r.fn]
			flags := "no flags"
			if len(f.Flags) > 0 {
				flags = strings.Join(f.Flags, ",")
			}
			line = "  " + sanitize(f.Name) + p.st.muted.Render(" ["+sanitize(flags)+"]")
			if f.Description != "" {
				line += p.st.muted.Render(" — " + sanitize(f.Description))
			}
			if f.Name == p.picked {
				line = p.st.picked.Render("▶ ") + line
			}
		}
		if i == p.cursor && p.focused {
			line = p.st.cursor.Render(ansi.Strip(line))
		}
		lines = append(lines, line)
	}
	// Keep the cursor visible.
	if over := p.cursor + 2 - p.h; over > 0 && over < len(lines) {
		lines = append(lines[:1], lines[1+over:]...)
	}
	return fitLines(lines, p.w, p.h)
}

// SetSize sets the inner size.
func (p *FunctionsPane) SetSize(w, h int) { p.w, p.h = w, h }

// Focus gives the pane the keyboard.
func (p *FunctionsPane) Focus() { p.focused = true }

// Blur takes the keyboard away.
func (p *FunctionsPane) Blur() { p.focused = false }

// Focused reports whether the pane has the keyboard.
func (p FunctionsPane) Focused() bool { return p.focused }

// ShortHelp is the pane's bindings for the help bar.
func (p FunctionsPane) ShortHelp() []key.Binding { return []key.Binding{fnEnter, fnLoad, fnScript} }

// FullHelp is the pane's bindings for the help overlay.
func (p FunctionsPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.c.Keys.Up, p.c.Keys.Down, fnEnter, fnLoad, fnScript, fnRefresh}}
}

// libraryOf is the code of the library that holds function fn, from the
// last FUNCTION LIST WITHCODE; "" when not known.
func (p FunctionsPane) libraryOf(fn string) string {
	for _, l := range p.libs {
		for _, f := range l.Functions {
			if f.Name == fn {
				return l.Code
			}
		}
	}
	return ""
}
