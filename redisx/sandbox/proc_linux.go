package sandbox

import "syscall"

// sysProcAttr puts the server in its own process group (a Ctrl-C in the
// terminal must not kill it behind luascope's back, and Kill can reach its
// fork children) and has the kernel kill it if luascope dies without
// running its cleanup.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
