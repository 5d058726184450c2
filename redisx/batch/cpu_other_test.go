//go:build !unix

package batch_test

import "time"

// processCPU is unknown here (no getrusage): cpu-ns/call reads 0.
func processCPU() time.Duration { return 0 }
