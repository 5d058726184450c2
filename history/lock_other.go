//go:build !unix && !windows

package history

import "os"

// lockFile is a no-op where flock is not available: Store's mutex still
// serialises appends within one process, and O_APPEND keeps each line
// whole.
func lockFile(f *os.File, exclusive bool) error { return nil }
