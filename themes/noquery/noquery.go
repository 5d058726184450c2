// Package noquery stops Bubble Tea v1's package init from asking the
// terminal for its background colour, so that no luascope command pays a
// terminal round trip before main runs.
//
// bubbletea's init calls lipgloss.HasDarkBackground, which, whenever stdout
// is a terminal, writes OSC 11 and a cursor position query and waits for
// both answers: a round trip to the terminal for every command, `luascope
// run` included, which draws nothing in colour; over SSH that is a network
// round trip, as long as the script's own. Here the background is set to
// "dark" explicitly, which lipgloss takes as known and so never asks. The
// terminal UI, the one user of the answer, asks the terminal itself,
// alongside connecting to the server, and sets the real answer
// (themes.DetectBackground).
//
// It is a module of its own only for its import path: Go initializes
// packages in the order of their import paths among those whose imports
// are ready, so "bg.invalid/noquery" (it imports lipgloss only) runs
// before "github.com/charmbracelet/bubbletea". Only package main imports
// it, blank; tests of the other packages keep lipgloss's own behaviour.
package noquery

import "github.com/charmbracelet/lipgloss"

func init() {
	lipgloss.SetHasDarkBackground(true)
}
