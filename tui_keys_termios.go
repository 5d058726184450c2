//go:build aix || linux || solaris || zos

package main

import "golang.org/x/sys/unix"

// The termios ioctls (x/term uses the same).
const (
	ioctlGetTermios = unix.TCGETS
	ioctlSetTermios = unix.TCSETS
)
