package ui

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/fsnotify/fsnotify"
)

// The script's file outside the UI: $EDITOR and --watch. Both do their
// I/O in commands and goroutines, never in Update.

// externalEditCmd hands the script to $EDITOR through a temporary file.
// This command writes the file; the root then starts the editor with
// tea.ExecProcess (editTempWrittenMsg), whose callback reads it back.
func externalEditCmd(src string) tea.Cmd {
	return func() tea.Msg {
		f, err := os.CreateTemp("", "luascope-*.lua")
		if err != nil {
			return externalEditedMsg{err: err}
		}
		path := f.Name()
		_, err = f.WriteString(src)
		_ = f.Close()
		if err != nil {
			_ = os.Remove(path)
			return externalEditedMsg{err: err}
		}
		editor := os.Getenv("VISUAL")
		if editor == "" {
			editor = os.Getenv("EDITOR")
		}
		if editor == "" {
			editor = "vi"
		}
		return editTempWrittenMsg{path: path, editor: editor}
	}
}

// editTempWrittenMsg says the script is in path, ready for editor.
type editTempWrittenMsg struct{ path, editor string }

// apply suspends the UI for the editor: tea.ExecProcess must be returned
// from Update, so it cannot start inside externalEditCmd.
func (msg editTempWrittenMsg) apply(m Model) (tea.Model, tea.Cmd) {
	c := exec.Command("sh", "-c", msg.editor+` "$1"`, "luascope-editor", msg.path) //nolint:gosec // the user's own $EDITOR
	path := msg.path
	return m, tea.ExecProcess(c, func(err error) tea.Msg {
		defer os.Remove(path)
		if err != nil {
			return externalEditedMsg{err: err}
		}
		b, rerr := os.ReadFile(path)
		return externalEditedMsg{src: string(b), err: rerr}
	})
}

// watchDebounce is how long a file must stay quiet after a write before
// it is read: editors write in several steps.
const watchDebounce = 50 * time.Millisecond

// watchStartedMsg carries the changes of the watched file, or why it
// cannot be watched.
type watchStartedMsg struct {
	changes <-chan fileChangedMsg
	err     error
}

// apply keeps the channel and waits for the first change.
func (msg watchStartedMsg) apply(m Model) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.setStatus("watch: "+msg.err.Error(), true)
		return m, nil
	}
	m.changes = msg.changes
	return m, waitChangeCmd(m.changes)
}

// startWatchCmd watches path for the whole session (--watch): one
// fsnotify watcher on its directory, since editors often replace a file
// rather than write it, with events filtered by name and debounced. The
// watcher never stops between changes, so a write that lands while the
// UI handles the previous one is not missed; the newest content wins.
func startWatchCmd(path string) tea.Cmd {
	return func() tea.Msg {
		abs, err := filepath.Abs(path)
		if err != nil {
			return watchStartedMsg{err: err}
		}
		w, err := fsnotify.NewWatcher()
		if err != nil {
			return watchStartedMsg{err: err}
		}
		if err := w.Add(filepath.Dir(abs)); err != nil {
			_ = w.Close()
			return watchStartedMsg{err: err}
		}
		ch := make(chan fileChangedMsg, 1)
		go watchLoop(w, abs, ch)
		return watchStartedMsg{changes: ch}
	}
}

// watchLoop turns w's events about abs into debounced changes on out,
// until the watcher fails; it lives as long as the program otherwise.
func watchLoop(w *fsnotify.Watcher, abs string, out chan fileChangedMsg) {
	defer w.Close()
	quiet := time.NewTimer(watchDebounce)
	quiet.Stop()
	for {
		select {
		case ev, ok := <-w.Events:
			if !ok {
				offerChange(out, fileChangedMsg{err: errors.New("watcher closed")})
				return
			}
			if evAbs, _ := filepath.Abs(ev.Name); evAbs != abs || !ev.Has(fsnotify.Write|fsnotify.Create|fsnotify.Rename) {
				continue
			}
			quiet.Reset(watchDebounce)
		case <-quiet.C:
			src, err := readScriptFile(abs)
			if err != nil {
				continue // gone or half-written: the next event brings it
			}
			offerChange(out, fileChangedMsg{src: src})
		case err, ok := <-w.Errors:
			if !ok {
				err = errors.New("watcher closed")
			}
			offerChange(out, fileChangedMsg{err: err})
			return
		}
	}
}

// offerChange hands msg over, replacing a change the UI has not taken
// yet: only the newest content of the file matters.
func offerChange(out chan fileChangedMsg, msg fileChangedMsg) {
	for {
		select {
		case out <- msg:
			return
		default:
			select {
			case <-out:
			default:
			}
		}
	}
}

// waitChangeCmd waits for the next change of the watched file.
func waitChangeCmd(ch <-chan fileChangedMsg) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg { return <-ch }
}
