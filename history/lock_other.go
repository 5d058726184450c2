//go:build !unix && !windows

package history

import "os"

// lockFile is a no-op where flock is not available: Store's mutex still
// serialises appends within one process, and O_APPEND keeps each line
// whole.
func lockFile(f *os.File, exclusive bool) error { return nil }

// openFile is os.OpenFile with the history file's mode.
func openFile(path string, flag int) (*os.File, error) { return os.OpenFile(path, flag, 0o600) }

// replaceFile renames tmp over path.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }
