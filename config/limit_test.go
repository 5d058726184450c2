package config

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// TestLoadIsCapped: a file larger than MaxSize fails at once with an
// error naming the file and the limit, whatever it is: an endless device,
// or a big regular file named by mistake.
func TestLoadIsCapped(t *testing.T) {
	// A file exactly at the limit is still read (all comments: valid TOML).
	line := "# " + strings.Repeat("x", 61) + "\n"
	at := strings.Repeat(line, MaxSize/len(line))
	at += strings.Repeat("#", MaxSize-len(at))
	if _, err := Load(write(t, at)); err != nil {
		t.Fatalf("a file of exactly MaxSize bytes: %v", err)
	}
	paths := []string{write(t, at+"\n")}
	big := write(t, "")
	if err := os.Truncate(big, 1<<30); err != nil { // sparse: no gigabyte on disk
		t.Fatal(err)
	}
	paths = append(paths, big)
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		start := time.Now()
		_, err := Load(p)
		var e *Error
		if !errors.As(err, &e) || e.Path != p || !strings.Contains(err.Error(), p+": larger than 1 MiB") {
			t.Errorf("Load(%s): %v, want an *Error naming the file and 1 MiB", p, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Load(%s) took %v: it must stop at the limit", p, d)
		}
	}
}
