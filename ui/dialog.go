package ui

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx"
	"luascope/redisx/ldb"
)

// dialog asks before something that cannot be undone. A typed dialog
// needs the exact words typed (SHUTDOWN NOSAVE), not just "y". It carries
// the command to start on yes, built when it was asked, so nothing is
// looked up again after the question; what needs the root's own state
// (quit, run, debug …) is a message the command sends back (rootMsg).
type dialog struct {
	title, body string
	typed       string
	input       textinput.Model
	yes         tea.Cmd
	// sending is the status on yes ("sending SCRIPT KILL…"); "" leaves
	// the status bar alone.
	sending string
	// onNo is the status after no or esc, when "cancelled" would not say
	// what was left undone.
	onNo string
}

func newConfirm(title, body string, yes tea.Cmd) *dialog {
	return &dialog{title: title, body: body, yes: yes}
}

func newTyped(title, body, typed string, yes tea.Cmd) *dialog {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = typed
	in.Focus()
	return &dialog{title: title, body: body, typed: typed, input: in, yes: yes}
}

// withStatus sets the status shown on yes.
func (d *dialog) withStatus(sending string) *dialog { d.sending = sending; return d }

// prompt asks for one line, e.g. a file name; submit makes the command
// for the line entered.
type prompt struct {
	title  string
	input  textinput.Model
	submit func(string) tea.Cmd
	// paths makes tab complete a file name (complete.go).
	paths bool
	comp  pathCompletion
}

func newPrompt(title, value string, submit func(string) tea.Cmd) *prompt {
	in := textinput.New()
	in.Prompt = "> "
	in.SetValue(value)
	in.CursorEnd()
	in.Focus()
	return &prompt{title: title, input: in, submit: submit}
}

// newPathPrompt asks for a file name, tab completing it; an empty answer
// does nothing, and a leading ~/ is the home directory, as the
// completion took it.
func newPathPrompt(title, value string, submit func(path string) tea.Cmd) *prompt {
	p := newPrompt(title, value, func(v string) tea.Cmd {
		path := strings.TrimSpace(v)
		if path == "" {
			return nil
		}
		if rest, ok := strings.CutPrefix(path, "~/"); ok {
			if home, err := os.UserHomeDir(); err == nil {
				path = filepath.Join(home, rest)
			}
		}
		return submit(path)
	})
	p.paths = true
	return p
}

// rootMsg is a result that only the root's own state needs (what a
// dialog or prompt asked for, a started watcher, a written temporary
// file): the root applies it on arrival, so it needs no case of its own.
type rootMsg interface {
	apply(m Model) (tea.Model, tea.Cmd)
}

// statusMsg is a pane's word for the status bar (a history file that
// could not be read), which only the root draws.
type statusMsg struct {
	text  string
	isErr bool
}

func (s statusMsg) apply(m Model) (tea.Model, tea.Cmd) {
	m.setStatus(s.text, s.isErr)
	return m, nil
}

// deliver is a command that delivers msg.
func deliver(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

type (
	quitConfirmedMsg     struct{}
	runConfirmedMsg      struct{ call redisx.Call }
	debugConfirmedMsg    struct{ mode ldb.Mode }
	openAskedMsg         struct{}
	shutdownConfirmedMsg struct{}
	batchAskedMsg        struct{ path string }
	saveAsAskedMsg       struct{ path string }
	debugAskedMsg        struct{ what, text string }
)

func (quitConfirmedMsg) apply(m Model) (tea.Model, tea.Cmd) {
	m.quitting = true
	return m, tea.Quit
}

func (msg runConfirmedMsg) apply(m Model) (tea.Model, tea.Cmd) { return m.launch(msg.call) }

func (msg debugConfirmedMsg) apply(m Model) (tea.Model, tea.Cmd) { return m.startDebug(msg.mode) }

func (openAskedMsg) apply(m Model) (tea.Model, tea.Cmd) {
	m.overlays.push(newPathPrompt("Open file", m.editor.Filename(), loadFileCmd))
	return m, textinput.Blink
}

func (shutdownConfirmedMsg) apply(m Model) (tea.Model, tea.Cmd) {
	if m.readOnly {
		m.setStatus("read-only refused SHUTDOWN NOSAVE: wait for the script to end", true)
		return m, nil
	}
	m.setStatus("sending SHUTDOWN NOSAVE…", false)
	return m, shutdownCmd(m.session)
}

func (msg batchAskedMsg) apply(m Model) (tea.Model, tea.Cmd) {
	m.batching = true
	m.setStatus("batch: starting…", false)
	return m, batchCmd(m.session, m.editor.Value(), msg.path, m.strategy, m.readOnly)
}

func (msg saveAsAskedMsg) apply(m Model) (tea.Model, tea.Cmd) {
	// Save as: a new name must not silently replace another file.
	return m, saveFileCmd(msg.path, m.editor.Value(), time.Time{}, msg.path == m.editor.Filename())
}

func (msg debugAskedMsg) apply(m Model) (tea.Model, tea.Cmd) {
	return m.debugPrompted(msg.what, msg.text)
}

func (d *dialog) fullScreen() bool { return false }

func (d *dialog) draw(m Model, below string) string { return overlay(below, m.dialogView(d), m.w, m.h) }

func (d *dialog) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	k := m.c.Keys
	if km.Type == tea.KeyEsc || (km.Type == tea.KeyCtrlC) {
		m.overlays.remove(d)
		m.setStatus(cmp.Or(d.onNo, "cancelled"), false)
		return m, nil
	}
	if d.typed != "" {
		if km.Type == tea.KeyEnter {
			if strings.TrimSpace(d.input.Value()) != d.typed {
				m.setStatus("not sent: type exactly "+d.typed, true)
				return m, nil
			}
			return d.confirm(m)
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(km)
		return m, cmd
	}
	switch {
	case key.Matches(km, k.Confirm):
		return d.confirm(m)
	case key.Matches(km, k.Cancel):
		m.overlays.remove(d)
		m.setStatus(cmp.Or(d.onNo, "cancelled"), false)
	}
	return m, nil
}

// confirm closes the dialog and starts what it asked about.
func (d *dialog) confirm(m Model) (Model, tea.Cmd) {
	m.overlays.remove(d)
	if d.sending != "" {
		m.setStatus(d.sending, false)
	}
	return m, d.yes
}

// shutdownCmd sends SHUTDOWN NOSAVE; the server closes the connection
// instead of answering, which is success here.
func shutdownCmd(s *redisx.Session) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		v, err := s.Admin(ctx, "SHUTDOWN", "NOSAVE")
		if err != nil && err != redisx.ErrReadOnlyAdmin {
			return adminDoneMsg{what: "SHUTDOWN NOSAVE", err: nil, reply: nil}
		}
		return adminDoneMsg{what: "SHUTDOWN NOSAVE", reply: v, err: err}
	}
}

func (p *prompt) fullScreen() bool { return false }

func (p *prompt) draw(m Model, below string) string { return overlay(below, m.promptView(p), m.w, m.h) }

func (p *prompt) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	switch km.Type {
	case tea.KeyEsc, tea.KeyCtrlC:
		m.overlays.remove(p)
		return m, nil
	case tea.KeyEnter:
		m.overlays.remove(p)
		return m, p.submit(p.input.Value())
	}
	if p.paths && key.Matches(km, completeKey) {
		return m, p.tab()
	}
	// Any other key makes the list stale; the seq stays, so a listing
	// still on its way is dropped.
	p.comp = pathCompletion{seq: p.comp.seq}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(km)
	return m, cmd
}

func (m Model) dialogView(d *dialog) string {
	w := min(64, m.w-4)
	var lines []string
	lines = append(lines, m.st.dialogTitle.Render(d.title), "")
	lines = append(lines, wrap(d.body, w-4)...)
	lines = append(lines, "")
	if d.typed != "" {
		d.input.Width = w - 8
		d.input.PlaceholderStyle = m.st.placeholder
		lines = append(lines, d.input.View(), m.st.muted.Render("enter sends • esc cancels"))
	} else {
		lines = append(lines, m.st.warn.Render("y")+" yes   "+m.st.accent.Render("n/esc")+" no")
	}
	return m.st.dialog.Width(w - 2).Render(strings.Join(lines, "\n"))
}

func (m Model) promptView(p *prompt) string {
	w := min(70, m.w-4)
	p.input.Width = w - 8
	lines := []string{m.st.dialogTitle.Render(p.title), p.input.View()}
	hint := "enter • esc cancels"
	if p.paths {
		hint = "enter • tab completes • esc cancels"
		if ansi.StringWidth(hint) > w-4 {
			hint = "tab completes • esc cancels"
		}
		// The box's border and its three lines leave the rest of the
		// screen; a few lines are enough to choose from.
		lines = append(lines, m.completionLines(p.comp, w-4, min(8, m.h-6))...)
	}
	lines = append(lines, m.st.muted.Render(hint))
	return m.st.dialog.Width(w - 2).Render(strings.Join(lines, "\n"))
}

// wrap breaks text into lines of at most w cells at spaces.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(ansi.Wordwrap(s, w, ""), "\n")
}
