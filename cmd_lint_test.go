package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
