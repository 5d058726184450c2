//go:build unix

package sandbox

import "syscall"

// platformErr is nil where the sandbox can run.
func platformErr() error { return nil }

// killGroup kills the server's whole process group, so that fork children
// (BGSAVE, diskless sync) do not outlive it.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
