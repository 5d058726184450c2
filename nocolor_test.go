package main

import (
	"testing"

	"github.com/muesli/termenv"
)

// NO_COLOR keeps reverse, bold and underline (the mono theme sets no
// colour); a dumb terminal and a terminal without NO_COLOR are left alone.
func TestNoColorKeepsAttributes(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cases := []struct {
		env  map[string]string
		in   termenv.Profile
		want termenv.Profile
	}{
		{map[string]string{"NO_COLOR": "1", "TERM": "xterm-256color"}, termenv.Ascii, termenv.ANSI},
		{map[string]string{"NO_COLOR": "1", "TERM": "dumb"}, termenv.Ascii, termenv.Ascii},
		{map[string]string{"TERM": "xterm-256color"}, termenv.TrueColor, termenv.TrueColor},
		{map[string]string{"TERM": "xterm-256color"}, termenv.Ascii, termenv.Ascii},
	}
	for _, c := range cases {
		if got := noColorProfile(env(c.env), c.in); got != c.want {
			t.Errorf("%v, %v: %v, want %v", c.env, c.in, got, c.want)
		}
	}
}
