package ui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/explain"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// hugeScript is a script over the editor's hashAhead (1 MiB).
func hugeScript() string {
	return strings.Repeat("redis.call('get', KEYS[1]) -- a line of a big script\n", 25000) + "return 1\n"
}

// TestBigScriptKeysDoNotHash: a key in a script over 1 MiB neither joins
// nor hashes the whole text: the title says "sha …" while typing, the SHA
// of the new text comes once typing pauses (hashed off the UI goroutine),
// and the rescue copy follows at the pause too (the first edit is copied
// at once, and a panic copies the latest).
func TestBigScriptKeysDoNotHash(t *testing.T) {
	src := hugeScript()
	r := &Rescue{}
	m := sized(New(Options{Source: src, Filename: "big.lua", Theme: monoTheme(t), Rescue: r}), 120, 40)
	m = typeInto(m, "a")
	if got, _, ok := r.Unsaved(); !ok || got != "a"+src {
		t.Fatalf("the first edit of a big script is not in the rescue copy (%d bytes, %v)", len(got), ok)
	}
	m = typeInto(m, "bc")
	want := "abc" + src
	if !m.editor.HashPending() || !strings.Contains(m.View(), "sha …") {
		t.Fatal("after a key in a big script the title does not wait for the hash")
	}
	if got, _, _ := r.Unsaved(); got != "a"+src {
		t.Fatalf("the rescue copy was joined on a key (%d bytes)", len(got))
	}
	// The pause: lint and hash, as the program would deliver them.
	mm, cmd := m.Update(lintDueMsg{rev: m.editor.Revision()})
	m = runCmds(t, mm.(Model), cmd, 3)
	sha := redisx.SHA1(want)
	if m.editor.HashPending() || !strings.Contains(m.View(), "sha "+sha[:7]) {
		t.Fatalf("after the pause the title has no SHA %s:\n%s", sha[:7], m.View())
	}
	if got, _, _ := r.Unsaved(); got != want {
		t.Fatalf("after the pause the rescue copy is %d bytes, want %d", len(got), len(want))
	}
	// A stale hash (the text changed since) is not taken.
	m = typeInto(m, "d")
	if got, _, _ := r.Unsaved(); got != want {
		t.Fatalf("a key after the pause was joined into the rescue copy (%d bytes)", len(got))
	}
	m.editor.SetScript(m.editor.Revision()-1, redisx.NewScript(want))
	if !m.editor.HashPending() {
		t.Fatal("a hash of an older text was taken for the new one")
	}
	// A panic copies the latest text, joined on the UI goroutine.
	withCrashTest(t, func(msg tea.Msg) tea.Cmd {
		if k, ok := msg.(tea.KeyMsg); ok && k.String() == crashKey.String() {
			panic("boom")
		}
		return nil
	})
	m.Update(crashKey)
	if got, _, _ := r.Unsaved(); got != "abcd"+src {
		t.Fatalf("after a panic the rescue copy is %d bytes, want %d", len(got), len(src)+4)
	}
}

// TestSmallScriptTitleAtOnce: below 1 MiB every edit's SHA is in the
// next frame's title, as before.
func TestSmallScriptTitleAtOnce(t *testing.T) {
	// (And a big script's shebang flags stay in the title while its SHA
	// is pending.)
	big := sized(New(Options{Source: "#!lua flags=no-writes\n" + hugeScript(), Filename: "b.lua", Theme: monoTheme(t)}), 120, 30)
	bm, _ := big.Update(tea.KeyMsg{Type: tea.KeyDown}) // an edit on line 2
	big = typeInto(bm.(Model), "x")
	if v := big.View(); !strings.Contains(v, "sha …") || !strings.Contains(v, "flags no-writes") {
		t.Fatalf("a pending big script's title lost its flags:\n%s", v)
	}
	m := sized(New(Options{Source: "return 1", Filename: "s.lua", Theme: monoTheme(t)}), 100, 30)
	m = typeInto(m, "-- x\n")
	if sha := redisx.SHA1("-- x\nreturn 1"); m.editor.HashPending() || !strings.Contains(m.View(), "sha "+sha[:7]) {
		t.Fatalf("the title does not have the new SHA %s:\n%s", sha[:7], m.View())
	}
}

// TestBigScriptRunHashesInCommand: ctrl+r right after an edit of a big
// script leaves the hash to the run's command (not the UI goroutine), and
// the server gets the script under its right SHA.
func TestBigScriptRunHashesInCommand(t *testing.T) {
	srv, m := editedBigScript(t)
	src := hugeScript()
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	m = mm.(Model)
	if !m.running {
		t.Fatalf("ctrl+r did not start the run: %s", m.status)
	}
	m = runCmds(t, m, cmd, 20)
	sha := redisx.SHA1("-- edited\n" + src)
	if m.running || m.errp.err != nil {
		t.Fatalf("the run did not end well: running %v, error %+v", m.running, m.errp.err)
	}
	if m.editor.HashPending() || !strings.Contains(m.View(), "sha "+sha[:7]) {
		t.Fatalf("the run's hash was not given back to the title (%s):\n%s", sha[:7], m.View())
	}
	c := srv.Client()
	defer c.Close()
	if ok, err := c.ScriptExists(context.Background(), sha).Result(); err != nil || len(ok) != 1 || !ok[0] {
		t.Fatalf("the server has no script %s: %v %v", sha, ok, err)
	}
}

// editedBigScript is the app on a sandbox server with hugeScript in the
// editor and "-- edited\n" typed at its start: the SHA of the text is
// pending (not hashed on the UI goroutine).
func editedBigScript(t *testing.T) (*sandbox.Server, Model) {
	t.Helper()
	srv, tg, s := sandboxSession(t)
	m := sized(New(Options{Session: s, Target: tg, Source: hugeScript(), Keys: []string{"big:k"}, Theme: monoTheme(t)}), 120, 40)
	m = typeInto(m, "-- edited\n")
	if !m.editor.HashPending() {
		t.Fatal("the edit left nothing to hash")
	}
	return srv, m
}

// sandboxSession starts a sandbox server for the test and connects to it
// (RESP2), closed when the test ends.
func sandboxSession(t testing.TB) (*sandbox.Server, redisx.Target, *redisx.Session) {
	t.Helper()
	srv := sandboxtest.StartT(t)
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}
	s, err := redisx.Connect(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return srv, tg, s
}

// Compare (alt+v) right after an edit to a big script leaves the hash to
// its command, as ctrl+r does: the view opens without hashing on the UI
// goroutine, and every sandbox runs the edited text (EVALSHA of its SHA
// answers on each, so both ran the same script).
func TestBigScriptCompareHashesInCommand(t *testing.T) {
	m := compareModel(t, hugeScript(), []string{"redis-server", "redis-server"}, func(o *Options) { o.Keys = []string{"big:k"} })
	m = typeInto(m, "-- edited\n")
	if !m.editor.HashPending() {
		t.Fatal("the edit left nothing to hash")
	}
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("v"), Alt: true})
	m = mm.(Model)
	if !m.editor.HashPending() {
		t.Error("alt+v hashed the big script on the UI goroutine")
	}
	m = drain(t, m, cmd)
	v, ok := topOf[*compareView](m.overlays)
	if !ok {
		t.Fatal("alt+v opened no Compare view")
	}
	if v.running || len(v.doneServers()) != 2 {
		t.Fatalf("running %v, servers %+v, notes %v", v.running, v.servers, v.notes)
	}
	if d := v.diffs; d != 0 {
		t.Errorf("the same binary twice differs %d times", d)
	}
	sha := redisx.SHA1("-- edited\n" + hugeScript())
	for _, i := range v.doneServers() {
		if s := v.servers[i]; s.report.Script.SHA != sha {
			t.Errorf("%s ran SHA %q, want %s", s.name, s.report.Script.SHA, sha)
		}
	}
}

// In explain mode the cache checks ask for the wrapped script's SHA: kept
// per revision, it follows every edit.
func TestSentSHAFollowsEdits(t *testing.T) {
	m := sized(New(Options{Source: "return 1\n", Explain: true, Theme: monoTheme(t)}), 100, 30)
	for _, edit := range []string{"", "-- a\n", "x"} {
		m = typeInto(m, edit)
		want := redisx.SHA1(explain.Wrap(m.editor.Value()))
		if sha, ok := m.sentSHANow(); ok {
			t.Fatalf("after %q the wrapper's SHA %s is known before a check hashed it", edit, sha)
		}
		if got, _ := m.sentSHAJob().do(); got != want {
			t.Fatalf("after %q: the check's SHA %s, want %s", edit, got, want)
		}
		if again, ok := m.sentSHANow(); !ok || again != want {
			t.Fatalf("after %q, asked again: %s %v", edit, again, ok)
		}
		if job := m.sentSHAJob(); job.sha != want {
			t.Fatalf("after %q the next check hashes again", edit)
		}
	}
	m.explain = false
	if got, ok := m.sentSHANow(); !ok || got != m.editor.Script().SHA {
		t.Errorf("explain off: %s %v, want the script's %s", got, ok, m.editor.Script().SHA)
	}
}

// TestBigScriptCacheCheckHashesInCommand: a big script put in the editor
// (here from $EDITOR) has its cache state asked without hashing on the UI
// goroutine: the check's command hashes it and hands the editor the SHA
// for its title. In explain mode the same goes for the wrapper's SHA, and
// a run gives back the one it sent.
func TestBigScriptCacheCheckHashesInCommand(t *testing.T) {
	_, tg, s := sandboxSession(t)
	m := sized(New(Options{Session: s, Target: tg, Source: "return 1\n", Keys: []string{"big:k"}, Theme: monoTheme(t)}), 120, 40)
	src := hugeScript()
	mm, cmd := m.Update(externalEditedMsg{src: src})
	m = mm.(Model)
	if !m.editor.HashPending() {
		t.Fatal("putting a big script in the editor hashed it on the UI goroutine")
	}
	m = drain(t, m, cmd)
	if sha := redisx.SHA1(src); m.editor.HashPending() || !strings.Contains(m.View(), "sha "+sha[:7]) {
		t.Fatalf("the check's hash did not reach the title (%s):\n%s", sha[:7], m.View())
	}
	if m.cache != cacheMissing {
		t.Fatalf("cache state %v after the check, want missing", m.cache)
	}

	// Explain on: the check asks for the wrapper's SHA, hashed by its command.
	mm, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x"), Alt: true})
	m = mm.(Model)
	rev := m.editor.Revision()
	if _, ok := m.wrapped.at(rev); ok {
		t.Fatal("alt+x wrapped and hashed the big script on the UI goroutine")
	}
	m = drain(t, m, cmd)
	wrapped := redisx.SHA1(explain.Wrap(src))
	if got, ok := m.wrapped.at(rev); !ok || got != wrapped {
		t.Fatalf("after the check the wrapper's SHA is %q (%v), want %s", got, ok, wrapped)
	}
	if m.cache != cacheMissing {
		t.Fatalf("cache state %v after the explain check, want missing", m.cache)
	}

	// An edit, then a run: the run's wrapper SHA is kept as it finishes,
	// before any check after it asks.
	m = typeInto(m, "-- edited\n")
	mm, cmd = m.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	m = mm.(Model)
	seen := false
	m = drainWatch(t, m, cmd, func(msg tea.Msg, m Model) {
		if _, ok := msg.(runFinishedMsg); ok {
			seen = true
			want := redisx.SHA1(explain.Wrap(m.editor.Value()))
			if got, ok := m.wrapped.at(m.editor.Revision()); !ok || got != want {
				t.Fatalf("as the explain run finished the wrapper's SHA is %q (%v), want the run's %s", got, ok, want)
			}
		}
	})
	if !seen {
		t.Fatal("the run did not finish")
	}
}

// TestBigScriptStaleCheckDoesNotHash: an answer about an older text (the
// user typed after the check was sent) is dropped without hashing the new
// text on the UI goroutine to find out — plain or explain mode, the
// single-node check or the per-node one — and an explain run whose
// wrapper does not compile (sent as it is) leaves the wrapper's SHA to
// the checks' commands.
func TestBigScriptStaleCheckDoesNotHash(t *testing.T) {
	srv, m := editedBigScript(t)
	src := hugeScript()
	for _, msg := range []tea.Msg{
		cacheCheckedMsg{sha: redisx.SHA1(src), exists: true},
		nodeCacheLoadedMsg{sha: redisx.SHA1(src), cached: map[string]bool{srv.Addr(): true}},
	} {
		mm, _ := m.Update(msg)
		m = mm.(Model)
		if !m.editor.HashPending() {
			t.Fatalf("%T about the older text hashed the new one on the UI goroutine", msg)
		}
	}
	if m.cache != cacheUnknown {
		t.Fatalf("an answer about the older text set the cache state %v", m.cache)
	}
	m.explain = true
	for _, msg := range []tea.Msg{
		cacheCheckedMsg{sha: redisx.SHA1(explain.Wrap(src))},
		nodeCacheLoadedMsg{sha: redisx.SHA1(explain.Wrap(src))},
	} {
		mm, _ := m.Update(msg)
		m = mm.(Model)
		if _, ok := m.wrapped.at(m.editor.Revision()); ok {
			t.Fatalf("%T about the older text wrapped and hashed the new one on the UI goroutine", msg)
		}
	}

	// Explain mode, a script that does not compile: the runner sends it
	// as it is, so the run gives back no wrapper SHA.
	m = typeInto(m, "local = \n")
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	m = mm.(Model)
	m = drainWatch(t, m, cmd, func(msg tea.Msg, m Model) {
		if _, ok := msg.(runFinishedMsg); ok {
			if m.errp.err == nil || m.errp.err.Class != "compile" {
				t.Fatalf("the run did not end in a compile error: %+v", m.errp.err)
			}
			if _, ok := m.wrapped.at(m.editor.Revision()); ok {
				t.Fatal("the finished run's handler wrapped and hashed the script on the UI goroutine")
			}
		}
	})
	want := redisx.SHA1(explain.Wrap(m.editor.Value()))
	if got, ok := m.wrapped.at(m.editor.Revision()); !ok || got != want {
		t.Fatalf("after the checks the wrapper's SHA is %q (%v), want %s", got, ok, want)
	}
	if m.cache != cacheMissing {
		t.Fatalf("cache state %v after the checks, want missing", m.cache)
	}
}
