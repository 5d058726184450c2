//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// buildCrashBinary builds luascope with the crashtest tag: alt+1, alt+2
// and alt+3 panic in Update, a command and View (ui/crashtest.go).
func buildCrashBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads the process tree from /proc")
	}
	bin := filepath.Join(t.TempDir(), "luascope")
	out, err := exec.Command("go", "build", "-tags", "crashtest", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// descendants are the processes under pid named one of comms, found
// through /proc/PID/task/TID/children.
func descendants(pid int, comms ...string) []int {
	var out []int
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, field := range strings.Fields(string(b)) {
			child, err := strconv.Atoi(field)
			if err != nil {
				continue
			}
			if c, _ := os.ReadFile("/proc/" + field + "/comm"); slices.Contains(comms, strings.TrimSpace(string(c))) {
				out = append(out, child)
			}
			out = append(out, descendants(child, comms...)...)
		}
	}
	return out
}

// serverComms are the names a sandbox server's process has: Redis's or
// Valkey's, whichever $LUASCOPE_REDIS_SERVER names (tools/servers.sh runs
// each through a loader named after it for this reason).
var serverComms = []string{"redis-server", "valkey-server"}

// alive reports whether pid runs (a zombie, waiting for a parent that
// does not reap it, has stopped).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// everything is the screen and its scrollback, wrapped lines joined: what
// a person scrolls back through.
func (s *tmuxSession) everything() string {
	return s.run("capture-pane", "-p", "-J", "-S", "-", "-t", s.name)
}

func (s *tmuxSession) format(f string) string {
	return strings.TrimSpace(s.run("display", "-p", "-t", s.name, f))
}

// startRescueTUI opens the TUI on a sandbox with a script, types an
// unsaved edit, and returns the session, luascope's pid and its sandbox's.
func startRescueTUI(t *testing.T, bin string, w, h int) (s *tmuxSession, state string, pid int, servers []int) {
	t.Helper()
	dir := t.TempDir()
	script := copyExample(t, dir)
	state = filepath.Join(dir, "state")
	env := []string{"XDG_STATE_HOME=" + state, "XDG_CONFIG_HOME=" + dir + "/config", "TERM=xterm-256color", "REDIS_URL="}
	s = newTmux(t, w, h, env, bin, "--sandbox", script, "rate:demo", ",", "5", "60")
	s.waitFor("limit.lua")
	s.keys("-l", "local kept = 'an edit worth keeping' ")
	// All of it: a signal mid-typing would save half (and fail checkEnded).
	s.waitFor("[+]", "worth keeping'")
	deadline := time.Now().Add(10 * time.Second)
	for pid == 0 && time.Now().Before(deadline) {
		if p := descendants(mustAtoi(t, s.format("#{pane_pid}")), "luascope"); len(p) > 0 {
			pid = p[0]
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if pid == 0 {
		t.Fatal("no luascope process in the pane")
	}
	servers = descendants(pid, serverComms...)
	if len(servers) == 0 {
		t.Fatal("no sandbox server under luascope")
	}
	return s, state, pid, servers
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// checkEnded checks what a person finds after luascope ended badly: the
// terminal back to normal (main screen, cooked mode with echo), the
// sandbox stopped, and the edit in a 0600 recovery file.
func checkEnded(t *testing.T, s *tmuxSession, state string, servers []int) {
	t.Helper()
	if alt := s.format("#{alternate_on}"); alt != "0" {
		t.Errorf("the terminal is left in the alternate screen (alternate_on=%s)", alt)
	}
	out, err := exec.Command("stty", "-a", "-F", s.format("#{pane_tty}")).CombinedOutput()
	if err != nil {
		t.Fatalf("stty: %v\n%s", err, out)
	}
	modes := " " + strings.Join(strings.Fields(string(out)), " ") + " "
	for _, want := range []string{" icanon ", " echo ", " isig ", " icrnl "} {
		if !strings.Contains(modes, want) {
			t.Errorf("the terminal is left raw: no %q in\n%s", strings.TrimSpace(want), out)
		}
	}
	for _, p := range servers {
		if alive(p) {
			t.Errorf("sandbox server %d still runs", p)
		}
	}
	files, _ := filepath.Glob(filepath.Join(state, "luascope", "recovered", "limit-*.lua"))
	if len(files) != 1 {
		t.Fatalf("recovery files: %v\n%s", files, s.screen())
	}
	b, err := os.ReadFile(files[0])
	if err != nil || !bytes.HasPrefix(b, []byte("local kept = 'an edit worth keeping' -- A fixed-window")) {
		t.Errorf("recovery file %s: %q %v", files[0], b, err)
	}
	if st, err := os.Stat(files[0]); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("recovery file mode: %v %v", st, err)
	}
}

// TestTUISignalRestoresTerminal: resized across 40–80 columns (the tab
// bar once panicked below 68), then sent SIGTERM, SIGHUP or SIGQUIT, luascope
// restores the terminal, stops its sandbox, saves the unsaved script and
// exits with 128+signal.
func TestTUISignalRestoresTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildCrashBinary(t)
	for _, tc := range []struct {
		sig  syscall.Signal
		exit string
		says string
	}{
		{syscall.SIGTERM, "EXITED:143", "terminated (SIGTERM)"},
		{syscall.SIGHUP, "EXITED:129", "hung up (SIGHUP)"},
		// Go's default would dump stacks into the raw terminal and exit 2.
		{syscall.SIGQUIT, "EXITED:131", "quit (SIGQUIT)"},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			s, state, pid, servers := startRescueTUI(t, bin, 50, 20)
			if tc.sig == syscall.SIGTERM {
				for w := 40; w <= 80; w += 3 {
					s.run("resize-window", "-t", s.name, "-x", strconv.Itoa(w), "-y", "20")
					time.Sleep(30 * time.Millisecond)
				}
				s.run("resize-window", "-t", s.name, "-x", "40", "-y", "12")
				scr := s.waitFor("Scr", "limit.lua")
				if strings.Contains(scr, "panic") {
					t.Fatalf("a resize panicked:\n%s", scr)
				}
			}
			if err := syscall.Kill(pid, tc.sig); err != nil {
				t.Fatal(err)
			}
			s.waitFor(tc.exit)
			scr := s.everything()
			for _, want := range []string{tc.says, "unsaved edits to", "open them again with"} {
				if !strings.Contains(scr, want) {
					t.Errorf("after %v the screen lacks %q:\n%s", tc.sig, want, scr)
				}
			}
			if strings.Contains(scr, "goes on") {
				t.Errorf("nothing was running, yet:\n%s", scr)
			}
			if strings.Contains(scr, "goroutine ") {
				t.Errorf("a stack dump reached the terminal:\n%s", scr)
			}
			checkEnded(t, s, state, servers)
		})
	}
}

// TestTUIPanicRestoresTerminal: a bug in Update, in a command or in View
// leaves the terminal usable, the sandbox stopped and the script saved,
// says it is a bug, and exits 2.
func TestTUIPanicRestoresTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildCrashBinary(t)
	for _, tc := range []struct{ key, where string }{{"M-1", "Update"}, {"M-2", "command"}, {"M-3", "View"}} {
		t.Run(tc.where, func(t *testing.T) {
			s, state, _, servers := startRescueTUI(t, bin, 100, 30)
			s.keys(tc.key)
			s.waitFor("EXITED:2")
			scr := s.everything()
			for _, want := range []string{"internal error", "crash test: " + tc.where, "unsaved edits to", "open them again with"} {
				if !strings.Contains(scr, want) {
					t.Errorf("after a panic in %s the screen lacks %q:\n%s", tc.where, want, scr)
				}
			}
			checkEnded(t, s, state, servers)
		})
	}
}

// TestCLIInterruptIsTruthful: Ctrl-C (SIGINT) while `luascope run` waits
// for its script on stdin says nothing of a script going on; while the
// server runs the script, it says that it goes on.
func TestCLIInterruptIsTruthful(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	srv := startSandbox(t)
	interrupt := func(t *testing.T, ready func() bool, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"run", "-u", "redis://" + srv.Addr()}, args...)...)
		cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
		stdin, err := cmd.StdinPipe() // open, never written: `-` waits on it
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !ready() && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		_ = cmd.Process.Signal(os.Interrupt)
		err = cmd.Wait()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
			t.Errorf("exit: %v, want status 130", err)
		}
		return stderr.String()
	}
	t.Run("nothing sent", func(t *testing.T) {
		start := time.Now()
		got := interrupt(t, func() bool { return time.Since(start) > 500*time.Millisecond }, "-")
		if strings.Contains(got, "goes on") || !strings.Contains(got, "interrupted") {
			t.Errorf("stderr: %q", got)
		}
	})
	t.Run("script running", func(t *testing.T) {
		// A short read timeout: inside a script the server answers nothing
		// (BUSY only after busy-reply-threshold, 5s), so a PING that times
		// out means the script runs.
		c := redis.NewClient(&redis.Options{Addr: srv.Addr(), ReadTimeout: 200 * time.Millisecond, MaxRetries: -1})
		defer c.Close()
		busy := "local t = redis.call('time') while tonumber(redis.call('time')[1]) < t[1] + 3 do end return 1"
		got := interrupt(t, func() bool {
			return c.Ping(context.Background()).Err() != nil
		}, "-e", busy)
		if !strings.Contains(got, "goes on on the server") {
			t.Errorf("stderr: %q", got)
		}
	})
}
