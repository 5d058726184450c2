//go:build !windows

package main

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS is a finished process's peak resident memory in bytes, from
// getrusage (no /usr/bin/time needed): Linux counts kilobytes, macOS bytes.
func peakRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}
