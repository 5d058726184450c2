//go:build unix

package batch_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) this process has used, for
// the benchmarks' cpu-ns/call: the batch's goroutines, the Go runtime and
// the kernel's work on its sockets, not the servers'.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
