//go:build aix || linux || solaris || zos

package main

import "golang.org/x/sys/unix"

// The termios ioctls (x/term uses the same).
const (
	ioctlGetTermios = unix.TCGETS
	ioctlSetTermios = unix.TCSETS
)

// flushInput drops what was typed and not yet read (tcflush TCIFLUSH).
func flushInput(fd int) error { return unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH) }
