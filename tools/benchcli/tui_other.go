//go:build !unix

package main

import "errors"

// tuiRows needs pseudo-terminals (tools/ptyterm), which this system does
// not have the Unix way.
func tuiRows(bin, port, work string) error {
	return errors.New("not measured here: they need a Unix pseudo-terminal")
}
