package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"luascope/redisx"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// liveApp runs the whole app in a teatest program against a real
// sandbox server: keys in, frames out, as a person would see them.
type liveApp struct {
	t    *testing.T
	tm   *teatest.TestModel
	srv  *sandbox.Server
	seen []byte // output read but not yet matched
}

func startLive(t *testing.T, mod func(*Options), config ...string) *liveApp {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	srv := sandboxtest.StartT(t, config...)
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}
	s, err := redisx.Connect(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	opts := Options{
		Session: s, Target: tg, Theme: monoTheme(t), Label: "sandbox", Sandbox: true,
		Source: "return redis.call('incr', KEYS[1])", Keys: []string{"live:n"},
		Connect: func(t redisx.Target) (*redisx.Session, error) { return redisx.Connect(context.Background(), t) },
	}
	if mod != nil {
		mod(&opts)
	}
	tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(130, 40))
	t.Cleanup(func() { _ = tm.Quit() })
	return &liveApp{t: t, tm: tm, srv: srv}
}

func (a *liveApp) key(k tea.KeyType) { a.tm.Send(tea.KeyMsg{Type: k}) }

func (a *liveApp) typeText(s string) { a.tm.Type(s) }

func (a *liveApp) waitFor(want ...string) {
	a.t.Helper()
	if !a.tryWait(30*time.Second, want...) {
		a.t.Fatalf("the screen never showed %q; last output:\n%s", want, a.seen)
	}
}

// tryWait reads frames until every want has appeared since the last
// successful wait, or d passes.
func (a *liveApp) tryWait(d time.Duration, want ...string) bool {
	deadline := time.Now().Add(d)
	buf := make([]byte, 64<<10)
	for {
		ok := true
		for _, w := range want {
			if !bytes.Contains(a.seen, []byte(w)) {
				ok = false
				break
			}
		}
		if ok {
			a.seen = a.seen[:0]
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		n, _ := a.tm.Output().Read(buf)
		if n == 0 {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		a.seen = append(a.seen, buf[:n]...)
	}
}

func TestLiveRunShowsReplyTraceAndCache(t *testing.T) {
	a := startLive(t, nil)
	a.key(tea.KeyCtrlR)
	a.waitFor("(integer) 1", "SCRIPT LOAD", "noscript", " cached ")
	a.key(tea.KeyCtrlR)
	a.waitFor("(integer) 2", "#2 ok · evalsha-load · 1 round trip")
}

func TestLiveStopLongScript(t *testing.T) {
	a := startLive(t, func(o *Options) {
		o.Source = "local t = redis.call('time') while tonumber(redis.call('time')[1]) < t[1] + 20 do end return 'finished'"
	}, "busy-reply-threshold 100")
	a.key(tea.KeyCtrlR)
	a.waitFor("running")
	a.key(tea.KeyCtrlK)
	a.waitFor("SCRIPT KILL from a second connection")
	a.typeText("y")
	a.waitFor("killed")
}

func TestLiveUnkillableAsksForTypedShutdown(t *testing.T) {
	a := startLive(t, func(o *Options) {
		o.Source = "redis.call('set', KEYS[1], 'x') local t = redis.call('time') while tonumber(redis.call('time')[1]) < t[1] + 20 do end return 1"
	}, "busy-reply-threshold 100")
	a.key(tea.KeyCtrlR)
	a.waitFor("running")
	a.key(tea.KeyCtrlK)
	a.waitFor("SCRIPT KILL from a second connection")
	a.typeText("y")
	a.waitFor("cannot be killed", "Type SHUTDOWN NOSAVE")
	// A plain "y" is not enough.
	a.typeText("y")
	a.key(tea.KeyEnter)
	a.waitFor("not sent: type exactly SHUTDOWN NOSAVE")
	a.key(tea.KeyBackspace)
	a.typeText("SHUTDOWN NOSAVE")
	a.key(tea.KeyEnter)
	// The server is gone: the waiting run ends with a connection error.
	a.waitFor("Error: connection")
}

func TestLiveReadOnlyRefusesFlushAndWrites(t *testing.T) {
	a := startLive(t, nil)
	a.key(tea.KeyF8)
	a.waitFor("RO", "read-only: EVAL_RO")
	a.key(tea.KeyF4)
	a.waitFor("SCRIPT FLUSH is refused")
	a.key(tea.KeyCtrlR)
	a.waitFor("write_denied")
	if n, _ := a.srv.Client().Exists(context.Background(), "live:n").Result(); n != 0 {
		t.Error("read-only run wrote")
	}
}

func TestLiveProductionAsksBeforeWrites(t *testing.T) {
	a := startLive(t, func(o *Options) { o.Production, o.Label = true, "prod" })
	a.waitFor("PROD")
	a.key(tea.KeyCtrlR)
	a.waitFor("labelled production")
	a.typeText("n")
	a.waitFor("cancelled")
	if n, _ := a.srv.Client().Exists(context.Background(), "live:n").Result(); n != 0 {
		t.Error("the run went ahead after 'n'")
	}
	a.key(tea.KeyCtrlR)
	a.waitFor("labelled production")
	a.typeText("y")
	a.waitFor("(integer) 1")
}

func TestLiveConnectionLostAndBack(t *testing.T) {
	a := startLive(t, nil)
	a.key(tea.KeyCtrlR)
	a.waitFor("(integer) 1")
	if err := a.srv.Kill(); err != nil {
		t.Fatal(err)
	}
	a.key(tea.KeyCtrlR)
	a.waitFor("connection error")
	if err := a.srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.key(tea.KeyCtrlR)
	// The restarted server is empty: INCR starts again at 1, after a NOSCRIPT.
	a.waitFor("#3 ok · evalsha-load · 3 round trips")
}

func TestLiveFlushThenNoScriptFallback(t *testing.T) {
	a := startLive(t, nil)
	a.key(tea.KeyCtrlR)
	a.waitFor(" cached ")
	a.key(tea.KeyF4)
	a.waitFor("Send SCRIPT FLUSH?")
	a.typeText("y")
	a.waitFor("SCRIPT FLUSH: (status) OK", "not cached")
	a.key(tea.KeyCtrlR)
	a.waitFor("#2 ok · evalsha-load · 3 round trips")
}

func TestLiveSaveAndOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.lua")
	a := startLive(t, func(o *Options) { o.Filename = path })
	a.key(tea.KeyCtrlS)
	a.waitFor("saved " + path)
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "return redis.call('incr', KEYS[1])\n" { // a new file ends its last line
		t.Fatalf("saved %q %v", b, err)
	}
	other := filepath.Join(dir, "other.lua")
	if err := os.WriteFile(other, []byte("return 'opened'"), 0o644); err != nil {
		t.Fatal(err)
	}
	a.key(tea.KeyCtrlO)
	a.waitFor("Open file")
	// Replace the pre-filled path.
	for i := 0; i < len(path)+2; i++ {
		a.key(tea.KeyBackspace)
	}
	a.typeText(other)
	a.key(tea.KeyEnter)
	a.waitFor("opened " + other)
	a.key(tea.KeyCtrlR)
	a.waitFor(`"opened"`)
}

func TestLiveWatchRerunsOnChange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.lua")
	if err := os.WriteFile(path, []byte("return 'v1'"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := startLive(t, func(o *Options) { o.Filename, o.Source, o.Watch = path, "return 'v1'", true })
	a.waitFor("w.lua")
	// The watcher starts in the background: write until it has seen a change.
	for i := 0; ; i++ {
		v := fmt.Sprintf("v%d from disk", i+2)
		if err := os.WriteFile(path, []byte("return '"+v+"'"), 0o644); err != nil {
			t.Fatal(err)
		}
		if a.tryWait(2*time.Second, `"`+v+`"`) {
			break
		}
		if i == 10 {
			t.Fatalf("no re-run after 10 writes; last output:\n%s", a.seen)
		}
	}
}

func TestLiveSaveAsksBeforeOverwriting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.lua")
	if err := os.WriteFile(path, []byte("return 'disk v1'"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	a := startLive(t, func(o *Options) { o.Filename, o.Source, o.FileModTime = path, "return 'disk v1'", st.ModTime() })
	a.waitFor("s.lua")
	// Another program changes the file.
	time.Sleep(20 * time.Millisecond)
	if err := os.WriteFile(path, []byte("return 'other program'"), 0o644); err != nil {
		t.Fatal(err)
	}
	a.typeText("x")
	a.key(tea.KeyCtrlS)
	a.waitFor("changed on disk since luascope read it")
	a.typeText("n")
	a.waitFor("cancelled")
	if b, _ := os.ReadFile(path); string(b) != "return 'other program'" {
		t.Fatalf("overwritten after 'n': %q", b)
	}
	a.key(tea.KeyCtrlS)
	a.waitFor("changed on disk since luascope read it")
	a.typeText("y")
	a.waitFor("saved " + path)
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "x") {
		t.Fatalf("not saved after 'y': %q", b)
	}
}

func TestLiveOpenAsksWhenUnsaved(t *testing.T) {
	a := startLive(t, nil)
	a.typeText("-- edit\n")
	a.key(tea.KeyCtrlO)
	a.waitFor("Open another file anyway?")
	a.typeText("n")
	a.waitFor("cancelled")
}

func TestLiveScriptExistsReports(t *testing.T) {
	a := startLive(t, nil)
	a.key(tea.KeyF2)
	a.waitFor("not in the cache")
	a.key(tea.KeyCtrlR)
	a.waitFor("(integer) 1")
	a.key(tea.KeyF2)
	a.waitFor("cache holds the script")
}

func TestLiveProductionNoWritesScriptDoesNotAsk(t *testing.T) {
	a := startLive(t, func(o *Options) {
		o.Production, o.Label = true, "prod"
		o.Source = "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])"
	})
	a.key(tea.KeyCtrlR)
	a.waitFor("(nil)", "ok: ")
}

func TestLiveFunctionsBrowser(t *testing.T) {
	lib := "#!lua name=demo\nredis.register_function{function_name='hello', callback=function(keys, args) return 'hello ' .. args[1] end, flags={'no-writes'}, description='greets'}"
	a := startLive(t, func(o *Options) { o.Source, o.Keys, o.Args = lib, nil, []string{"you"} })
	a.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlB})
	a.waitFor("no libraries on this server")
	a.typeText("l")
	a.waitFor("demo (LUA, 1 function(s))", "greets")
	a.key(tea.KeyDown)
	a.key(tea.KeyEnter)
	a.waitFor("ctrl+r now calls FCALL hello")
	a.key(tea.KeyCtrlR)
	a.waitFor(`"hello you"`, "FCALL hello")
	a.typeText("x")
	a.waitFor("runs the editor's script again")
}

func TestLiveLintMarksAndBlocksOnProduction(t *testing.T) {
	a := startLive(t, func(o *Options) {
		o.Production, o.Label = true, "prod"
		o.Source = "x = 1\nif KEYS[1] then error({code=1}) end\nreturn 1"
	})
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{' '}})
	a.waitFor("✗", "lint 2✗")
	a.key(tea.KeyCtrlR)
	a.waitFor("not sent: line 2")
}

func TestLiveBatch(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "lines.txt")
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "batch:%d , %d\n", i%10, i)
	}
	b.WriteString("this line has , , two commas\n")
	if err := os.WriteFile(input, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	a := startLive(t, func(o *Options) { o.Source = "return redis.call('incrby', KEYS[1], ARGV[1])" })
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'B'}, Alt: true})
	a.waitFor("Batch: file with one KEY")
	a.typeText(input)
	a.key(tea.KeyEnter)
	a.waitFor("Batch report", "batch finished")
	sum := 0
	for i := 0; i < 10; i++ {
		n, _ := a.srv.Client().Get(context.Background(), fmt.Sprintf("batch:%d", i)).Int()
		sum += n
	}
	if sum != 299*300/2 {
		t.Errorf("sum of counters %d, want %d", sum, 299*300/2)
	}
	a.key(tea.KeyEsc)
}

func TestLiveGallery(t *testing.T) {
	a := startLive(t, func(o *Options) { o.Source = "" })
	a.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'g'}, Alt: true})
	a.waitFor("Examples", "enter: load")
	for i := 0; i < 40; i++ {
		a.key(tea.KeyDown)
	}
	a.key(tea.KeyUp)
	a.key(tea.KeyEnter)
	a.waitFor("ready (setup done)")
	a.key(tea.KeyCtrlR)
	a.waitFor("ok: ")
}
