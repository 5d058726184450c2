//go:build unix

package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeServer writes an executable that only prints a version line, which
// is all FindBinary and LookBinary look at.
func fakeServer(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho 'Valkey server v=8.1.1 sha=0 malloc=libc bits=64 build=0'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFindBinaryEnv is not parallel: it sets the environment.
func TestFindBinaryEnv(t *testing.T) {
	dir := t.TempDir()
	wrapper := fakeServer(t, dir, "valkey-server-8.1.1")
	onPath := fakeServer(t, dir, "my-redis-server")
	t.Setenv("PATH", dir)

	t.Setenv(EnvBinary, wrapper)
	if got, err := FindBinary(); err != nil || got != wrapper {
		t.Errorf("FindBinary with %s=%s = %q, %v", EnvBinary, wrapper, got, err)
	}
	t.Setenv(EnvBinary, "my-redis-server")
	if got, err := FindBinary(); err != nil || got != onPath {
		t.Errorf("FindBinary with a bare name = %q, %v; want %q", got, err, onPath)
	}

	// A variable naming nothing runnable fails, naming the variable and
	// the path, instead of quietly testing the server on PATH.
	notExec := filepath.Join(dir, "not-executable")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{filepath.Join(dir, "missing-server"), notExec, "no-such-server"} {
		t.Setenv(EnvBinary, bad)
		_, err := FindBinary()
		if err == nil || errors.Is(err, ErrNoServer) {
			t.Errorf("FindBinary with %s=%s = %v, want an error of its own", EnvBinary, bad, err)
			continue
		}
		for _, want := range []string{EnvBinary, bad} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not name %q", err, want)
			}
		}
		if _, serr := Start(context.Background(), Options{}); serr == nil || serr.Error() != err.Error() {
			t.Errorf("Start with %s=%s = %v, want %v", EnvBinary, bad, serr, err)
		}
	}

	// Empty is unset: PATH decides.
	t.Setenv(EnvBinary, "")
	if _, err := FindBinary(); !errors.Is(err, ErrNoServer) {
		t.Errorf("FindBinary with %s empty and no server on PATH = %v, want ErrNoServer", EnvBinary, err)
	}
}

func TestParseVersionLine(t *testing.T) {
	t.Parallel()
	for line, want := range map[string][2]string{
		"KeyDB server v=6.3.4 sha=00000000:0 malloc=jemalloc-5.2.1 bits=64 build=0\n": {"keydb", "6.3.4"},
		"hello\n": {"hello", ""},
		"":        {"", ""},
		"Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=c4b52f8a2bd1a1c8\n": {Redis, "7.0.15"},
		"Redis server v=8.0.2 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=b843bbd074c0e1da\n":  {Redis, "8.0.2"},
		"Valkey server v=8.1.1 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=384b3c0d511f998a\n": {Valkey, "8.1.1"},
	} {
		if f, v := ParseVersionLine(line); f != want[0] || v != want[1] {
			t.Errorf("ParseVersionLine(%q) = %s %s, want %s %s", line, f, v, want[0], want[1])
		}
	}
}

// TestFlavorLive checks that INFO and the binary's own --version agree on
// whichever server this run uses ($LUASCOPE_REDIS_SERVER or PATH).
func TestFlavorLive(t *testing.T) {
	t.Parallel()
	s := startT(t, Options{})
	bin, err := FindBinary()
	if err != nil {
		t.Fatal(err)
	}
	f, v := binaryVersion(bin)
	if v == "" {
		t.Fatalf("%s --version gave no version", bin)
	}
	if s.Flavor() != f || s.Version() != v {
		t.Errorf("INFO says %s, %s --version says %s %s", s.Describe(), bin, f, v)
	}
	t.Logf("server: %s (%s)", s.Describe(), bin)
}

func TestIs(t *testing.T) {
	t.Parallel()
	r7 := &Server{flavor: Redis, version: "7.0.15"}
	r8 := &Server{flavor: Redis, version: "8.0.2"}
	v8 := &Server{flavor: Valkey, version: "8.1.1"}
	for _, c := range []struct {
		s             *Server
		flavor, since string
		want          bool
	}{
		{r7, Redis, "", true}, {r7, Redis, "8.0", false}, {r7, Valkey, "", false},
		{r8, Redis, "8.0", true}, {r8, Redis, "7.4", true}, {r8, Valkey, "8.0", false},
		{v8, Valkey, "8.1", true}, {v8, Valkey, "9.0", false}, {v8, Redis, "8.0", false}, {v8, Redis, "", false},
	} {
		if got := c.s.Is(c.flavor, c.since); got != c.want {
			t.Errorf("%s Is(%s, %q) = %v", c.s.Describe(), c.flavor, c.since, got)
		}
	}
}

// TestDiscover is not parallel: it sets the environment.
func TestDiscover(t *testing.T) {
	pathDir, servers := t.TempDir(), t.TempDir()
	redis := fakeServer(t, pathDir, "redis-server")
	bin := filepath.Join(servers, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	v8 := fakeServer(t, bin, "valkey-server-8.1.1")
	r8 := fakeServer(t, bin, "redis-server-8.0.2")
	// Not servers: a file that is not executable, a directory, and a
	// symlink to the PATH one (listed once).
	if err := os.WriteFile(filepath.Join(bin, "README"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(bin, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(redis, filepath.Join(bin, "same-as-path")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", pathDir)
	t.Setenv(EnvServersDir, servers)
	t.Setenv(EnvBinary, "")
	want := []string{redis, r8, v8}
	if got := Discover(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Discover() = %q, want %q", got, want)
	}
	// The variable comes first, once.
	t.Setenv(EnvBinary, v8)
	want = []string{v8, redis, r8}
	if got := Discover(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Discover() with %s = %q, want %q", EnvBinary, got, want)
	}
	t.Setenv(EnvServersDir, "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if got := ServersDir(); !strings.HasSuffix(got, filepath.Join("luascope", "servers")) {
		t.Errorf("ServersDir() = %q", got)
	}
}
