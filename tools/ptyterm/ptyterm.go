// Package ptyterm is the terminal side of a pseudo-terminal for programs
// measured or tested on one (tools/ptytime, the root package's pty
// tests): it answers the queries a terminal answers, so that no program
// waits for a reply a real terminal would give at once.
package ptyterm

import "bytes"

// Dark and Light are background colours for Replies, as OSC 11 reports them.
const (
	Dark  = "0000/0000/0000"
	Light = "ffff/ffff/ffff"
)

// Replies is what a terminal with the given background answers to the
// queries in chunk (cursor position, foreground and background colour,
// primary and secondary device attributes), in the order they were
// asked: a program that sends the background colour query and then the
// cursor position query (termenv does, to tell whether the terminal
// answers the first) takes an answer out of order as "no colour reply",
// and the colour reply then reaches its input as keys.
func Replies(chunk []byte, background string) []byte {
	answers := [...]struct{ query, reply string }{
		{"\x1b[6n", "\x1b[1;1R"},
		{"\x1b]11;?", "\x1b]11;rgb:" + background + "\x1b\\"},
		{"\x1b]10;?", "\x1b]10;rgb:ffff/ffff/ffff\x1b\\"},
		{"\x1b[c", "\x1b[?62;22c"},
		{"\x1b[>c", "\x1b[>41;320;0c"},
	}
	var out []byte
	for i := 0; i < len(chunk); i++ {
		if chunk[i] != 0x1b {
			continue
		}
		for _, a := range answers {
			if bytes.HasPrefix(chunk[i:], []byte(a.query)) {
				out = append(out, a.reply...)
				i += len(a.query) - 1
				break
			}
		}
	}
	return out
}
