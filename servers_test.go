package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// spyServer writes a wrapper that records its use and then execs the
// server this test run uses, as tools/servers.sh's wrappers exec theirs:
// the sandbox must start exactly the binary it was given.
func spyServer(t *testing.T) (wrapper, marker string) {
	t.Helper()
	real, err := sandbox.FindBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	wrapper, marker = filepath.Join(dir, "my-server"), filepath.Join(dir, "used")
	script := "#!/bin/sh\necho used >'" + marker + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper, marker
}

// TestServerBin is not parallel: it sets LUASCOPE_REDIS_SERVER.
func TestServerBin(t *testing.T) {
	srv := startSandbox(t)
	wrapper, marker := spyServer(t)

	// --server-bin asks for a sandbox of that binary; the notice says
	// which server it is, from INFO.
	out, errOut, code := cli(t, "", "run", "--server-bin", wrapper, "--no-history", "-e", "return 1")
	if code != exitOK {
		t.Fatalf("run --server-bin: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("--server-bin %s was not started: %v", wrapper, err)
	}
	if want := "sandbox " + srv.Flavor() + "-server " + srv.Version() + " at "; !strings.Contains(errOut, want) {
		t.Errorf("notice %q does not say %q", errOut, want)
	}
	os.Remove(marker)

	// --json says the flavor and version it ran on.
	out, errOut, code = cli(t, "", "run", "--json", "--server-bin", wrapper, "--no-history", "-e", "return 1")
	var rep struct {
		Server struct{ Flavor, Version string }
	}
	if err := json.Unmarshal([]byte(out), &rep); code != exitOK || err != nil {
		t.Fatalf("run --json --server-bin: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if rep.Server.Flavor != srv.Flavor() || rep.Server.Version != srv.Version() {
		t.Errorf("--json server = %+v, want %s", rep.Server, srv.Describe())
	}

	// The environment variable does the same for every sandbox, the
	// fallback one included.
	os.Remove(marker)
	t.Setenv(sandbox.EnvBinary, wrapper)
	if out, errOut, code := cli(t, "", "run", "--sandbox", "--no-history", "-e", "return 1"); code != exitOK {
		t.Fatalf("run --sandbox with %s: exit %d\n%s%s", sandbox.EnvBinary, code, out, errOut)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("%s=%s was not started: %v", sandbox.EnvBinary, wrapper, err)
	}

	// Wrong uses are usage errors in one line that names the flag.
	missing := filepath.Join(t.TempDir(), "redis-server-9.9")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"with -u", []string{"run", "--server-bin", wrapper, "-u", srv.URL(), "-e", "return 1"}, "--server-bin starts a private sandbox server: it does not go with --url"},
		{"with -p", []string{"run", "--server-bin", wrapper, "-p", "6379", "-e", "return 1"}, "does not go with --port"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := cli(t, "", c.args...)
			if code != exitUsage || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
				t.Errorf("exit %d, want %d and a line saying %q\nstdout: %s\nstderr: %s", code, exitUsage, c.want, out, errOut)
			}
		})
	}

	// A binary that is not there is a server that cannot be started
	// (exit 3, as compare and test say; TestServerBinMissingExitStatus).
	if _, errOut, code := cli(t, "", "run", "--server-bin", missing, "-e", "return 1"); code != exitConnection || !strings.Contains(errOut, "--server-bin: server binary \""+missing+"\"") {
		t.Errorf("a missing --server-bin: exit %d, want %d\n%s", code, exitConnection, errOut)
	}

	// A variable naming nothing is a connection failure that names it,
	// never a quiet run on another server.
	t.Setenv(sandbox.EnvBinary, missing)
	out, errOut, code = cli(t, "", "run", "--sandbox", "-e", "return 1")
	if code != exitConnection || !strings.Contains(errOut, sandbox.EnvBinary) {
		t.Errorf("run --sandbox with %s=%s: exit %d\n%s%s", sandbox.EnvBinary, missing, code, out, errOut)
	}
}

// TestDoubleTextPerServer: a Lua number returned as {double=…} is
// formatted by the server, and Redis 7.0 prints 17 significant digits
// where Redis 8.0 and Valkey 8.1 print the shortest text that reads back
// the same. luascope shows the server's own text, so what a caller gets
// differs by server, and the test says so for each.
func TestDoubleTextPerServer(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t)
	want, ok := sandboxtest.PerServer(srv, map[string]string{"redis 7.0": "3.8999999999999999", "redis 8.0": "3.9", "valkey 8.1": "3.9"})
	// RESP2: the double arrives as a bulk string, as the server wrote it.
	rep := runJSON(t, srv, nil, "return {double=3.9}")
	got, _ := rep["reply"].(map[string]any)["value"].(string)
	// RESP3: a double, whose text the plain output shows.
	out, errOut, code := cli(t, "", "run", "-q", "-3", "--no-history", "-u", srv.URL(), "-e", "return {double=3.9}")
	if code != exitOK {
		t.Fatalf("run -3: exit %d: %s%s", code, out, errOut)
	}
	if !ok {
		t.Logf("no text recorded for %s: RESP2 %q, RESP3 %q", srv.Describe(), got, out)
		return
	}
	if got != want {
		t.Errorf("RESP2 {double=3.9} on %s = %q, want %q", srv.Describe(), got, want)
	}
	if strings.TrimSpace(out) != "(double) "+want {
		t.Errorf("RESP3 {double=3.9} on %s prints %q, want %q", srv.Describe(), out, "(double) "+want)
	}
}
