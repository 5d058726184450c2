package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

func writeLintFile(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLintCLIText(t *testing.T) {
	bad := writeLintFile(t, "bad.lua", "local n = redis.call('INCR', KEYS[1])\ntotal = n\nreturn KEYS[2]\n")
	out, errOut, code := cli(t, "", "lint", "--numkeys", "1", bad)
	if code != exitErrorReply {
		t.Errorf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	want := bad + ":2:1: error: assignment to the global variable 'total': Redis refuses it (\"Attempt to modify a readonly table\", Redis 7.0+) [global-write]\n" +
		"    hint: declare it local: local total = …\n" +
		bad + ":3:8: warning: KEYS[2] is nil when the script is called with numkeys 1 [keys-index]\n" +
		"    hint: pass the key (raise numkeys), or check #KEYS before using it\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}

	// Warnings alone exit 0; a clean script prints nothing.
	warn := writeLintFile(t, "warn.lua", "return redis.call('GET', 'user:1')")
	clean := writeLintFile(t, "clean.lua", "return redis.call('GET', KEYS[1])")
	out, _, code = cli(t, "", "lint", warn, clean)
	if code != exitOK || !strings.Contains(out, "[key-not-from-KEYS]") || strings.Contains(out, "clean.lua") {
		t.Errorf("warnings only: exit %d\n%s", code, out)
	}
	if out, _, code := cli(t, "", "lint", clean); code != exitOK || out != "" {
		t.Errorf("clean: exit %d %q", code, out)
	}
}

func TestLintCLIReadOnlyAndStdin(t *testing.T) {
	src := "return redis.call('DEL', KEYS[1])"
	if _, _, code := cli(t, src, "lint", "-"); code != exitOK {
		t.Errorf("without --ro: exit %d", code)
	}
	out, _, code := cli(t, src, "lint", "--ro", "-")
	if code != exitErrorReply || !strings.HasPrefix(out, "<stdin>:1:19: error: DEL is a write command") || !strings.Contains(out, "[ro-write]") {
		t.Errorf("--ro: exit %d\n%s", code, out)
	}
}

func TestLintCLIJSON(t *testing.T) {
	a := writeLintFile(t, "a.lua", "#!lua flags=no-writes,bogus\nreturn redis.call('SET', KEYS[1], 1)")
	b := writeLintFile(t, "b.lua", "return 1")
	c := writeLintFile(t, "c.lua", "if x then\n")
	out, errOut, code := cli(t, "", "lint", "--json", a, b, c)
	if code != exitErrorReply {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	var docs [][]map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var doc []map[string]any
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		docs = append(docs, doc)
	}
	if len(docs) != 3 {
		t.Fatalf("want one array per file, got %d:\n%s", len(docs), out)
	}
	if len(docs[1]) != 0 {
		t.Errorf("clean file: %v", docs[1])
	}
	if len(docs[0]) != 2 {
		t.Fatalf("a.lua: %v", docs[0])
	}
	f := docs[0][0]
	keys := []string{"file", "line", "col", "severity", "code", "message", "hint"}
	for _, k := range keys {
		if _, ok := f[k]; !ok {
			t.Errorf("field %q missing: %v", k, f)
		}
	}
	if len(f) != len(keys) || f["file"] != a || f["line"] != 1.0 || f["col"] != 23.0 || f["code"] != "unknown-flag" ||
		f["severity"] != "error" {
		t.Errorf("finding: %v", f)
	}
	if g := docs[0][1]; g["code"] != "flag-contradiction" || g["line"] != 2.0 {
		t.Errorf("second finding: %v", g)
	}
	if s := docs[2]; len(s) != 1 || s[0]["code"] != "syntax" || s[0]["line"] != 2.0 ||
		s[0]["message"] != "'end' expected (to close 'if' at line 1) near '<eof>'" {
		t.Errorf("syntax: %v", s)
	}
}

func TestLintCLIUsage(t *testing.T) {
	for _, args := range [][]string{
		{"lint"},
		{"lint", "/nonexistent/x.lua"},
		{"lint", "--numkeys", "-2", "-"},
		{"lint", "--numkeys", "x", "-"},
		{"lint", "-", "-"},
		{"lint", "--server", "keydb-6.3", "-"},
		{"lint", "--server", "redis-5.0", "-"},
	} {
		if _, errOut, code := cli(t, "return 1", args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, errOut)
		}
	}
}

func TestLintCLIEscapes(t *testing.T) {
	// A key with an escape sequence must not reach the terminal raw.
	out, _, _ := cli(t, "return redis.call('GET', '\x1b[2Jboom')", "lint", "-")
	if strings.ContainsRune(out, 0x1b) || !strings.Contains(out, `\x1b[2Jboom`) {
		t.Errorf("escape reached the output: %q", out)
	}
}

func TestLintCLIServer(t *testing.T) {
	src := "redis.call('HEXPIRE', KEYS[1], 10, 'FIELDS', 1, ARGV[1])\nreturn redis.call('SET', KEYS[1], ARGV[1], 'GET')\n"
	// Without --server: only the version-blind Info about HEXPIRE.
	out, _, code := cli(t, src, "lint", "-")
	if code != exitOK || strings.Contains(out, "-version]") || !strings.Contains(out, "[unknown-command]") {
		t.Errorf("no --server: exit %d\n%s", code, out)
	}
	// Redis 6.0 lacks both; warnings exit 0.
	out, _, code = cli(t, src, "lint", "--server", "redis-6.0", "-")
	want := "<stdin>:1:12: warning: HEXPIRE is new in Redis 7.4.0: this server (redis 6.0) replies \"ERR Unknown Redis command called from script\" [command-version]\n" +
		"    hint: run it on Redis 7.4.0 or newer, or test the version in the script (redis.REDIS_VERSION_NUM, Redis 7.0+) and take another path\n" +
		"<stdin>:2:44: warning: SET … GET is new in Redis 6.2.0: this server (redis 6.0) does not know the option: the call fails (\"ERR syntax error\" or a wrong-number-of-arguments error) [arg-version]\n" +
		"    hint: leave the option out on this server, or test the version in the script (redis.REDIS_VERSION_NUM, Redis 7.0+) before using it\n"
	if code != exitOK || out != want {
		t.Errorf("--server redis-6.0: exit %d\n%s\nwant:\n%s", code, out, want)
	}
	// Redis 7.4 has both: silent. Valkey 8.1 lacks HEXPIRE (and says it its way).
	if out, _, code := cli(t, src, "lint", "--server", "7.4.0", "-"); code != exitOK || out != "" {
		t.Errorf("--server 7.4.0: exit %d\n%s", code, out)
	}
	out, _, _ = cli(t, src, "lint", "--json", "--server", "valkey-8.1", "-")
	var doc []lintJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc) != 1 || doc[0].Code != "command-version" ||
		!strings.Contains(doc[0].Message, "HEXPIRE is not in Valkey (Redis has it since 7.4.0): this server (valkey 8.1) replies \"ERR Unknown command called from script\"") {
		t.Errorf("--server valkey-8.1 --json: %v\n%s", err, out)
	}
}

// blScript calls BLPOP, which Redis 7.0 refuses in a script and newer
// servers run without blocking, and Valkey's server table.
const blScript = `local t = redis.call("BLPOP", KEYS[1], 0); return server.call("PING")`

// TestLintCLIAsksTheServer: -u (or -p, --connection) makes lint ask the
// server its version and judge the script for it, naming it; BLPOP gets
// that server's verdict, which the server then gives.
func TestLintCLIAsksTheServer(t *testing.T) {
	srv := sandboxtest.StartT(t)
	out, errOut, code := cli(t, blScript, "lint", "-u", srv.URL(), "-")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if want := "luascope: lint for " + srv.Describe() + " (INFO server of " + srv.URL() + ")\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	refuses, recorded := sandboxtest.PerServer(srv, map[string]bool{"redis 7.0": true, "redis 8.0": false, "valkey 8.1": false})
	verdict := "does not block in a script on this server (" + srv.Describe() + ")"
	if refuses {
		verdict = "may not be called from a script on this server (" + srv.Describe() + ")"
	}
	if !strings.Contains(out, "BLPOP "+verdict) {
		t.Errorf("BLPOP on %s (recorded %v): want %q in\n%s", srv.Describe(), recorded, verdict, out)
	}
	if valkey := strings.HasPrefix(srv.Describe(), "valkey"); valkey == strings.Contains(out, "'server'") {
		t.Errorf("server.call on %s:\n%s", srv.Describe(), out)
	}
	// The server does what the finding says.
	rdb := srv.Client()
	defer rdb.Close()
	err := rdb.Eval(context.Background(), `return redis.call("BLPOP", KEYS[1], 0)`, []string{"empty:list"}).Err()
	if got := err != nil && err != redis.Nil; got != refuses {
		t.Errorf("BLPOP on %s: %v", srv.Describe(), err)
	}
	// --json keeps stdout a JSON document; the notice is on stderr.
	out, _, _ = cli(t, blScript, "lint", "--json", "-u", srv.URL(), "-")
	var doc []lintJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc) == 0 || !strings.Contains(doc[0].Message, srv.Describe()) {
		t.Errorf("--json: %v\n%s", err, out)
	}
}

// TestLintCLIServerBin: --server-bin runs the binary with --version
// (nothing is started) and lints for that version.
func TestLintCLIServerBin(t *testing.T) {
	bin, err := sandbox.FindBinary()
	if err != nil {
		t.Skip(err)
	}
	v, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	target, err := versionTarget(string(v))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, blScript, "lint", "--server-bin", bin, "-")
	if code != exitOK || !strings.Contains(errOut, "luascope: lint for "+target.String()+" ("+filepath.Base(bin)+" --version)") ||
		!strings.Contains(out, "BLPOP") || !strings.Contains(out, "("+target.String()+")") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	notServer := writeLintFile(t, "not-a-server", "#!/bin/sh\necho hello\n")
	if err := os.Chmod(notServer, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := cli(t, blScript, "lint", "--server-bin", notServer, "-"); code != exitConnection || !strings.Contains(errOut, "not a Redis or Valkey version line") {
		t.Errorf("a binary that is no server: exit %d %s", code, errOut)
	}
}

// TestLintCLIServerFlagsUsage: flags that cannot both say the version,
// or a connection flag with no server to ask, are usage errors; a server
// that does not answer is exit 3.
func TestLintCLIServerFlagsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"lint", "--server", "redis-7.0", "-p", "6379", "-"},
		{"lint", "--server", "redis-7.0", "--server-bin", "redis-server", "-"},
		{"lint", "-p", "6379", "--server-bin", "redis-server", "-"},
		{"lint", "--user", "app", "-"},
		{"lint", "--tls", "-"},
		{"lint", "--server-bin", filepath.Join(t.TempDir(), "nope"), "-"},
	} {
		if _, errOut, code := cli(t, "return 1", args...); code != exitUsage {
			t.Errorf("%v: exit %d %s", args, code, errOut)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	if _, errOut, code := cli(t, "return 1", "lint", "-p", port, "-"); code != exitConnection {
		t.Errorf("-p %s (nobody there): exit %d %s", port, code, errOut)
	}
}

func TestVersionTarget(t *testing.T) {
	for line, want := range map[string]string{
		"Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=6e6aa5f4a1b01a0b\n": "redis 7.0.15",
		"Redis server v=8.0.2 sha=00000000:1 malloc=jemalloc-5.3.0 bits=64 build=a6d8b4a4b2c8e4b7\n":  "redis 8.0.2",
		"Valkey server v=8.1.1 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=5c4d1f4b2e8a3a1c\n": "valkey 8.1.1",
	} {
		if got, err := versionTarget(line); err != nil || got.String() != want {
			t.Errorf("%q: %v %v, want %s", line, got, err, want)
		}
	}
	for _, bad := range []string{"", "hello", "KeyDB server v=6.3.4", "Redis server v=5.0.7"} {
		if got, err := versionTarget(bad); err == nil {
			t.Errorf("%q: %v, want an error", bad, got)
		}
	}
}
