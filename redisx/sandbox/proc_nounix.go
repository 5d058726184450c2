//go:build !unix

package sandbox

import "syscall"

// platformErr refuses the sandbox outside Unix: redis-server is not built
// for Windows, and process groups and parent-death signals, which keep a
// sandbox from outliving luascope, do not exist there.
func platformErr() error { return ErrUnsupported }

// sysProcAttr is never used: Start refuses first.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// killGroup has no process group to kill; Process.Kill does the rest.
func killGroup(int) {}
