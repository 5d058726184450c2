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
