package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadScriptExact: a script read from a regular file (one buffer of
// the file's size) or from a pipe is the file's bytes exactly: binary,
// CRLF, no newline at the end, empty; and a file over maxScript is
// refused without reading it.
func TestReadScriptExact(t *testing.T) {
	dir := t.TempDir()
	for _, content := range []string{"", "return 1", "return 1\r\n", "\x00\xff\x1b[2J\n-- é\n", strings.Repeat("local x = 1\n", 50000)} {
		p := filepath.Join(dir, "s.lua")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readScript(p, nil)
		if err != nil || got != content {
			t.Fatalf("file of %d bytes: %d bytes, %v", len(content), len(got), err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err = readScript("-", f)
		f.Close()
		if err != nil || got != content {
			t.Fatalf("stdin of %d bytes: %d bytes, %v", len(content), len(got), err)
		}
	}
	big := filepath.Join(dir, "big.lua")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxScript + 1); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	f.Close()
	if _, err := readScript(big, nil); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a file over maxScript: %v", err)
	}
}

// TestReadRegularGrew: a file that grew after its size was taken is
// still read whole, and refused once past maxScript.
func TestReadRegularGrew(t *testing.T) {
	dir := t.TempDir()
	content := strings.Repeat("return 1 -- grew\n", 10000)
	p := filepath.Join(dir, "s.lua")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, stale := range []int64{0, 1, int64(len(content)) / 3, int64(len(content)) - 1} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readRegular(f, p, stale)
		f.Close()
		if err != nil || got != content {
			t.Fatalf("size taken as %d: %d bytes of %d, %v", stale, len(got), len(content), err)
		}
	}
	big := filepath.Join(dir, "big.lua")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, maxScript+10); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(big)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := readRegular(f, big, 100); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a file grown past maxScript: %v", err)
	}
}
