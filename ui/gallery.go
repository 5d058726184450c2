package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"luascope/examples"
	"luascope/redisx"
)

// galleryKey opens the examples gallery.
var galleryKey = key.NewBinding(key.WithKeys("alt+g"), key.WithHelp("alt+g", "examples gallery"))

// gallery is the examples picker: a list with the selected lesson.
type gallery struct {
	all    []examples.Example
	cursor int
}

// exampleLoadedMsg says an example's setup ran (or why it did not).
type exampleLoadedMsg struct {
	ex     examples.Example
	notice string
	err    error
}

// exampleSetupCmd prepares an example's keys on the server (its own
// DEL and writes), never on a read-only or production connection.
func exampleSetupCmd(s *redisx.Session, ex examples.Example, protected bool) tea.Cmd {
	return func() tea.Msg {
		if len(ex.Setup) == 0 {
			return exampleLoadedMsg{ex: ex, notice: "example " + ex.Name + ": ctrl+r runs it"}
		}
		if protected {
			return exampleLoadedMsg{ex: ex, notice: "example " + ex.Name + ": setup skipped (read-only or production connection)"}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := examples.Prepare(ctx, s, ex); err != nil {
			return exampleLoadedMsg{ex: ex, err: err}
		}
		return exampleLoadedMsg{ex: ex, notice: "example " + ex.Name + " ready (setup done): ctrl+r runs it"}
	}
}

func (m Model) updateGallery(km tea.KeyMsg) (tea.Model, tea.Cmd) {
	g := m.gallery
	switch {
	case km.Type == tea.KeyEsc || key.Matches(km, galleryKey):
		m.gallery = nil
	case key.Matches(km, m.c.Keys.Up):
		g.cursor = max(0, g.cursor-1)
	case key.Matches(km, m.c.Keys.Down):
		g.cursor = min(len(g.all)-1, g.cursor+1)
	case km.Type == tea.KeyEnter:
		if m.editor.Modified() {
			m.setStatus("the script has unsaved changes: save (ctrl+s) or undo them first", true)
			return m, nil
		}
		ex := g.all[g.cursor]
		m.gallery = nil
		m.editor.SetValue(ex.Source)
		m.editor.SetFilename("")
		m.form.SetValues(ex.Keys, ex.Args)
		m.syncClusterKeys()
		m.setFocus(paneEditor)
		m.setStatus("loading example "+ex.Name+"…", false)
		if m.session == nil {
			return m, nil
		}
		return m, tea.Batch(exampleSetupCmd(m.session, ex, m.opts.Production || m.readOnly), m.lintNow(), m.checkCache())
	}
	return m, nil
}

func (m Model) galleryView() string {
	g := m.gallery
	w := min(m.w-4, 96)
	h := max(6, m.h-6)
	var lines []string
	lines = append(lines, m.st.dialogTitle.Render("Examples")+m.st.muted.Render("  ↑/↓ choose • enter loads it with its keys, args and setup • esc"))
	listH := max(3, h/2)
	top := max(0, min(g.cursor-listH/2, len(g.all)-listH))
	for i := top; i < len(g.all) && i < top+listH; i++ {
		e := g.all[i]
		line := fmt.Sprintf("%-26s %s", e.Name, e.Title)
		if i == g.cursor {
			line = m.st.accent.Render("▶ " + line)
		} else {
			line = "  " + line
		}
		lines = append(lines, line)
	}
	e := g.all[g.cursor]
	lines = append(lines, "", m.st.muted.Render("tags: "+strings.Join(e.Tags, ", ")))
	lines = append(lines, wrap(e.Lesson, w-4)...)
	if len(lines) > h {
		lines = lines[:h]
	}
	return m.st.dialog.Width(w - 2).Render(fitLines(lines, w-4, len(lines)))
}
