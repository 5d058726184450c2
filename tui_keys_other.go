//go:build !unix

package main

import "os"

// holdKeys does nothing where the terminal is not a Unix one: keys typed
// during the preview are handled as the console handles them.
func holdKeys(in *os.File) (restore func(discard bool)) { return func(bool) {} }
