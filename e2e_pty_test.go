//go:build linux

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/fakeserver"
	"luascope/tools/ptyterm"
)

// ptyRun is a program on a pseudo-terminal (tools/ptyterm): what tmux's
// capture-pane cannot show — the queries sent, the escape sequences and
// their order.
type ptyRun struct {
	t *testing.T
	*ptyterm.Session
}

// startPTY runs argv on a pseudo-terminal as a user's terminal: no CI
// (termenv takes a set CI for "not a terminal" and asks nothing), no
// NO_COLOR, not inside tmux.
func startPTY(t *testing.T, background string, env []string, argv ...string) *ptyRun {
	t.Helper()
	s, err := ptyterm.Start(argv, ptyterm.Options{Cols: 100, Rows: 30, Background: background,
		Env: append([]string{"COLORTERM=", "NO_COLOR=", "TMUX=", "CI="}, env...)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return &ptyRun{t: t, Session: s}
}

// output is everything written so far.
func (r *ptyRun) output() string { return r.Output() }

// waitFor waits until the output holds want and returns it.
func (r *ptyRun) waitFor(want string) string {
	r.t.Helper()
	if _, err := r.WaitFor(0, want, 20*time.Second); err != nil {
		r.t.Fatalf("%v:\n%q", err, r.Output())
	}
	return r.Output()
}

// waitForText is waitFor on the output without its escape sequences.
func (r *ptyRun) waitForText(want string) string {
	r.t.Helper()
	match := func(b []byte) int {
		if strings.Contains(ansi.Strip(string(b)), want) {
			return len(b)
		}
		return -1
	}
	if _, err := r.WaitMatch(0, match, strconv.Quote(want), 20*time.Second); err != nil {
		r.t.Fatalf("%v:\n%q", err, ansi.Strip(r.Output()))
	}
	return r.Output()
}

// wait waits for the program to end.
func (r *ptyRun) wait() error {
	r.t.Helper()
	err := r.Wait(20 * time.Second)
	if err != nil && strings.Contains(err.Error(), "did not end") {
		r.t.Fatalf("%v; output:\n%q", err, r.Output())
	}
	return err
}

// Bubble Tea v1's init asks the terminal for its background colour
// whenever stdout is one: a terminal round trip (over SSH a network one)
// before every command. Package noquery stops it; only the terminal UI
// asks, once.
func TestNoTerminalQueryOutsideTheUI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	for _, args := range [][]string{{"version"}, {"keyslot", "user:{42}"}, {"run", "--help"}} {
		r := startPTY(t, ptyterm.Dark, nil, append([]string{bin}, args...)...)
		if err := r.wait(); err != nil {
			t.Fatalf("luascope %s: %v\n%q", args, err, r.output())
		}
		out := r.output()
		for _, q := range []string{"\x1b]11;?", "\x1b[6n"} {
			if strings.Contains(out, q) {
				t.Errorf("luascope %s asked the terminal %q:\n%q", strings.Join(args, " "), q, out)
			}
		}
	}
}

// The terminal UI asks for the background once, while it connects; draws
// its first frame itself, before Bubble Tea's renderer would (without
// Bubble Tea's erase blanking it), in the colours of the terminal's
// answer whatever it guessed while it waited (COLORFGBG); takes no answer
// as typing; and leaves the alternate screen on the way out.
func TestTUIFirstFrameOnAPTY(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	frames := map[string]string{}
	cases := []struct{ bg, colorfgbg string }{
		{ptyterm.Dark, ""}, {ptyterm.Light, ""}, // guessed dark: right, then wrong
		{ptyterm.Light, "0;15"}, {ptyterm.Dark, "15;7"}, // guessed light: right, then wrong
	}
	for _, c := range cases {
		bg := c.bg
		dir := t.TempDir()
		script := filepath.Join(dir, "first.lua")
		if err := os.WriteFile(script, []byte("-- pty-first-line\nreturn 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		env := []string{"XDG_STATE_HOME=" + dir + "/state", "XDG_CONFIG_HOME=" + dir + "/config", "REDIS_URL=", "COLORFGBG=" + c.colorfgbg}
		r := startPTY(t, bg, env, bin, "--sandbox", script)
		out := r.waitFor("pty-first-line")
		if n := strings.Count(out, "\x1b]11;?"); n != 1 {
			t.Errorf("background asked %d times, want once", n)
		}
		// The frame comes before Bubble Tea enters the alternate screen
		// (its second ?1049h), and no erase comes between.
		enter := "\x1b[?1049h"
		first := strings.Index(out, enter)
		if first < 0 || !strings.Contains(out[first:], "pty-first-line") {
			t.Fatalf("no frame on the alternate screen:\n%q", out)
		}
		if second := strings.Index(out[first+len(enter):], enter); second >= 0 && !strings.Contains(out[first:first+len(enter)+second], "pty-first-line") {
			t.Errorf("the first frame came after Bubble Tea's start:\n%q", out)
		}
		r.waitFor("\x1b[?2004h") // Bubble Tea runs: bracketed paste is on
		time.Sleep(300 * time.Millisecond)
		if strings.Contains(r.output(), "\x1b[2J") {
			t.Errorf("the first frame was erased:\n%q", r.output())
		}
		frame := out[first:strings.Index(out, "pty-first-line")]
		if prev, ok := frames[bg]; ok && frame != prev {
			t.Errorf("background %s, COLORFGBG=%q: the first frame differs from the one drawn without it:\n%q\n%q", bg, c.colorfgbg, frame, prev)
		}
		frames[bg] = frame
		// A key is the user's, and the only one: no answer was typed.
		_ = r.Write([]byte("Z"))
		out = r.waitForText("Z-- pty-first-line")
		if strings.Contains(ansi.Strip(out), "rgb:") {
			t.Errorf("a terminal answer reached the screen:\n%q", out)
		}
		_ = r.Write([]byte{0x03}) // ctrl+c: unsaved changes → asks
		r.waitFor("unsaved")
		_ = r.Write([]byte("y"))
		if err := r.wait(); err != nil {
			t.Fatalf("exit: %v", err)
		}
		out = r.output()
		if strings.LastIndex(out, "\x1b[?1049l") < strings.LastIndex(out, enter) {
			t.Errorf("left on the alternate screen:\n%q", out[max(0, len(out)-400):])
		}
	}
	if frames[ptyterm.Dark] == frames[ptyterm.Light] {
		t.Error("the same colours on a dark and a light background: the answer did not reach the theme")
	}
}

// silentSetup builds luascope, starts a server that accepts and never
// answers, and writes a script whose first line is the comment mark:
// the binary, the server's address, the script and an environment with
// private XDG directories.
func silentSetup(t *testing.T, mark string) (bin, addr, script string, env []string) {
	t.Helper()
	bin = buildBinary(t)
	silent, err := fakeserver.Start(nil, fakeserver.Silent())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	dir := t.TempDir()
	script = filepath.Join(dir, "slow.lua")
	if err := os.WriteFile(script, []byte("-- "+mark+"\nreturn 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return bin, silent.Addr(), script, []string{"XDG_STATE_HOME=" + dir + "/state", "XDG_CONFIG_HOME=" + dir + "/config", "REDIS_URL="}
}

// A server that accepts and never answers: the script is on the screen
// at once, with where it connects, while the handshake waits; when it
// gives up, the error is said on the normal screen (exit 3) and nothing
// is left on the alternate one.
func TestTUIPreviewWhileConnecting(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin, addr, script, env := silentSetup(t, "pty-preview-line")
	r := startPTY(t, ptyterm.Dark, env, bin, "-u", "redis://"+addr, "--timeout", "2s", script)
	r.waitForText("pty-preview-line")
	r.waitForText("connecting to redis://" + addr)
	err := r.wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("exit %v, want status 3", err)
	}
	out := r.output()
	last := strings.LastIndex(out, "\x1b[?1049l")
	if last < 0 || last < strings.LastIndex(out, "\x1b[?1049h") {
		t.Fatalf("left on the alternate screen:\n%q", out)
	}
	if after := ansi.Strip(out[last:]); !strings.Contains(after, "luascope:") || !strings.Contains(strings.ToLower(after), "timeout") && !strings.Contains(after, "no answer") {
		t.Errorf("the error is not on the normal screen after the preview:\n%q", after)
	}
}

// Keys typed while the UI connects are for the UI: when the connection
// fails they are dropped, not left for the shell, which would run them as
// a command line (the reviewer's `touch /tmp/LEAKED`).
func TestTUIKeysTypedWhileConnectingNotLeftForTheShell(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin, addr, script, env := silentSetup(t, "pty-typed-line")
	// After luascope ends, read whatever is waiting, as an interactive
	// shell's line editor would (byte by byte, Enter as \r included).
	shell := bin + " -u redis://" + addr + " --timeout 2s " + script +
		`; stty -icanon -echo min 0 time 5; got=$(dd bs=256 count=1 2>/dev/null | tr -d '\r\n'); stty sane; echo "SHELL-GOT[$got]"`
	r := startPTY(t, ptyterm.Dark, env, "sh", "-c", shell)
	r.waitForText("pty-typed-line")
	_ = r.Write([]byte("echo LEAKED\r"))
	r.waitFor("SHELL-GOT[")
	_ = r.wait()
	if out := ansi.Strip(r.output()); !strings.Contains(out, "SHELL-GOT[]") {
		t.Errorf("the keys typed while connecting reached the shell:\n%s", out[max(0, len(out)-300):])
	}
}
