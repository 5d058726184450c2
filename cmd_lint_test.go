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
