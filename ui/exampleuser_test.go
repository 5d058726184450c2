package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/examples"
)

// TestExampleRunsAsItsUser: an example that names an ACL user (the
// acl-error-in-script lesson) runs, in the terminal UI as with `luascope
// examples --run`, on a connection of that user's, opened after its setup
// created the user: the run fails with the error the lesson is about
// (each server's text), where the session's own user would have written.
// Another example drops that connection.
func TestExampleRunsAsItsUser(t *testing.T) {
	ex, err := examples.Get("acl-error-in-script")
	if err != nil {
		t.Fatal(err)
	}
	if ex.User == "" {
		t.Fatal("the lesson names no user")
	}
	m, _ := guardModel(t, func(o *Options) {
		o.Sandbox, o.Label, o.Width, o.Height = true, "sandbox", 160, 50
		o.Example, o.Source, o.Keys, o.Args = &ex, ex.Source, ex.Keys, ex.Args
	})
	m = runCmds(t, m, m.Init(), 3)
	if m.exampleUser == nil || !strings.Contains(m.status, "as ACL user "+ex.User) {
		t.Fatalf("after the setup: user connection %v, status %q", m.exampleUser, m.status)
	}
	mm, cmd := m.startRun()
	m = runCmds(t, mm.(Model), cmd, 30) // the run's steps arrive one message each
	if m.tree.reply == nil {
		t.Fatalf("no reply; status %q", m.status)
	}
	// The lesson's script returns the refusal's text (redis.pcall).
	// Redis 7.2+/8 and Valkey say "ACL failure in script", 7.0 "The user
	// executing the script can't run this command".
	text := string(m.tree.reply.Str)
	if !strings.Contains(text, "ACL failure in script") && !strings.Contains(text, "executing the script can't run") {
		t.Fatalf("the run's error %q is not the lesson's", text)
	}
	if got := m.trace.View(); !strings.Contains(got, "as ACL user "+ex.User) {
		t.Errorf("the trace does not say whose run it was:\n%s", got)
	}

	// Another example: the user's connection goes.
	other, err := examples.Get("stock-decrement")
	if err != nil {
		t.Fatal(err)
	}
	g := &gallery{all: []examples.Example{other}}
	m.overlays.push(g)
	m, cmd = g.update(m, tea.KeyMsg{Type: tea.KeyEnter})
	m = runCmds(t, m, cmd, 3)
	if m.exampleUser != nil {
		t.Fatal("another example kept the ACL user's connection")
	}
	if s, user := m.runSession(); s != m.session || user != "" {
		t.Fatalf("after another example the runs go as %q", user)
	}
}
