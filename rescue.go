package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/adrg/xdg"
	tea "github.com/charmbracelet/bubbletea"

	"luascope/ui"
)

// rescueDir is where unsaved scripts go when the UI ends badly, under
// $XDG_STATE_HOME (~/.local/state): state worth keeping, not a cache that
// may be cleared.
const rescueDir = "luascope/recovered"

// saveRescue writes src to a new file of its own (mode 0600: a script may
// hold secrets) named after the script's file and the time, and returns
// its path. It never replaces a file; when the state directory cannot be
// written it falls back to the temporary directory.
func saveRescue(src, filename string, now time.Time) (string, error) {
	base := "script"
	if filename != "" {
		base = safeBase(strings.TrimSuffix(filepath.Base(filename), ".lua"))
	}
	name := fmt.Sprintf("%s-%s-%d.lua", base, now.Format("20060102-150405"), os.Getpid())
	var errs []error
	if p, err := xdg.StateFile(filepath.Join(rescueDir, name)); err == nil {
		if err := writeNew(p, src); err == nil {
			return p, nil
		} else {
			errs = append(errs, err)
		}
	} else {
		errs = append(errs, err)
	}
	f, err := os.CreateTemp("", "luascope-recovered-"+base+"-*.lua") // 0600
	if err != nil {
		return "", errors.Join(append(errs, err)...)
	}
	if err := writeSynced(f, src); err != nil {
		return "", errors.Join(append(errs, err)...)
	}
	return f.Name(), nil
}

// writeNew creates path (never replacing a file) with mode 0600 and
// writes src to it, synced: the process is about to exit.
func writeNew(path, src string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	return writeSynced(f, src)
}

// writeSynced writes src to the new file f, syncs and closes it; on any
// failure it removes the file, so no half recovery file is left behind.
func writeSynced(f *os.File, src string) error {
	_, err := f.WriteString(src)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

// safeBase keeps a file name's letters, digits, dots, dashes and
// underscores, so the recovery file's name is plain to type.
func safeBase(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	if b.Len() == 0 {
		return "script"
	}
	return b.String()
}

// sayRescued saves the unsaved script, if there is one, and tells the
// user where it is and how to open it again. When no file can be written
// the script goes to stderr, the last place it can still be copied from.
func sayRescued(stderr io.Writer, r *ui.Rescue) {
	src, filename, ok := r.Unsaved()
	if !ok {
		return
	}
	path, err := saveRescue(src, filename, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "luascope: could not save your unsaved script (%s); here it is:\n", printable(err.Error()))
		fmt.Fprintln(stderr, "----- 8< -----")
		fmt.Fprintln(stderr, src)
		fmt.Fprintln(stderr, "----- >8 -----")
		return
	}
	was := "a new script"
	if filename != "" {
		was = filename + " (not changed on disk)"
	}
	fmt.Fprintf(stderr, "luascope: your unsaved edits to %s are saved in\n  %s\n", printable(was), printable(path))
	fmt.Fprintf(stderr, "luascope: open them again with: luascope [connection flags] %s [KEY ...] [, ARG ...]\n", shellQuote(path))
}

// shellQuote quotes a path for the line the user copies, when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// end says how the terminal UI ended, now that Bubble Tea has restored
// the terminal: nothing after a normal quit; after a panic (ours, caught
// by the root, or one Bubble Tea caught in View) the panic, a saved script
// and exitInternal; after a signal a saved script and 128+signal.
func (t *tuiSignals) end(stderr io.Writer, runErr error) error {
	crash := t.rescue.Panicked()
	caught := errors.Is(runErr, tea.ErrProgramPanic) // Bubble Tea printed it above
	sig := t.signal()
	if sig == nil && crash == nil && runErr == nil {
		return nil
	}
	switch {
	case crash != nil || caught:
		fmt.Fprintln(stderr, "luascope: internal error: this is a bug in luascope; please report it with the lines below")
		if crash != nil {
			fmt.Fprintf(stderr, "panic: %s\n", printable(crash.String()))
			if !caught {
				fmt.Fprintf(stderr, "%s", crash.Stack)
			}
		}
	case sig != nil:
		fmt.Fprintln(stderr, interruptedLine(sig, t.scriptGoesOn(), false))
	}
	t.save(stderr)
	switch {
	case crash != nil || caught:
		return &exitError{code: exitInternal}
	case sig != nil:
		return &exitError{code: signalExitCode(sig)}
	}
	return &exitError{code: exitUsage, msg: "terminal UI: " + runErr.Error()}
}
