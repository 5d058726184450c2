//go:build !windows

package history

import "os"

// openFile is os.OpenFile with the history file's mode.
func openFile(path string, flag int) (*os.File, error) { return os.OpenFile(path, flag, 0o600) }

// replaceFile renames tmp over path: rename(2) may replace a file that
// other processes hold open and locked, and they notice in openLocked.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }
