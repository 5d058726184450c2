package main

import "os"

// peakRSS is unknown on Windows (no getrusage); the memory rows say 0
// there, and bench-cli needs a redis-server, which Windows lacks anyway.
func peakRSS(*os.ProcessState) int64 { return 0 }
