//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/sandbox"
)

// slowScript keeps the server busy for about ten seconds: long enough
// that a run which ends sooner was ended by the signal, not the script.
const slowScript = "local t = redis.call('time') while tonumber(redis.call('time')[1]) < t[1] + 10 do end return 1"

// whenScriptRuns waits until srv runs a script: inside one the server
// answers nothing, then BUSY (after busy-reply-threshold), so a PING that
// fails means the script runs. It kills the script when the
// test ends, so the next test finds the server free.
func whenScriptRuns(t *testing.T, srv *sandbox.Server) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), ReadTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() {
		k := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
		defer k.Close()
		for i := 0; i < 50; i++ {
			if err := k.ScriptKill(context.Background()).Err(); err != nil && strings.Contains(err.Error(), "NOTBUSY") {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the script never ran")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// signalled runs the binary, sends sig once the server runs the script,
// and returns stdout, stderr, the exit status and how long the process
// took after the signal.
func signalled(t *testing.T, bin string, srv *sandbox.Server, state string, sig syscall.Signal, args ...string) (stdout, stderr string, code int, after time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+state, "XDG_CONFIG_HOME="+filepath.Join(state, "config"))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	whenScriptRuns(t, srv)
	sent := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	after = time.Since(sent)
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code, after
}

// TestCLIInterruptKeepsJSON: a run or a batch with --json that a signal
// interrupts still prints its document (the contract is one per run),
// with the steps sent and the error classified as interrupted; the run
// is in the history, and the status is 128+signal.
func TestCLIInterruptKeepsJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	// BUSY after 200 ms, not 5 s: the server then takes SCRIPT KILL, so
	// each subtest frees it at once for the next.
	srv := startSandbox(t, "lua-time-limit 200")
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		name string
	}{{syscall.SIGINT, 130, "SIGINT"}, {syscall.SIGTERM, 143, "SIGTERM"}} {
		t.Run("run "+tc.name, func(t *testing.T) {
			state := t.TempDir()
			out, errOut, code, after := signalled(t, bin, srv, state, tc.sig, "run", "--json", "-u", srv.URL(), "-e", slowScript, "k")
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstderr: %s", code, tc.code, errOut)
			}
			if after > 5*time.Second {
				t.Errorf("took %s after the signal: the run waited for the script", after)
			}
			var rep struct {
				Steps []struct {
					Command []string `json:"command"`
					Outcome string   `json:"outcome"`
					Error   string   `json:"error"`
				} `json:"steps"`
				Error *struct {
					Class, Message, Hint string
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%q\nstderr: %s", err, out, errOut)
			}
			if len(rep.Steps) == 0 || rep.Steps[len(rep.Steps)-1].Outcome != "failed" {
				t.Errorf("steps: %+v", rep.Steps)
			} else if last := rep.Steps[len(rep.Steps)-1]; !strings.Contains(last.Error, "interrupted by "+tc.name) {
				t.Errorf("the last step's error: %q", last.Error)
			}
			if rep.Error == nil || rep.Error.Class != "connection" || !strings.Contains(rep.Error.Message, "interrupted by "+tc.name) ||
				!strings.Contains(rep.Error.Hint, "goes on on the server") {
				t.Errorf("error: %+v", rep.Error)
			}
			if !strings.Contains(errOut, "goes on on the server") {
				t.Errorf("stderr: %q", errOut)
			}
			if h, err := os.ReadFile(filepath.Join(state, "luascope", "history.jsonl")); err != nil || !bytes.Contains(h, []byte("interrupted by "+tc.name)) {
				t.Errorf("the run is not in the history: %v\n%s", err, h)
			}
		})
	}
	t.Run("run text", func(t *testing.T) {
		out, errOut, code, _ := signalled(t, bin, srv, t.TempDir(), syscall.SIGINT, "run", "-u", srv.URL(), "-e", slowScript)
		if code != 130 || !strings.Contains(out, "interrupted by SIGINT") || !strings.Contains(out, "EVALSHA") {
			t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
	})
	t.Run("batch SIGTERM", func(t *testing.T) {
		input := filepath.Join(t.TempDir(), "lines.txt")
		if err := os.WriteFile(input, []byte("a\nb\nc\nd\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, code, after := signalled(t, bin, srv, t.TempDir(), syscall.SIGTERM,
			"batch", "--json", "--pipeline", "1", "-u", srv.URL(), "-e", slowScript, "--input", input)
		if code != 143 {
			t.Errorf("exit %d, want 143\nstderr: %s", code, errOut)
		}
		if after > 5*time.Second {
			t.Errorf("took %s after the signal: the batch waited for the script", after)
		}
		var last map[string]any
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			last = nil
			if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
				t.Fatalf("not JSON Lines: %v\n%s", err, out)
			}
		}
		if last == nil || last["type"] != "summary" || last["stopped"] != true {
			t.Fatalf("no summary after the signal:\n%s\nstderr: %s", out, errOut)
		}
		// The line in flight may have run: unknown, never not_sent.
		if n, _ := last["outcomes"].(map[string]any)["unknown"].(float64); n < 1 {
			t.Errorf("the line in flight should be unknown:\n%s", out)
		}
		// A batch's calls go on, not "the script" that SCRIPT KILL stops.
		if !strings.Contains(errOut, "the calls already written go on on the server") || strings.Contains(errOut, "SCRIPT KILL") {
			t.Errorf("stderr: %q", errOut)
		}
	})
}

// TestCLIQuitDumpsAndStopsSandbox: SIGQUIT keeps Go's meaning in the CLI
// (every goroutine's stack, status 2) and still stops the sandbox server,
// which Go's own exit would leave running where there is no Pdeathsig.
func TestCLIQuitDumpsAndStopsSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads the process tree from /proc")
	}
	bin := buildBinary(t)
	cmd := exec.Command(bin, "run", "--sandbox", "-e", slowScript)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "REDIS_URL=")
	var out bytes.Buffer
	var errb lockedBuffer // read while the process writes to it
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var servers []int
	for deadline := time.Now().Add(10 * time.Second); len(servers) == 0 && time.Now().Before(deadline); {
		servers = descendants(cmd.Process.Pid, serverComms...)
		time.Sleep(50 * time.Millisecond)
	}
	if len(servers) == 0 {
		t.Fatal("no sandbox server under luascope")
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(errb.String(), "(stopped on exit)"); {
		if time.Now().After(deadline) {
			t.Fatalf("the run never started: %s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the script is sent
	_ = cmd.Process.Signal(syscall.SIGQUIT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("exit: %v, want status 2", err)
	}
	if !strings.Contains(errb.String(), "SIGQUIT: quit") || !strings.Contains(errb.String(), "goroutine 1 [") {
		t.Errorf("no goroutine dump on stderr:\n%s", errb.String())
	}
	if out.Len() != 0 {
		t.Errorf("the run went on to print after SIGQUIT:\n%s", out.String())
	}
	for _, p := range servers {
		if alive(p) {
			t.Errorf("sandbox server %d still runs", p)
		}
	}
}

// lockedBuffer is a bytes.Buffer that a test may read while a process
// started with os/exec writes to it from exec's copying goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
