//go:build !linux

// Command ptytime measures how long terminal programs take to show
// something; it opens pseudo-terminals the Linux way, so elsewhere it only
// says so (the cross builds compile every package for every system).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "ptytime: Linux only (it opens pseudo-terminals through /dev/ptmx ioctls)")
	os.Exit(2)
}
