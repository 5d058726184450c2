package ui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/lint"
	"luascope/ui/editor"
)

// updateScript handles what happens to the script itself: files opened,
// saved, edited in $EDITOR or changed on disk (--watch), lint results, a
// jump to a line, a run loaded from history, an example, a copy.
func (m Model) updateScript(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case fileLoadedMsg:
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
			return m, nil
		}
		m.editor.SetValue(msg.src)
		m.editor.SetFilename(msg.path)
		m.editor.MarkSaved()
		m.fileMod = msg.mod
		m.example = nil // another script: the example's data is not its setup
		closeUser := m.dropExampleUser()
		m.setFocus(paneEditor)
		m.setStatus("opened "+msg.path, false)
		return m, tea.Batch(m.scriptReplaced(), closeUser)
	case fileSavedMsg:
		if msg.conflict != "" {
			m.overlays.push(newConfirm("Overwrite?", msg.conflict, saveFileCmd(msg.path, m.editor.Value(), time.Time{}, true)))
			return m, nil
		}
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
			return m, nil
		}
		m.fileMod = msg.mod
		m.editor.SetFilename(msg.path)
		m.editor.MarkSaved()
		m.setStatus("saved "+msg.path, false)
		// With --watch, our own save comes back as a change whose text
		// equals the editor's, which the watcher ignores.
		return m, nil
	case externalEditedMsg:
		if msg.err != nil {
			m.setStatus("$EDITOR: "+msg.err.Error(), true)
			return m, nil
		}
		if msg.src != m.editor.Value() {
			// Not saved to the file yet: an undoable change, marked [+].
			m.editor.ReplaceAll(msg.src)
			m.setStatus("script updated from $EDITOR (not saved: ctrl+s)", false)
			return m, m.scriptReplaced()
		}
		return m, m.checkCache()
	case fileChangedMsg:
		next := waitChangeCmd(m.changes)
		if msg.err != nil {
			m.setStatus("watch: "+msg.err.Error(), true)
			return m, nil
		}
		if msg.src == m.editor.Value() {
			return m, next
		}
		if m.editor.Modified() {
			m.setStatus(m.opts.Filename+" changed on disk, but you have unsaved edits here: not reloaded", true)
			return m, next
		}
		m.editor.SetValue(msg.src)
		m.editor.SetFilename(m.opts.Filename)
		m.editor.MarkSaved()
		m.setStatus(m.opts.Filename+" changed on disk: re-running", false)
		relint := m.scriptReplaced()
		mm, cmd := m.startRun()
		return mm, tea.Batch(cmd, next, relint)
	case valueCopiedMsg:
		if msg.err != nil {
			m.setStatus("copy: "+msg.err.Error(), true)
		} else {
			m.setStatus(fmt.Sprintf("copied %d bytes to the clipboard (OSC 52)", msg.bytes), false)
		}
		return m, nil
	case editor.ClipboardWrittenMsg:
		if msg.Err != nil {
			m.setStatus("copy: "+msg.Err.Error(), true)
		} else {
			// OSC 52 has no answer: say what was sent, and what the terminal
			// must allow for it to arrive.
			m.setStatus(fmt.Sprintf("copied %d bytes to the clipboard (OSC 52: the terminal must allow it)", msg.Bytes), false)
		}
		return m, nil
	case exampleLoadedMsg:
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
		} else {
			m.setStatus(msg.notice, false)
		}
		var closeOld tea.Cmd
		if msg.user != nil {
			if m.example == nil || m.example.Name != msg.ex.Name {
				// Another script was opened meanwhile: not this one's.
				return m, closeSessionCmd(msg.user)
			}
			closeOld = m.dropExampleUser()
			m.exampleUser = msg.user
			m.exampleUser.SetReadOnly(m.readOnly)
		}
		return m, closeOld
	case lintDueMsg:
		if msg.rev != m.editor.Revision() {
			return m, nil // still typing
		}
		return m, tea.Batch(m.lintNow(), m.hashNow())
	case scriptHashedMsg:
		m.editor.SetScript(msg.rev, msg.script)
		return m, nil
	case lintDoneMsg:
		if msg.run {
			if msg.rev != m.guardRev {
				return m, nil // an older check: ctrl+r was pressed again on a newer text
			}
			m.guardRev = 0
		}
		if msg.rev != m.editor.Revision() || msg.opt != m.lintOptions() {
			if msg.run {
				m.setStatus("not sent: the script or the connection's mode changed while it was checked ("+m.c.Keys.Run.Help().Key+" runs it again)", true)
			}
			return m, nil // another lint, for the new text or options, is on its way
		}
		if lint.Skipped(msg.findings) && !lint.Skipped(m.findings) {
			// Said once when the script grows past the budget, not after
			// every pause in typing; the title keeps saying it.
			m.setStatus(msg.findings[0].Message+" ("+m.c.Keys.Findings.Help().Key+": how to lint it)", false)
		}
		m.lintRev, m.lintOpt, m.findings = msg.rev, msg.opt, msg.findings
		marks := map[int]byte{}
		for _, f := range msg.findings {
			c := map[lint.Severity]byte{lint.Error: 'E', lint.Warning: 'W', lint.Info: 'I'}[f.Severity]
			if old, ok := marks[f.Line]; !ok || c == 'E' || (c == 'W' && old == 'I') {
				marks[f.Line] = c
			}
		}
		m.editor.SetLintMarks(marks)
		if msg.run {
			return m.startRun()
		}
		return m, nil
	case JumpToLineMsg:
		m.editor.GotoLine(msg.Line)
		m.setFocus(paneEditor)
		return m, nil
	case loadEntryMsg:
		if m.editor.Modified() && !msg.confirmed {
			msg.confirmed = true
			m.overlays.push(newConfirm("Discard changes?", "The script has unsaved changes. Replace it with the run from history?", deliver(msg)))
			return m, nil
		}
		e := msg.entry
		m.editor.SetValue(e.Source)
		// A past run is not the file on disk: saving asks for a name.
		m.editor.SetFilename("")
		m.fileMod = time.Time{}
		m.form.SetValues(e.Keys, e.Args)
		m.syncClusterKeys()
		if st, err := redisx.ParseStrategy(e.Strategy); err == nil {
			m.strategy = st
		}
		m.setStatus(fmt.Sprintf("loaded run from %s (sha %s)", e.Time.Local().Format("Jan 2 15:04:05"), short(e.SHA)), false)
		m.setFocus(paneEditor)
		relint := m.scriptReplaced()
		if msg.run {
			mm, cmd := m.startRun()
			return mm, tea.Batch(cmd, relint)
		}
		return m, relint
	}
	return m, nil
}

// scriptReplaced follows a new script in the editor (a file opened, a
// run from history, an example, a library, $EDITOR, --watch): the old
// text's lint marks and run error marker named its lines, so both go at
// once, and the new text is linted and its cache state asked.
func (m *Model) scriptReplaced() tea.Cmd {
	m.findings = nil // and m.lintRev is now stale: "linting…" until done
	m.editor.SetLintMarks(nil)
	m.editor.SetErrorLine(0)
	m.cache = cacheUnknown
	job := m.sentSHAJob()
	hash := m.hashNow()
	if m.session != nil && job.hashesText() {
		hash = nil // the check hashes the text and gives the editor its Script
	}
	return tea.Batch(m.lintNow(), checkCacheCmd(m.session, job), hash)
}

// lintOptions are the options of the editor's lint: the run's numkeys
// and connection (its server too), and the budget (a script over lint.DefaultBudget gets
// one "not linted" finding, said in the status bar and the title).
func (m Model) lintOptions() lint.Options {
	opt := lint.Options{NumKeys: m.form.NumKeys(), ReadOnly: m.readOnly, Production: m.opts.Production, MaxBytes: lint.DefaultBudget}
	if m.session != nil { // lint then says what this server's version lacks
		opt.Server = lint.Server{Flavor: m.session.Info().Flavor, Version: m.session.Info().Version}
	}
	return opt
}

// lintNow lints the editor's script in the background.
func (m Model) lintNow() tea.Cmd {
	return lintCmd(m.editor.Value(), m.editor.Revision(), m.lintOptions())
}

// lintedNow returns the findings of the editor's current text and
// options, when a complete lint of it is done (not one stopped by the
// budget).
func (m Model) lintedNow() ([]lint.Finding, bool) {
	if m.lintStale() || lint.Skipped(m.findings) {
		return nil, false
	}
	return m.findings, true
}

// hashNow hashes a big script (over 1 MiB) off the UI goroutine once
// typing pauses, for the title's SHA (editor.HashPending); nil when the
// SHA is known. The text is joined here, once per pause, and shared with
// the lint (lintNow) and the rescue copy.
func (m Model) hashNow() tea.Cmd {
	if !m.editor.HashPending() {
		return nil
	}
	src, rev := m.editor.Value(), m.editor.Revision()
	return func() tea.Msg { return scriptHashedMsg{rev: rev, script: redisx.NewScript(src)} }
}

// scriptHashedMsg is hashNow's Script of the text at revision rev.
type scriptHashedMsg struct {
	rev    uint64
	script redisx.Script
}

// lintSoon lints after a pause in typing, so a long script is not
// re-linted on every key.
func (m Model) lintSoon() tea.Cmd {
	rev := m.editor.Revision()
	return tea.Tick(300*time.Millisecond, func(time.Time) tea.Msg { return lintDueMsg{rev: rev} })
}
