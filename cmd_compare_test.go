package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// compareDocOut is compare --json as a user's script reads it.
type compareDocOut struct {
	Servers []struct {
		Name       string
		Binary     string
		Connection string
		Report     struct {
			Server   struct{ Version, Flavor string }
			ReadOnly bool
			Steps    []struct{ Command []string }
			Reply    map[string]any
		}
	}
	Differences []struct {
		Path   string
		Values map[string]string
	}
	Agree *bool
}

func compareJSON(t *testing.T, out string) compareDocOut {
	t.Helper()
	var doc compareDocOut
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if doc.Agree == nil {
		t.Fatalf("no agree field: %s", out)
	}
	return doc
}

// connConfig writes a config file with the given [connections.NAME]
// bodies, each pointing at srv.
func connConfig(t *testing.T, srv *sandbox.Server, conns map[string]string) string {
	t.Helper()
	var b strings.Builder
	for name, body := range conns {
		b.WriteString("[connections." + name + "]\nurl = \"" + srv.URL() + "\"\n" + body + "\n")
	}
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCompareSameBinaryAgrees(t *testing.T) {
	out, errOut, code := cli(t, "", "compare", "--server-bin", "redis-server", "--server-bin", "redis-server",
		"--setup", "RPUSH l a b", "-e", "return {redis.call('lrange', KEYS[1], 0, -1), {double=1.5}, ARGV[1]}", "l", ",", "x")
	if code != exitOK || !strings.Contains(out, "no differences: the 2 servers agree") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	// Each run is printed as run prints it, under the server's name.
	for _, want := range []string{"== 1. redis ", "== 2. redis ", " #2  ", "reply\n1) 1) \"a\"", "   2) \"b\"", "3) \"x\""} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	out, _, code = cli(t, "", "compare", "--json", "--server-bin", "redis-server", "--server-bin", "redis-server", "-e", "return 1")
	doc := compareJSON(t, out)
	if code != exitOK || !*doc.Agree || len(doc.Servers) != 2 || doc.Differences == nil || len(doc.Differences) != 0 {
		t.Fatalf("exit %d doc %+v\n%s", code, doc, out)
	}
	s := doc.Servers[0]
	if !strings.HasPrefix(s.Name, s.Report.Server.Flavor+" "+s.Report.Server.Version) || !filepath.IsAbs(s.Binary) || s.Report.Reply["type"] != "integer" {
		t.Errorf("server %+v", s)
	}
	if doc.Servers[1].Name != doc.Servers[0].Name+" #2" {
		t.Errorf("names %q %q: want the second told apart", doc.Servers[0].Name, doc.Servers[1].Name)
	}
}

// A sandbox against a read-only named connection whose key differs: the
// reply differs, named by path, each side escaped; the whole run is
// read-only on both, so the steps agree.
func TestCompareSandboxAgainstReadOnlyConnection(t *testing.T) {
	srv := startSandbox(t)
	c := srv.Client()
	defer c.Close()
	if err := c.RPush(context.Background(), "l", "a", "remote\x1b[31m").Err(); err != nil {
		t.Fatal(err)
	}
	cfg := connConfig(t, srv, map[string]string{"staging": "readonly = true"})
	// EVAL: the connection's script cache, warm after the first run,
	// would be a difference of its own (step 1: ok against noscript).
	args := []string{"compare", "--config", cfg, "--connection", "staging", "--strategy", "eval", "--setup", "RPUSH l a local",
		"-e", "return redis.call('lrange', KEYS[1], 0, -1)", "l"}
	out, errOut, code := cli(t, "", args...)
	if code != exitErrorReply {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("raw escape on stdout:\n%q", out)
	}
	if !strings.Contains(out, "differences (1)\n  reply[2]\n") || !strings.Contains(out, `(bulk) "local"`) || !strings.Contains(out, `(bulk) "remote\x1b[31m"`) {
		t.Errorf("want reply[2] with both values escaped:\n%s", out)
	}
	if !strings.Contains(errOut, "read-only") || !strings.Contains(errOut, "--setup runs on the sandboxes only") {
		t.Errorf("stderr %q: want the read-only and setup notes", errOut)
	}

	out, _, code = cli(t, "", append([]string{"compare", "--json"}, args[1:]...)...)
	doc := compareJSON(t, out)
	if code != exitErrorReply || *doc.Agree || len(doc.Differences) != 1 || doc.Differences[0].Path != "reply[2]" {
		t.Fatalf("exit %d doc %+v", code, doc)
	}
	conn := doc.Servers[1]
	if conn.Connection != "staging" || conn.Binary != "" || doc.Differences[0].Values[conn.Name] != `(bulk) "remote\x1b[31m"` {
		t.Errorf("connection server %+v, values %v", conn, doc.Differences[0].Values)
	}
	for _, s := range doc.Servers {
		if !s.Report.ReadOnly || s.Report.Steps[0].Command[0] != "EVAL_RO" {
			t.Errorf("%s: not run read-only: %+v", s.Name, s.Report)
		}
	}
	if n, _ := c.LLen(context.Background(), "l").Result(); n != 2 {
		t.Errorf("the connection's list has %d items: the setup ran there", n)
	}
}

// Named connections that are not read-only, or are production, are
// refused with the reason before anything is started or sent.
func TestCompareRefusesUnsafeConnections(t *testing.T) {
	srv := startSandbox(t)
	setPrecious(t, srv, "k")
	cfg := connConfig(t, srv, map[string]string{
		"plain":  "",
		"live":   "production = true\nreadonly = true",
		"prodrw": "production = true",
	})
	write := "return redis.call('set', KEYS[1], 'changed')"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"not read-only", []string{"--connection", "plain"}, "--allow-writes"},
		{"production", []string{"--connection", "live"}, "--yes"},
		{"production with --allow-writes", []string{"--connection", "prodrw", "--allow-writes"}, "--yes"},
		{"unknown", []string{"--connection", "nope"}, "nope"},
		{"twice", []string{"--connection", "live", "--connection", "live", "--yes"}, "twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"compare", "--config", cfg}, c.args...)
			out, errOut, code := cli(t, "", append(args, "-e", write, "k")...)
			if code != exitUsage || out != "" || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, want 2 naming %q\nstdout: %s\nstderr: %s", code, c.want, out, errOut)
			}
			if v := valueOf(t, srv, "k"); v != precious {
				t.Errorf("k = %q after a refusal", v)
			}
		})
	}
	// --ro makes a plain connection safe: the server refuses the write.
	out, errOut, code := cli(t, "", "compare", "--config", cfg, "--connection", "plain", "--ro", "-e", write, "k")
	if code != exitOK || !strings.Contains(out, "no differences") || valueOf(t, srv, "k") != precious {
		t.Errorf("--ro: exit %d\n%s%s", code, out, errOut)
	}
	// --yes on a read-only production connection runs there.
	if _, errOut, code := cli(t, "", "compare", "--config", cfg, "--connection", "live", "--yes", "-e", "return 1"); code != exitOK {
		t.Errorf("--yes on live: exit %d %s", code, errOut)
	}
}

func TestCompareUsageAndStartFailures(t *testing.T) {
	dir := t.TempDir()
	notServer := filepath.Join(dir, "not-a-server")
	if err := os.WriteFile(notServer, []byte("#!/bin/sh\necho 'this is no redis' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"one server", []string{"compare", "-e", "return 1"}, exitUsage},
		{"no script", []string{"compare", "--server-bin", "redis-server", "--server-bin", "redis-server"}, exitUsage},
		{"a server flag", []string{"compare", "-p", "6380", "--server-bin", "redis-server", "--server-bin", "redis-server", "-e", "return 1"}, exitUsage},
		{"bad setup quote", []string{"compare", "--setup", `SET "k`, "--server-bin", "redis-server", "--server-bin", "redis-server", "-e", "return 1"}, exitUsage},
		{"setup lone comma", []string{"compare", "--setup", "SET k ,", "--server-bin", "redis-server", "--server-bin", "redis-server", "-e", "return 1"}, exitUsage},
		{"setup error", []string{"compare", "--setup", "NOSUCHCOMMAND", "--server-bin", "redis-server", "--server-bin", "redis-server", "-e", "return 1"}, exitUsage},
		{"missing binary", []string{"compare", "--server-bin", "redis-server", "--server-bin", filepath.Join(dir, "nope"), "-e", "return 1"}, exitConnection},
		{"binary does not start", []string{"compare", "--server-bin", "redis-server", "--server-bin", notServer, "-e", "return 1"}, exitConnection},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := cli(t, "", c.args...)
			if code != c.code || out != "" || errOut == "" {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
		})
	}
}

// setupQuoting: a setup command's quoted words reach the sandbox byte
// for byte.
func TestCompareSetupQuoting(t *testing.T) {
	out, errOut, code := cli(t, "", "compare", "--json", "--server-bin", "redis-server", "--server-bin", "redis-server",
		"--setup", `SET k "a b\x00,"`, "-e", "return redis.call('get', KEYS[1])", "k")
	doc := compareJSON(t, out)
	if code != exitOK {
		t.Fatalf("exit %d %s", code, errOut)
	}
	if v := doc.Servers[0].Report.Reply; v["type"] != "bulk" || v["value"] != "a b\x00," {
		t.Errorf("reply %v", v)
	}
}

// otherServer is a server binary besides the system's redis-server, as
// tools/servers.sh puts it under the cache directory (name is
// "redis-server-8.0.2" or "valkey-server-8.1.1"), or the one the
// environment variable env names (make test-servers can point it
// anywhere). Without it the test is skipped, saying why.
func otherServer(t *testing.T, env, name string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	p := filepath.Join(cache, "luascope", "servers", "bin", name)
	if _, err := exec.LookPath(p); err != nil {
		t.Skipf("not run: no %s at %s (tools/servers.sh installs it; or set %s)", name, p, env)
	}
	return p
}

// The issue's own example: {double=3.9} on RESP3 is 3.8999999999999999
// on Redis 7.0 and 3.9 on 8.0, and compare says so, at the reply.
func TestCompareDoubleAcrossVersions(t *testing.T) {
	other := otherServer(t, "LUASCOPE_COMPARE_REDIS8", "redis-server-8.0.2")
	out, errOut, code := cli(t, "", "compare", "--json", "-3", "-e", "return {double=3.9}", "--server-bin", "redis-server", "--server-bin", other)
	doc := compareJSON(t, out)
	if code != exitErrorReply || len(doc.Differences) != 1 {
		t.Fatalf("exit %d, want 1 and one difference\n%s\n%s", code, out, errOut)
	}
	d := doc.Differences[0]
	a, b := doc.Servers[0], doc.Servers[1]
	if a.Name == b.Name {
		t.Fatalf("both servers are %s: LUASCOPE_COMPARE_REDIS8 must be another version", a.Name)
	}
	if d.Path != "reply" || !strings.HasPrefix(d.Values[a.Name], "(double) ") || !strings.HasPrefix(d.Values[b.Name], "(double) ") {
		t.Errorf("difference %+v", d)
	}
	// What each version writes is the servers' own fact (issue 13):
	// 7.0 prints %.17g, 8.0 and later the shortest text.
	for _, s := range doc.Servers {
		want := "(double) 3.9"
		if strings.HasPrefix(s.Report.Server.Version, "7.") {
			want = "(double) 3.8999999999999999"
		}
		if d.Values[s.Name] != want {
			t.Errorf("%s: %q, want %q", s.Name, d.Values[s.Name], want)
		}
	}
	if a.Binary == b.Binary {
		t.Errorf("binaries %q %q", a.Binary, b.Binary)
	}
}

// Valkey words NOSCRIPT differently: the first step differs, nothing
// else (the script's reply and the retry agree).
func TestCompareNoScriptTextOnValkey(t *testing.T) {
	valkey := otherServer(t, "LUASCOPE_COMPARE_VALKEY", "valkey-server-8.1.1")
	out, errOut, code := cli(t, "", "compare", "-e", "return 1", "--server-bin", "redis-server", "--server-bin", valkey)
	if code != exitErrorReply {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	i := strings.Index(out, "differences (")
	if i < 0 {
		t.Fatalf("no differences section:\n%s", out)
	}
	diffs := out[i:]
	if !strings.HasPrefix(diffs, "differences (1)\n  step 1\n") || !strings.Contains(diffs, "valkey ") || !strings.Contains(diffs, "<- (error) NOSCRIPT ") {
		t.Errorf("want only step 1, NOSCRIPT's text:\n%s", diffs)
	}
}

// --ro holds for the script, not for the setup: the sandboxes are
// prepared, then the script runs as EVALSHA_RO and cannot write.
func TestCompareReadOnlyRunAfterSetup(t *testing.T) {
	out, errOut, code := cli(t, "", "compare", "--json", "--ro", "--server-bin", "redis-server", "--server-bin", "redis-server",
		"--setup", "SET k v", "-e", "redis.call('set', KEYS[1], 'w')", "k")
	doc := compareJSON(t, out)
	if code != exitOK || !*doc.Agree {
		t.Fatalf("exit %d %s\n%s", code, errOut, out)
	}
	for _, s := range doc.Servers {
		if !s.Report.ReadOnly || s.Report.Steps[0].Command[0] != "EVALSHA_RO" {
			t.Errorf("%s: %+v", s.Name, s.Report)
		}
	}
	out, _, _ = cli(t, "", "compare", "--ro", "--server-bin", "redis-server", "--server-bin", "redis-server",
		"--setup", "SET k v", "-e", "redis.call('set', KEYS[1], 'w')", "k")
	if !strings.Contains(out, "class     write_denied") {
		t.Errorf("the script's write was not refused:\n%s", out)
	}
}

// --function with --library: each sandbox loads the library, then FCALL.
func TestCompareFunction(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib.lua")
	if err := os.WriteFile(lib, []byte("#!lua name=t\nredis.register_function('f', function(keys, args) return args[1] .. '!' end)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, "", "compare", "--json", "--function", "f", "--library", lib, "--server-bin", "redis-server", "--server-bin", "redis-server", ",", "hi")
	doc := compareJSON(t, out)
	if code != exitOK || !*doc.Agree || len(doc.Servers) != 2 || doc.Servers[0].Report.Reply["value"] != "hi!" {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	if _, errOut, code := cli(t, "", "compare", "--library", lib, "--server-bin", "redis-server", "--server-bin", "redis-server"); code != exitUsage || !strings.Contains(errOut, "--function") {
		t.Errorf("--library alone: exit %d %s", code, errOut)
	}
}

// compareLib registers mypeek (no-writes, callable with FCALL_RO) and
// myincr, which writes.
const compareLib = "#!lua name=mylib\n" +
	"redis.register_function{function_name='mypeek', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n" +
	"redis.register_function('myincr', function(keys, args) return redis.call('incr', keys[1]) end)\n"

// otherOrSame is Redis 8.0 when this machine has it, else redis-server
// again: what a test checks holds on both.
func otherOrSame(t *testing.T) string {
	t.Helper()
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	p := filepath.Join(cache, "luascope", "servers", "bin", "redis-server-8.0.2")
	if _, err := exec.LookPath(p); err != nil {
		t.Logf("no %s: redis-server twice", p)
		return "redis-server"
	}
	return p
}

// A function compared read-only: each sandbox loads the library as its
// setup (a private server, like --setup's writes), then the run is the
// FCALL_RO alone; a writing function is refused by the servers, which
// is a result they agree on. A library no server takes stops the
// comparison as a failed setup does (exit 2), naming the server.
func TestCompareFunctionReadOnly(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib.lua")
	if err := os.WriteFile(lib, []byte(compareLib), 0o644); err != nil {
		t.Fatal(err)
	}
	bins := []string{"--server-bin", "redis-server", "--server-bin", otherOrSame(t)}
	for _, ro := range []bool{true, false} {
		args := append([]string{"compare", "--json", "--library", lib, "--function", "mypeek", "--setup", "SET k1 v"}, bins...)
		if ro {
			args = append(args, "--ro")
		}
		out, errOut, code := cli(t, "", append(args, "k1")...)
		doc := compareJSON(t, out)
		if code != exitOK || !*doc.Agree {
			t.Fatalf("ro %v: exit %d\n%s\n%s", ro, code, out, errOut)
		}
		want := "FCALL"
		if ro {
			want = "FCALL_RO"
		}
		for _, s := range doc.Servers {
			if len(s.Report.Steps) != 1 || s.Report.Steps[0].Command[0] != want || s.Report.Reply["value"] != "v" {
				t.Errorf("ro %v, %s: want the one step %s and the setup's value, got %+v", ro, s.Name, want, s.Report)
			}
		}
	}
	out, errOut, code := cli(t, "", append([]string{"compare", "--ro", "--library", lib, "--function", "myincr"}, append(bins, "k1")...)...)
	if code != exitOK || strings.Count(out, "class     write_denied") != 2 || !strings.Contains(out, "no differences") {
		t.Errorf("a writing function, --ro: exit %d\n%s\n%s", code, out, errOut)
	}

	bad := filepath.Join(t.TempDir(), "bad.lua")
	if err := os.WriteFile(bad, []byte("#!lua name=bad\nthis is not lua\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = cli(t, "", append([]string{"compare", "--ro", "--library", bad, "--function", "f"}, bins...)...)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "the library (FUNCTION LOAD REPLACE") || !strings.Contains(errOut, "redis-server") || strings.Contains(errOut, "agree") {
		t.Errorf("a bad library: exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

// TestCompareCluster compares sandboxes with a read-only named
// connection to a real cluster.
func TestCompareCluster(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	var b strings.Builder
	b.WriteString("[connections.shards]\nurl = \"redis://" + cl.Nodes[0].Addr() + "\"\nreadonly = true\ncluster = true\n")
	cfg := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	// The key's slot is on another primary than the seed: the cluster's
	// run starts with a MOVED that the client follows. That is routing,
	// not the server's behaviour, and it is not a difference, whatever
	// the strategy (EVALSHA's NOSCRIPT dance then runs on the new node).
	t.Run("redirect", func(t *testing.T) {
		for _, strategy := range []string{"eval", "evalsha-load"} {
			src := "-- " + strategy + " " + time.Now().String() + "\nreturn redis.call('get', KEYS[1])"
			out, errOut, code := cli(t, "", "compare", "--json", "--config", cfg, "--connection", "shards", "--strategy", strategy, "-e", src, "a")
			doc := compareJSON(t, out)
			if code != exitOK || !*doc.Agree {
				t.Errorf("%s: exit %d, want 0\n%s\n%s", strategy, code, out, errOut)
				continue
			}
			steps := doc.Servers[1].Report.Steps
			if len(steps) != len(doc.Servers[0].Report.Steps)+1 || !strings.HasPrefix(steps[0].Command[0], "EVAL") {
				t.Errorf("%s: want the cluster's run to show its redirect, one step more: %+v", strategy, doc.Servers[1].Report)
			}
		}
	})

	// Keys of two slots: the cluster's run is refused before any round
	// trip (CROSSSLOT), the sandbox's runs. Nothing is compared, and the
	// comparison says so rather than "agree".
	t.Run("not run", func(t *testing.T) {
		args := []string{"compare", "--config", cfg, "--connection", "shards", "--strategy", "eval", "-e", "return 1", "a", "b"}
		out, errOut, code := cli(t, "", args...)
		if code != exitUsage || !strings.Contains(out, "not compared: ") || strings.Contains(out, "agree") || strings.Contains(out, "differences") ||
			!strings.Contains(errOut, "not compared") || !strings.Contains(errOut, "slot") {
			t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		out, _, code = cli(t, "", append([]string{"compare", "--json"}, args[1:]...)...)
		var doc struct {
			Servers []struct {
				Name   string
				NotRun string `json:"not_run"`
			}
			Agree bool
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitUsage || doc.Agree || len(doc.Servers) != 2 ||
			doc.Servers[0].NotRun != "" || !strings.Contains(doc.Servers[1].NotRun, "slot") {
			t.Errorf("--json: exit %d %v\n%s", code, err, out)
		}
	})
}

// The reviewer's case: a script that outlasts --timeout on two sandboxes
// of one binary. Only the runs' ports differ in the texts, and those are
// not compared: they agree, and the runs still print the real addresses.
func TestCompareTimeoutAgrees(t *testing.T) {
	src := sandboxtest.SpinLua(time.Second) + " return 1"
	out, errOut, code := cli(t, "", "compare", "--timeout", "300ms", "--server-bin", "redis-server", "--server-bin", "redis-server", "-e", src)
	if code != exitOK || !strings.Contains(out, "no differences: the 2 servers agree") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if strings.Count(out, "i/o timeout") < 4 || !strings.Contains(out, "read tcp 127.0.0.1:") {
		t.Errorf("the runs should show their timeouts with the addresses:\n%s", out)
	}
}

// --function without --library: with a named connection, each sandbox
// loads the library as that connection has it (FUNCTION LIST WITHCODE),
// and stderr says so; a function the connection lacks, or no connection
// at all, is a usage error naming --library, before anything is sent.
func TestCompareFunctionLibraryFromConnection(t *testing.T) {
	srv := startSandbox(t)
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	if err := c.FunctionLoadReplace(ctx, compareLib).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "k1", "same", 0).Err(); err != nil {
		t.Fatal(err)
	}
	cfg := connConfig(t, srv, map[string]string{"staging": "readonly = true"})
	out, errOut, code := cli(t, "", "compare", "--json", "--config", cfg, "--connection", "staging", "--setup", "SET k1 same", "--function", "mypeek", "k1")
	doc := compareJSON(t, out)
	if code != exitOK || !*doc.Agree || doc.Servers[0].Report.Reply["value"] != "same" || len(doc.Servers[0].Report.Steps) != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "each sandbox loads library mylib as connection staging has it") {
		t.Errorf("stderr %q: want where the library came from", errOut)
	}

	out, errOut, code = cli(t, "", "compare", "--config", cfg, "--connection", "staging", "--function", "nosuch", "k1")
	if code != exitUsage || out != "" || !strings.Contains(errOut, "--library") || !strings.Contains(errOut, "staging") {
		t.Errorf("a function the connection lacks: exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	out, errOut, code = cli(t, "", "compare", "--server-bin", "redis-server", "--server-bin", "redis-server", "--function", "mypeek", "k1")
	if code != exitUsage || out != "" || !strings.Contains(errOut, "needs --library") {
		t.Errorf("no connection, no --library: exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
