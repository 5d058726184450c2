//go:build unix

package history

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an advisory flock on f (released when f is closed), so
// that luascope processes sharing one history file take turns.
func lockFile(f *os.File, exclusive bool) error {
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			return err
		}
	}
}

// openFile is os.OpenFile with the history file's mode; Windows needs
// more (see lock_windows.go).
func openFile(path string, flag int) (*os.File, error) { return os.OpenFile(path, flag, 0o600) }

// replaceFile renames tmp over path: rename(2) may replace a file that
// other processes hold open and locked, and they notice in openLocked.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }
