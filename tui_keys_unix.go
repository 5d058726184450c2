//go:build unix

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// holdKeys sets the terminal on in so that keys typed while the preview
// is on the screen wait, unprocessed, for the UI: no echo over the frame,
// and no line editing that would take ctrl+r (reprint), ctrl+w, ctrl+u or
// ctrl+v for itself; Enter stays \r as the UI reads it. ctrl+c, ctrl+z and
// ctrl+\ still signal (ISIG), so a connection that hangs can be left at
// once. The returned func puts the terminal back as it was; it must run
// before Bubble Tea takes the terminal (it saves the state it finds, to
// put back at its exit and around a suspend). With discard, the keys
// still waiting are dropped first: the UI never ran (the connection
// failed), and what was typed for the editor must not reach the shell as
// a command line. Where in is no terminal, nothing is done.
func holdKeys(in *os.File) (restore func(discard bool)) {
	fd := int(in.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return func(bool) {}
	}
	held := *old
	held.Lflag &^= unix.ECHO | unix.ICANON | unix.IEXTEN
	held.Iflag &^= unix.ICRNL | unix.IXON
	held.Cc[unix.VMIN], held.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &held); err != nil {
		return func(bool) {}
	}
	return func(discard bool) {
		if discard {
			_ = flushInput(fd)
		}
		_ = unix.IoctlSetTermios(fd, ioctlSetTermios, old)
	}
}
