package ui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx"
	"luascope/redisx/ldb"
)

// action is what a dialog or prompt does when the user agrees.
type action int

const (
	actQuit action = iota
	actRun
	actKill
	actFlush
	actShutdown
	actOpen
	actSave
	actOpenPrompt
	actLoadEntry
	actSaveForce
	actLoadLibrary
	actBatch
	actDebugFork
	actDebugSync
	actDebugPrint
	actDebugEval
	actDebugRedis
	actDebugMaxLen
	actSend // start the dialog's send command
)

// dialog asks before something that cannot be undone. A typed dialog
// needs the exact words typed (SHUTDOWN NOSAVE), not just "y".
type dialog struct {
	title, body string
	typed       string
	input       textinput.Model
	act         action
	call        *redisx.Call
	entry       *loadEntryMsg
	path        string
	// send is what actSend starts on yes (the command carries what it
	// needs, so nothing is looked up again after the question).
	send tea.Cmd
	// onNo is the status after no or esc, when "cancelled" would not say
	// what was left undone.
	onNo string
}

func newConfirm(title, body string, act action) *dialog {
	return &dialog{title: title, body: body, act: act}
}

func newTyped(title, body, typed string, act action) *dialog {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = typed
	in.Focus()
	return &dialog{title: title, body: body, typed: typed, input: in, act: act}
}

// prompt asks for one line, e.g. a file name.
type prompt struct {
	title string
	input textinput.Model
	act   action
}

func newPrompt(title, value string, act action) *prompt {
	in := textinput.New()
	in.Prompt = "> "
	in.SetValue(value)
	in.CursorEnd()
	in.Focus()
	return &prompt{title: title, input: in, act: act}
}

func (m Model) updateDialog(km tea.KeyMsg) (tea.Model, tea.Cmd) {
	d := m.dlg
	k := m.c.Keys
	if km.Type == tea.KeyEsc || (km.Type == tea.KeyCtrlC) {
		m.dlg = nil
		m.setStatus(orDefault(d.onNo, "cancelled"), false)
		return m, nil
	}
	if d.typed != "" {
		if km.Type == tea.KeyEnter {
			if strings.TrimSpace(d.input.Value()) != d.typed {
				m.setStatus("not sent: type exactly "+d.typed, true)
				return m, nil
			}
			m.dlg = nil
			return m.doAction(d)
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(km)
		return m, cmd
	}
	switch {
	case key.Matches(km, k.Confirm):
		m.dlg = nil
		return m.doAction(d)
	case key.Matches(km, k.Cancel):
		m.dlg = nil
		m.setStatus(orDefault(d.onNo, "cancelled"), false)
	}
	return m, nil
}

func (m Model) doAction(d *dialog) (tea.Model, tea.Cmd) {
	switch d.act {
	case actQuit:
		m.quitting = true
		return m, tea.Quit
	case actRun:
		if d.call != nil {
			return m.launch(*d.call)
		}
	case actKill:
		m.setStatus("sending SCRIPT KILL…", false)
		return m, adminCmd(m.session, "SCRIPT KILL", "SCRIPT", "KILL")
	case actFlush:
		return m, adminCmd(m.session, "SCRIPT FLUSH", "SCRIPT", "FLUSH")
	case actOpenPrompt:
		m.prompt = newPrompt("Open file", m.editor.Filename(), actOpen)
		return m, textinput.Blink
	case actLoadEntry:
		if d.entry != nil {
			e := *d.entry
			return m, func() tea.Msg { return e }
		}
	case actSaveForce:
		return m, saveFileCmd(d.path, m.editor.Value(), time.Time{}, true)
	case actLoadLibrary:
		return m, loadLibraryCmd(m.session, m.editor.Value())
	case actDebugFork:
		return m.startDebug(ldb.ModeFork)
	case actDebugSync:
		return m.startDebug(ldb.ModeSync)
	case actShutdown:
		if m.readOnly {
			m.setStatus("read-only refused SHUTDOWN NOSAVE: wait for the script to end", true)
			return m, nil
		}
		m.setStatus("sending SHUTDOWN NOSAVE…", false)
		return m, shutdownCmd(m.session)
	case actSend:
		m.setStatus("sending…", false)
		return m, d.send
	}
	return m, nil
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

func (m Model) updatePrompt(km tea.KeyMsg) (tea.Model, tea.Cmd) {
	p := m.prompt
	switch km.Type {
	case tea.KeyEsc, tea.KeyCtrlC:
		m.prompt = nil
		return m, nil
	case tea.KeyEnter:
		if p.act >= actDebugPrint && p.act <= actDebugMaxLen {
			m.prompt = nil
			return m.debugPrompted(p.act, p.input.Value())
		}
		path := strings.TrimSpace(p.input.Value())
		m.prompt = nil
		if path == "" {
			return m, nil
		}
		switch p.act {
		case actOpen:
			return m, loadFileCmd(path)
		case actBatch:
			m.batching = true
			m.setStatus("batch: starting…", false)
			return m, batchCmd(m.session, m.editor.Value(), path, m.strategy, m.readOnly)
		case actSave:
			// Save as: a new name must not silently replace another file.
			return m, saveFileCmd(path, m.editor.Value(), time.Time{}, path == m.editor.Filename())
		}
		return m, nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(km)
	return m, cmd
}

func (m Model) dialogView() string {
	d := m.dlg
	w := min(64, m.w-4)
	var lines []string
	lines = append(lines, m.st.dialogTitle.Render(d.title), "")
	lines = append(lines, wrap(d.body, w-4)...)
	lines = append(lines, "")
	if d.typed != "" {
		d.input.Width = w - 8
		lines = append(lines, d.input.View(), m.st.muted.Render("enter sends • esc cancels"))
	} else {
		lines = append(lines, m.st.warn.Render("y")+" yes   "+m.st.accent.Render("n/esc")+" no")
	}
	return m.st.dialog.Width(w - 2).Render(strings.Join(lines, "\n"))
}

func (m Model) promptView() string {
	p := m.prompt
	w := min(70, m.w-4)
	p.input.Width = w - 8
	body := m.st.dialogTitle.Render(p.title) + "\n" + p.input.View() + "\n" + m.st.muted.Render("enter • esc cancels")
	return m.st.dialog.Width(w - 2).Render(body)
}

// wrap breaks text into lines of at most w cells at spaces.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(ansi.Wordwrap(s, w, ""), "\n")
}
