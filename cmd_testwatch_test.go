//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// --watch runs the tests again when the script changes, and ctrl+c
// (SIGINT) ends it. One directory is "1 directory", not "1 directories".
func TestTestWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "s.lua")
	if err := os.WriteFile(script, []byte("return 1"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.test.toml"), []byte("script = \"s.lua\"\n[[case]]\nname = \"one\"\nexpect = \"(integer) 1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "test", "--watch", dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	waitLine := func(want string) {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("output ended before %q", want)
				}
				if strings.Contains(l, want) {
					return
				}
			case <-deadline:
				t.Fatalf("no %q", want)
			}
		}
	}
	waitLine("1 passed, 0 failed")
	waitLine("--- watching 1 directory for changes (ctrl+c stops)")
	if err := os.WriteFile(script, []byte("return 2"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitLine("at reply: expected (integer) 1, got (integer) 2")
	waitLine("watching")
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ctrl+c did not end --watch")
	}
}
