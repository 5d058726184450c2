//go:build unix && !linux

package sandbox

import "syscall"

// sysProcAttr puts the server in its own process group; there is no
// parent-death signal outside Linux, so StopAll is the only safety net.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
