package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// luascope's own test files: every gallery example has one
// (examples/scripts/*.test.toml), and they pass on the server the tests
// run on (make test-servers runs them on Redis 8.0 and Valkey 8.1 too,
// where expect_on says what those servers answer).
func TestExampleTestFilesPass(t *testing.T) {
	out, errOut, code := cli(t, "", "test", "-j", "2", "examples/scripts")
	if code != exitOK || strings.Contains(out, "FAIL") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	matches, _ := filepath.Glob("examples/scripts/*.lua")
	tests, _ := filepath.Glob("examples/scripts/*.test.toml")
	if len(tests) != len(matches) {
		t.Errorf("%d scripts, %d test files: each gallery script has its tests", len(matches), len(tests))
	}
	if !strings.Contains(out, " passed, 0 failed") {
		t.Errorf("no summary:\n%s", out)
	}
}

func TestTestCommandExitStatusesAndReports(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("s.lua", "return tonumber(ARGV[1]) + 1")
	good := write("good.test.toml", "script = \"s.lua\"\n[[case]]\nname = \"adds one\"\nargs = [\"1\"]\nexpect = \"(integer) 2\"\n")
	if out, errOut, code := cli(t, "", "test", good); code != exitOK || !strings.Contains(out, "ok    ") {
		t.Errorf("a passing file: exit %d\n%s%s", code, out, errOut)
	}
	bad := write("bad.test.toml", "script = \"s.lua\"\n[[case]]\nname = \"wrong\"\nargs = [\"1\"]\nexpect = \"(integer) 3\"\n")
	junit := filepath.Join(dir, "report.xml")
	out, errOut, code := cli(t, "", "test", "--junit", junit, dir)
	if code != exitErrorReply || !strings.Contains(out, "FAIL  "+bad+": wrong") || !strings.Contains(out, "at reply: expected (integer) 3, got (integer) 2") || !strings.Contains(out, "1 passed, 1 failed") {
		t.Errorf("a failing case: exit %d\n%s%s", code, out, errOut)
	}
	x, err := os.ReadFile(junit)
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err != nil || xml.Unmarshal(x, &doc) != nil || doc.Tests != 2 || doc.Failures != 1 {
		t.Errorf("junit %+v %v:\n%s", doc, err, x)
	}
	if out, _, code := cli(t, "", "test", "--run", "adds", "--json", dir); code != exitOK || !strings.Contains(out, `"passed": 1`) || strings.Contains(out, "wrong") {
		t.Errorf("--run and --json: exit %d\n%s", code, out)
	}
	// --update writes the actual reply; then the file passes.
	if _, errOut, _ := cli(t, "", "test", "--update", bad); !strings.Contains(errOut, "updated 1 case") {
		t.Errorf("--update: %s", errOut)
	}
	if out, errOut, code := cli(t, "", "test", bad); code != exitOK {
		t.Errorf("after --update: exit %d\n%s%s", code, out, errOut)
	}
	// Usage: a file that does not read, no files, a flag naming a server.
	broken := write("broken.test.toml", "script = \"s.lua\"\n[[case]]\nname = 1\n")
	if _, errOut, code := cli(t, "", "test", broken); code != exitUsage || !strings.Contains(errOut, "broken.test.toml") {
		t.Errorf("a broken file: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "", "test", t.TempDir()); code != exitUsage || !strings.Contains(errOut, "no test files") {
		t.Errorf("no files: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "", "test", "-p", "6379", good); code != exitUsage || !strings.Contains(errOut, "private sandboxes") {
		t.Errorf("-p: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "", "test", "--server-bin", filepath.Join(dir, "nope"), good); code != exitConnection {
		t.Errorf("a missing server: exit %d %s", code, errOut)
	}
}

// --target runs on a server the user names, only with --allow-flush:
// every case empties it — FLUSHDB of the URL's database (db 0 keeps its
// keys), SCRIPT FLUSH and FUNCTION FLUSH (server-wide) — and the refusal
// says exactly that.
func TestTestCommandTarget(t *testing.T) {
	srv := sandboxtest.StartT(t)
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	c.Set(ctx, "precious", "1", 0)
	sha, err := c.ScriptLoad(ctx, "return 'cached'").Result()
	if err != nil {
		t.Fatal(err)
	}
	c3 := redis.NewClient(&redis.Options{Network: srv.Network(), Addr: srv.Addr(), DB: 3})
	defer c3.Close()
	c3.Set(ctx, "scratch", "1", 0)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.lua"), []byte("return redis.call('DBSIZE')"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.test.toml"), []byte("script = \"s.lua\"\n[[case]]\nname = \"empty\"\nexpect = \"(integer) 0\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	url := targetURL(srv, 3)
	_, errOut, code := cli(t, "", "test", "--target", url, dir)
	if code != exitUsage || !strings.Contains(errOut, "--allow-flush") || !strings.Contains(errOut, "FLUSHDB of database 3 (its other databases are left alone), then SCRIPT FLUSH and FUNCTION FLUSH") || strings.Contains(errOut, "FLUSHALL") {
		t.Fatalf("without --allow-flush: exit %d %s", code, errOut)
	}
	if n, _ := c3.Exists(ctx, "scratch").Result(); n != 1 {
		t.Fatal("refused, yet the server was emptied")
	}
	if out, errOut, code := cli(t, "", "test", "--target", url, "--allow-flush", dir); code != exitOK || !strings.Contains(out, "ok    ") {
		t.Fatalf("with --allow-flush: exit %d\n%s%s", code, out, errOut)
	}
	if n, _ := c3.Exists(ctx, "scratch").Result(); n != 0 {
		t.Error("--allow-flush: the URL's database was not emptied before the case")
	}
	if n, _ := c.Exists(ctx, "precious").Result(); n != 1 {
		t.Error("--allow-flush: a key of another database (0) is gone: FLUSHALL, not FLUSHDB")
	}
	if ex, _ := c.ScriptExists(ctx, sha).Result(); len(ex) != 1 || ex[0] {
		t.Error("--allow-flush: the script cache was not flushed (SCRIPT FLUSH)")
	}
}

// --update with several --server-bin: expect from the first server, an
// expect_on entry for the one that prints {double=3.9} otherwise, none for
// a case where both agree; the same command then passes.
func TestTestUpdateSeveralServers(t *testing.T) {
	sandboxtest.StartT(t).Stop()
	valkey := otherServer(t, "LUASCOPE_COMPARE_VALKEY", "valkey-server-8.1.1")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "d.lua"), []byte("return {double=tonumber(ARGV[1])}"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "d.test.toml")
	body := "script = \"d.lua\"\n\n[[case]]\nname = \"differs\"   # 3.8999999999999999 on Redis 7.0\nargs = [\"3.9\"]\n\n[[case]]\nname = \"agrees\"\nargs = [\"2\"]\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	servers := []string{"--server-bin", "redis-server", "--server-bin", valkey}
	_, errOut, code := cli(t, "", append([]string{"test", "--update", path}, servers...)...)
	if code != exitErrorReply || !strings.Contains(errOut, "updated 2 case(s) in "+path+" (expect_on valkey 8)") || strings.Contains(errOut, "by hand") {
		t.Fatalf("--update: exit %d\n%s", code, errOut)
	}
	b, _ := os.ReadFile(path)
	want := "script = \"d.lua\"\n\n[[case]]\nname = \"differs\"   # 3.8999999999999999 on Redis 7.0\nargs = [\"3.9\"]\nexpect = '''\n\"3.8999999999999999\"\n'''\n[case.expect_on]\n\"valkey 8\" = '''\n\"3.9\"\n'''\n\n" +
		"[[case]]\nname = \"agrees\"\nargs = [\"2\"]\nexpect = '''\n\"2\"\n'''\n"
	if string(b) != want {
		t.Errorf("the file:\n%s\nwant:\n%s", b, want)
	}
	out, errOut, code := cli(t, "", append([]string{"test", path}, servers...)...)
	if code != exitOK || !strings.Contains(out, "4 passed, 0 failed") {
		t.Errorf("after --update: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, _ := cli(t, "", append([]string{"test", "--update", path}, servers...)...); !strings.Contains(errOut, "nothing to update") {
		t.Errorf("a second --update: %s", errOut)
	}
}

// A --server-bin that is not there (or not executable) is a server that
// cannot be started: exit 3 from run, compare and test alike (debug and
// the terminal UI share run's flags: the same), never 2, which is for a
// wrong use of luascope.
func TestServerBinMissingExitStatus(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "redis-server-9.9")
	notExec := filepath.Join(dir, "not-executable")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.lua"), []byte("return 1"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := filepath.Join(dir, "s.test.toml")
	if err := os.WriteFile(tests, []byte("script = \"s.lua\"\n[[case]]\nname = \"one\"\nexpect = \"(integer) 1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bin := range []string{missing, notExec} {
		for _, args := range [][]string{
			{"run", "--no-history", "--server-bin", bin, "-e", "return 1"},
			{"compare", "--server-bin", "redis-server", "--server-bin", bin, "-e", "return 1"},
			{"test", "--server-bin", bin, tests},
		} {
			out, errOut, code := cli(t, "", args...)
			if code != exitConnection || !strings.Contains(errOut, bin) || out != "" {
				t.Errorf("%s: exit %d, want %d, naming the binary\n%s%s", strings.Join(args, " "), code, exitConnection, out, errOut)
			}
		}
	}
	// A wrong combination stays a usage error.
	if _, errOut, code := cli(t, "", "run", "--server-bin", "redis-server", "-p", "6379", "-e", "return 1"); code != exitUsage {
		t.Errorf("--server-bin with -p: exit %d\n%s", code, errOut)
	}
}

// targetURL is srv's URL selecting database db.
func targetURL(srv *sandbox.Server, db int) string {
	if srv.Network() == "unix" {
		return fmt.Sprintf("%s?db=%d", srv.URL(), db)
	}
	return fmt.Sprintf("%s/%d", srv.URL(), db)
}

// On --target, a cluster = true file cannot run (it needs a cluster of
// its own): its cases are ERRORs, and only its; the others run. The
// header names the server as INFO says, the URL beside it with its
// password masked; a target that does not answer is exit 3.
func TestTestTargetClusterFile(t *testing.T) {
	srv := sandboxtest.StartT(t)
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("s.lua", "return 1")
	write("a.test.toml", "script = \"s.lua\"\ncluster = true\n[[case]]\nname = \"on a cluster\"\nexpect = \"(integer) 1\"\n[[case]]\nname = \"again\"\nexpect = \"(integer) 1\"\n")
	write("b.test.toml", "script = \"s.lua\"\n[[case]]\nname = \"plain\"\nexpect = \"(integer) 1\"\n[[case]]\nname = \"later\"\nskip = \"not now\"\nexpect = \"(integer) 1\"\n")
	url := targetURL(srv, 3)
	out, errOut, code := cli(t, "", "test", "--target", url, "--allow-flush", dir)
	flavor := strings.ToLower(srv.Flavor()) + " "
	if code != exitErrorReply || !strings.HasPrefix(out, "=== "+flavor) || !strings.Contains(out, " on "+url+"\n") ||
		strings.Count(out, "ERROR ") != 2 || strings.Count(out, "run this file without --target") != 2 ||
		!strings.Contains(out, "ok    "+filepath.Join(dir, "b.test.toml")+": plain") || !strings.Contains(out, "1 passed, 0 failed, 2 errors, 1 skipped") {
		t.Errorf("a cluster file on --target: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "--- redis://") {
		t.Errorf("the summary names the URL, not the server:\n%s", out)
	}
	// A target that does not answer: every case an ERROR, exit 3, the
	// password never shown.
	stopped := sandboxtest.StartT(t)
	if stopped.Network() == "unix" {
		t.Skip("the sandbox listens on a unix socket")
	}
	gone := "redis://user:s3cret@" + stopped.Addr() + "/3"
	stopped.Stop()
	out, errOut, code = cli(t, "", "test", "--target", gone, "--allow-flush", dir)
	if code != exitConnection || strings.Contains(out+errOut, "s3cret") || strings.Contains(out, "ok    ") {
		t.Errorf("a target that does not answer: exit %d\n%s%s", code, out, errOut)
	}
}

// --update writes only the cases that failed on their reply (or have no
// expect), counts exactly those, keeps a one-line expect on one line (its
// quotes and comment kept), and says on stderr that a keys_after failure
// is not something it fixes.
func TestTestUpdateWritesOnlyReplies(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.lua"), []byte("redis.call('SET', KEYS[1], '1') return ARGV[1] == 'n' and 1 or ARGV[1]"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "s.test.toml")
	body := "script = \"s.lua\"\n" +
		"[[case]]\nname = \"keys only\"\nkeys = [\"a\"]\nargs = [\"n\"]\nexpect = \"(integer) 1\"\n[case.keys_after]\n\"a\" = { value = \"2\" }\n" +
		"[[case]]\nname = \"one line\"\nkeys = [\"a\"]\nargs = [\"n\"]\nexpect = \"(integer) 2\"   # was wrong\n" +
		"[[case]]\nname = \"literal\"\nkeys = [\"a\"]\nargs = ['say \"hi\"\\']\nexpect = '(nil)'\n" +
		"[[case]]\nname = \"both\"\nkeys = [\"a\"]\nargs = [\"n\"]\nexpect = \"(integer) 3\"\n[case.keys_after]\n\"a\" = { value = \"2\" }\n" +
		"[[case]]\nname = \"new\"\nkeys = [\"a\"]\nargs = [\"n\"]\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := cli(t, "", "test", "--update", path)
	if code != exitErrorReply || !strings.Contains(errOut, "updated 4 case(s) in "+path+"\n") {
		t.Fatalf("--update: exit %d\n%s", code, errOut)
	}
	for _, c := range []string{"keys only", "both"} {
		if !strings.Contains(errOut, path+": "+c+": keys_after did not hold: --update writes replies only") {
			t.Errorf("no note of %q's keys_after:\n%s", c, errOut)
		}
	}
	if strings.Contains(errOut, "one line: keys_after") {
		t.Errorf("a note for a case without keys_after:\n%s", errOut)
	}
	want := "script = \"s.lua\"\n" +
		"[[case]]\nname = \"keys only\"\nkeys = [\"a\"]\nargs = [\"n\"]\nexpect = \"(integer) 1\"\n[case.keys_after]\n\"a\" = { value = \"2\" }\n" +
		"[[case]]\nname = \"one line\"\nkeys = [\"a\"]\nargs = [\"n\"]\nexpect = \"(integer) 1\"   # was wrong\n" +
		"[[case]]\nname = \"literal\"\nkeys = [\"a\"]\nargs = ['say \"hi\"\\']\nexpect = '\"say \\\"hi\\\"\\\\\"'\n" +
		"[[case]]\nname = \"both\"\nkeys = [\"a\"]\nargs = [\"n\"]\nexpect = \"(integer) 1\"\n[case.keys_after]\n\"a\" = { value = \"2\" }\n" +
		"[[case]]\nname = \"new\"\nkeys = [\"a\"]\nargs = [\"n\"]\nexpect = '''\n(integer) 1\n'''\n"
	if b, _ := os.ReadFile(path); string(b) != want {
		t.Errorf("the file:\n%s\nwant:\n%s", b, want)
	}
	out, _, _ := cli(t, "", "test", path)
	if !strings.Contains(out, "3 passed, 2 failed") {
		t.Errorf("after --update, only the keys_after cases fail:\n%s", out)
	}
}

// A --run that matches no case is exit 2, before any server starts: a
// typo in CI must not give a green build.
func TestTestRunMatchesNothing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.lua"), []byte("return 1"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.test.toml"), []byte("script = \"s.lua\"\n[[case]]\nname = \"one\"\nexpect = \"(integer) 1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(dir, "j.xml")
	out, errOut, code := cli(t, "", "test", "--run", "zzz", "--junit", junit, dir)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "no case matches --run zzz (1 case in 1 file;") {
		t.Errorf("--run zzz: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(junit); err == nil {
		t.Error("--junit written for a run that did not happen")
	}
	if out, errOut, code := cli(t, "", "test", "--run", "one", dir); code != exitOK || !strings.Contains(out, "1 passed") {
		t.Errorf("--run one: exit %d\n%s%s", code, out, errOut)
	}
}

// test --json names the binary that ran (resolved, as compare --json
// does), and every case has failures: [] for a pass; on --target,
// binary is "" and target the URL.
func TestTestJSONBinaryAndFailures(t *testing.T) {
	srv := sandboxtest.StartT(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.lua"), []byte("return 1"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.test.toml"), []byte("script = \"s.lua\"\n[[case]]\nname = \"pass\"\nexpect = \"(integer) 1\"\n[[case]]\nname = \"fail\"\nexpect = \"(integer) 2\"\n[[case]]\nname = \"skip\"\nskip = \"later\"\nexpect = \"(integer) 1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type doc struct {
		Servers []struct {
			Name   string  `json:"name"`
			Binary *string `json:"binary"`
			Target string  `json:"target"`
			Cases  []struct {
				Case     string    `json:"case"`
				Failures *[]string `json:"failures"`
			} `json:"cases"`
		} `json:"servers"`
	}
	parse := func(out string) doc {
		t.Helper()
		var d doc
		if err := json.Unmarshal([]byte(out), &d); err != nil || len(d.Servers) != 1 || len(d.Servers[0].Cases) != 3 {
			t.Fatalf("%v\n%s", err, out)
		}
		return d
	}
	out, errOut, code := cli(t, "", "test", "--json", dir)
	if code != exitErrorReply {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	d := parse(out)
	want, _ := sandbox.FindBinary()
	if b := d.Servers[0].Binary; b == nil || *b != want || !filepath.IsAbs(*b) || d.Servers[0].Target != "" {
		t.Errorf("binary %v, want %q", b, want)
	}
	// The binary by the path the sandbox found: on PATH (redis-server) or
	// LUASCOPE_REDIS_SERVER's wrapper (make test-servers), which is not.
	cmpOut, _, _ := cli(t, "", "compare", "--json", "--server-bin", want, "--server-bin", want, "-e", "return 1")
	if !strings.Contains(cmpOut, fmt.Sprintf("\"binary\":%q", want)) {
		t.Errorf("compare --json names another binary than %q:\n%s", want, cmpOut)
	}
	for _, c := range d.Servers[0].Cases {
		switch f := c.Failures; {
		case f == nil:
			t.Errorf("%s: no failures field", c.Case)
		case c.Case == "pass" && len(*f) != 0, c.Case != "pass" && len(*f) == 0:
			t.Errorf("%s: failures %q", c.Case, *f)
		}
	}
	out, errOut, _ = cli(t, "", "test", "--json", "--target", targetURL(srv, 2), "--allow-flush", dir)
	d = parse(out + errOut)
	if b := d.Servers[0].Binary; b == nil || *b != "" || d.Servers[0].Target != targetURL(srv, 2) || !strings.HasPrefix(d.Servers[0].Name, strings.ToLower(srv.Flavor())+" ") {
		t.Errorf("--target: %+v", d.Servers[0])
	}
}
