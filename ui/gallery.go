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
	"luascope/redisx/resp"
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
	// user is the connection as the example's ACL user (Example.User),
	// opened once its setup made the user; nil when it names none.
	user *redisx.Session
}

// setupPlan is what happens to an example's setup, which deletes and
// rewrites the example's keys.
type setupPlan int

const (
	setupRun        setupPlan = iota // no setup, or a sandbox: run it unasked
	setupAsk                         // a real server: ask first, default no
	setupReadOnly                    // never: read-only must not write
	setupProduction                  // never: a teaching setup has no business on production
)

// setupPlan decides, for the connection at hand, whether an example's
// setup runs unasked (only on a sandbox luascope started), after a yes
// (any other server: a local 6379 is still someone's data) or not at all.
func (m Model) setupPlan(ex examples.Example) setupPlan {
	switch {
	case len(ex.Setup) == 0:
		return setupRun
	case m.readOnly:
		return setupReadOnly
	case m.opts.Production:
		return setupProduction
	case m.opts.Sandbox:
		return setupRun
	}
	return setupAsk
}

// offerExampleSetup runs, asks about or declines an example's setup by
// setupPlan, saying so in the status bar; the example is open either way.
func (m Model) offerExampleSetup(ex examples.Example) (Model, tea.Cmd) {
	switch m.setupPlan(ex) {
	case setupRun:
		return m, exampleSetupCmd(m.session, ex)
	case setupReadOnly:
		m.setStatus("example "+ex.Name+": read-only refused its setup (it writes "+exampleKeys(ex)+"); the keys hold what the server has", true)
	case setupProduction:
		m.setStatus("example "+ex.Name+": setup not run on a production connection (it writes "+exampleKeys(ex)+"); the keys hold what the server has", true)
	case setupAsk:
		cmds := make([]string, len(ex.Setup))
		for i, c := range ex.Setup {
			cmds[i] = exampleCommand(c)
		}
		d := newConfirm("Run the example's setup?",
			fmt.Sprintf("%s is not a sandbox. Example %s's setup deletes and rewrites %s there: %s. Run it? (n: nothing is sent; the example still opens with its keys and args)",
				sanitize(m.target.String()), ex.Name, exampleKeys(ex), strings.Join(cmds, " · ")), exampleSetupCmd(m.session, ex)).withStatus("sending…")
		d.onNo = "example " + ex.Name + ": setup not run; the keys hold what the server has"
		m.overlays.push(d)
	}
	return m, nil
}

// exampleKeys names an example's keys for a person, escaped.
func exampleKeys(ex examples.Example) string {
	if len(ex.Keys) == 0 {
		return "no keys"
	}
	ks := make([]string, len(ex.Keys))
	for i, k := range ex.Keys {
		ks[i] = resp.Quote([]byte(k))
	}
	return strings.Join(ks, ", ")
}

// exampleCommand shows one setup command with each word escaped.
func exampleCommand(c []string) string {
	ws := make([]string, len(c))
	for i, w := range c {
		ws[i] = resp.Escape([]byte(w))
		if ws[i] == "" || strings.ContainsAny(ws[i], " \t\"'") {
			ws[i] = resp.Quote([]byte(w))
		}
	}
	return strings.Join(ws, " ")
}

// exampleSetupCmd prepares an example's keys on the server (its own DEL
// and writes). The decision is setupPlan's; the session still refuses the
// writes in read-only mode.
func exampleSetupCmd(s *redisx.Session, ex examples.Example) tea.Cmd {
	return func() tea.Msg {
		if len(ex.Setup) == 0 {
			return exampleLoadedMsg{ex: ex, notice: "example " + ex.Name + ": ctrl+r runs it"}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := examples.Prepare(ctx, s, ex); err != nil {
			return exampleLoadedMsg{ex: ex, err: err}
		}
		if ex.User == "" {
			return exampleLoadedMsg{ex: ex, notice: "example " + ex.Name + " ready (setup done): ctrl+r runs it"}
		}
		// The lesson is what this user gets: its runs go on a connection
		// of its own (the setup just created the user).
		u, err := examples.AsUser(ctx, s, ex)
		if err != nil {
			return exampleLoadedMsg{ex: ex, err: err}
		}
		return exampleLoadedMsg{ex: ex, user: u, notice: "example " + ex.Name + " ready (setup done): ctrl+r runs it as ACL user " + ex.User}
	}
}

func (g *gallery) fullScreen() bool { return false }

func (g *gallery) draw(m Model, below string) string {
	return overlay(below, m.galleryView(g), m.w, m.h)
}

func (g *gallery) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case km.Type == tea.KeyEsc || key.Matches(km, galleryKey):
		m.overlays.remove(g)
	case key.Matches(km, m.c.Keys.Up):
		g.cursor = max(0, g.cursor-1)
	case key.Matches(km, m.c.Keys.Down):
		g.cursor = min(len(g.all)-1, g.cursor+1)
	case key.Matches(km, m.c.Keys.PageUp):
		g.cursor = max(0, g.cursor-galleryRows(m.h))
	case key.Matches(km, m.c.Keys.PageDown):
		g.cursor = min(len(g.all)-1, g.cursor+galleryRows(m.h))
	case key.Matches(km, m.c.Keys.Top):
		g.cursor = 0
	case key.Matches(km, m.c.Keys.Bottom):
		g.cursor = len(g.all) - 1
	case km.Type == tea.KeyEnter:
		if m.editor.Modified() {
			m.setStatus("the script has unsaved changes: save (ctrl+s) or undo them first", true)
			return m, nil
		}
		ex := g.all[g.cursor]
		m.example = &ex
		closeUser := m.dropExampleUser()
		m.overlays.remove(g)
		m.editor.SetValue(ex.Source)
		m.editor.SetFilename("")
		m.form.SetValues(ex.Keys, ex.Args)
		m.syncClusterKeys()
		m.setFocus(paneEditor)
		m.setStatus("loading example "+ex.Name+"…", false)
		relint := tea.Batch(m.scriptReplaced(), closeUser)
		if m.session == nil {
			return m, relint
		}
		var setup tea.Cmd
		m, setup = m.offerExampleSetup(ex)
		return m, tea.Batch(setup, relint)
	}
	return m, nil
}

// galleryRows is how many examples the gallery lists at once on a
// terminal h rows high (a page, for pgup and pgdn).
func galleryRows(h int) int { return max(3, max(6, h-6)/2) }

func (m Model) galleryView(g *gallery) string {
	w := min(m.w-4, 96)
	h := max(6, m.h-6)
	var lines []string
	lines = append(lines, m.st.dialogTitle.Render("Examples")+m.st.muted.Render("  ↑↓ pgup pgdn home end • enter: load with keys, args, setup • esc"))
	listH := galleryRows(m.h)
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

// dropExampleUser forgets the example's own connection (another script
// or example replaces it) and returns the command that closes it.
func (m *Model) dropExampleUser() tea.Cmd {
	u := m.exampleUser
	m.exampleUser = nil
	if u == nil {
		return nil
	}
	return closeSessionCmd(u)
}

// closeSessionCmd closes s off the UI goroutine (a network write).
func closeSessionCmd(s *redisx.Session) tea.Cmd {
	return func() tea.Msg {
		_ = s.Close()
		return nil
	}
}

// runSession is the connection a run of the editor's script goes on, and
// the ACL user it runs as: the open example's user's connection when it
// has one (its lesson is what that user gets), else the session ("").
// exampleUser is set only while its example is open (dropExampleUser).
func (m Model) runSession() (*redisx.Session, string) {
	if m.exampleUser != nil && m.example != nil && m.function == "" {
		return m.exampleUser, m.example.User
	}
	return m.session, ""
}
