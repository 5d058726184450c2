package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"luascope/redisx"
	"luascope/redisx/sandbox"
)

const precious = "PRECIOUS PROD VALUE"

// productionConfig writes a config naming srv three ways: production,
// production and read-only, and a plain connection.
func productionConfig(t *testing.T, srv *sandbox.Server) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "config.toml")
	conf := "[connections.live]\nurl = \"" + srv.URL() + "\"\nproduction = true\n" +
		"[connections.prod]\nurl = \"" + srv.URL() + "\"\n" + // production by its name
		"[connections.liveRO]\nurl = \"" + srv.URL() + "\"\nproduction = true\nreadonly = true\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func setPrecious(t *testing.T, srv *sandbox.Server, keys ...string) {
	t.Helper()
	c := srv.Client()
	defer c.Close()
	for _, k := range keys {
		if err := c.Set(context.Background(), k, precious, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

func valueOf(t *testing.T, srv *sandbox.Server, key string) string {
	t.Helper()
	c := srv.Client()
	defer c.Close()
	v, _ := c.Get(context.Background(), key).Result()
	return v
}

// wantRefused checks a refusal: exit 2, a line saying why and how
// (--yes), nothing on stdout, and the key untouched.
func wantRefused(t *testing.T, srv *sandbox.Server, key string, out, errOut string, code int) {
	t.Helper()
	if code != exitUsage || !strings.Contains(errOut, "--yes") || out != "" {
		t.Errorf("exit %d, want %d with a word on --yes\nstdout: %s\nstderr: %s", code, exitUsage, out, errOut)
	}
	if v := valueOf(t, srv, key); v != precious {
		t.Errorf("%s = %q after a refusal", key, v)
	}
}

func TestRunOnProductionNeedsYes(t *testing.T) {
	srv := startSandbox(t)
	cfg := productionConfig(t, srv)
	write := "return redis.call('set', KEYS[1], '5')"
	for _, conn := range []string{"live", "prod"} {
		setPrecious(t, srv, "guard:k")
		out, errOut, code := cli(t, "", "run", "--config", cfg, "--connection", conn, "-e", write, "guard:k")
		wantRefused(t, srv, "guard:k", out, errOut, code)
		if !strings.Contains(errOut, "marked production") {
			t.Errorf("%s: the refusal does not say why: %s", conn, errOut)
		}
		out, errOut, code = cli(t, "", "run", "--json", "--config", cfg, "--connection", conn, "-e", write, "guard:k")
		wantRefused(t, srv, "guard:k", out, errOut, code)
	}
	// A script on stdin is refused the same way (stdin is not a terminal to ask on).
	out, errOut, code := cli(t, write, "run", "--config", cfg, "--connection", "live", "-", "guard:k")
	wantRefused(t, srv, "guard:k", out, errOut, code)

	// What cannot write goes ahead unasked.
	for _, args := range [][]string{
		{"--ro", "-e", "return redis.call('get', KEYS[1])"},
		{"-e", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])"},
	} {
		args = append([]string{"run", "-q", "--config", cfg, "--connection", "live"}, append(args, "guard:k")...)
		if out, errOut, code := cli(t, "", args...); code != exitOK || !strings.Contains(out, precious) {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if out, errOut, code := cli(t, "", "run", "-q", "--config", cfg, "--connection", "liveRO", "-e", "return redis.call('get', KEYS[1])", "guard:k"); code != exitOK || !strings.Contains(out, precious) {
		t.Errorf("read-only production connection: exit %d\n%s%s", code, out, errOut)
	}
	// --ro with a write: sent as EVAL_RO, which the server refuses (exit 1, not 2).
	if _, errOut, code := cli(t, "", "run", "--ro", "--config", cfg, "--connection", "live", "-e", write, "guard:k"); code != exitErrorReply {
		t.Errorf("--ro write: exit %d %s", code, errOut)
	}
	if v := valueOf(t, srv, "guard:k"); v != precious {
		t.Fatalf("guard:k = %q", v)
	}

	// --yes goes ahead.
	if out, errOut, code := cli(t, "", "run", "--yes", "--config", cfg, "--connection", "live", "-e", write, "guard:k"); code != exitOK {
		t.Fatalf("--yes: exit %d\n%s%s", code, out, errOut)
	}
	if v := valueOf(t, srv, "guard:k"); v != "5" {
		t.Errorf("--yes: guard:k = %q", v)
	}
	// Not on production: no question.
	if _, errOut, code := cli(t, "", "run", "-u", srv.URL(), "-e", write, "guard:k"); code != exitOK {
		t.Errorf("plain server: exit %d %s", code, errOut)
	}
}

func TestFunctionsOnProductionNeedYes(t *testing.T) {
	srv := startSandbox(t)
	cfg := productionConfig(t, srv)
	setPrecious(t, srv, "guard:k")
	lib := filepath.Join(t.TempDir(), "lib.lua")
	code := "#!lua name=guardlib\nredis.register_function('setk', function(keys) return redis.call('set', keys[1], '5') end)\n" +
		"redis.register_function{function_name='getk', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n"
	if err := os.WriteFile(lib, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, exit := cli(t, "", "run", "--config", cfg, "--connection", "live", "--function", "getk", "--library", lib, "guard:k")
	wantRefused(t, srv, "guard:k", out, errOut, exit)
	c := srv.Client()
	defer c.Close()
	if libs, _ := c.Do(context.Background(), "FUNCTION", "LIST").Slice(); len(libs) != 0 {
		t.Fatalf("FUNCTION LOAD went through: %v", libs)
	}
	if _, errOut, exit := cli(t, "", "run", "--yes", "--config", cfg, "--connection", "live", "--function", "getk", "--library", lib, "guard:k"); exit != exitOK {
		t.Fatalf("--library --yes: exit %d %s", exit, errOut)
	}
	out, errOut, exit = cli(t, "", "run", "--config", cfg, "--connection", "live", "--function", "setk", "guard:k")
	wantRefused(t, srv, "guard:k", out, errOut, exit)
	if out, errOut, exit := cli(t, "", "run", "-q", "--ro", "--config", cfg, "--connection", "live", "--function", "getk", "guard:k"); exit != exitOK || !strings.Contains(out, precious) {
		t.Errorf("FCALL_RO: exit %d %s%s", exit, out, errOut)
	}
}

func TestBatchOnProductionNeedsYes(t *testing.T) {
	srv := startSandbox(t)
	cfg := productionConfig(t, srv)
	setPrecious(t, srv, "guard:k")
	input := filepath.Join(t.TempDir(), "lines")
	if err := os.WriteFile(input, []byte("guard:k\nguard:k\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	write := "return redis.call('set', KEYS[1], '5')"
	out, errOut, code := cli(t, "", "batch", "--config", cfg, "--connection", "live", "-e", write, "--input", input)
	wantRefused(t, srv, "guard:k", out, errOut, code)
	out, errOut, code = cli(t, "guard:k\n", "batch", "--json", "--config", cfg, "--connection", "live", "-e", write, "--input", "-")
	wantRefused(t, srv, "guard:k", out, errOut, code)
	if _, errOut, code := cli(t, "", "batch", "--dry-run", "--config", cfg, "--connection", "live", "-e", write, "--input", input); code != exitOK {
		t.Errorf("--dry-run: exit %d %s", code, errOut)
	}
	// Read-only (--ro or the connection's config): sent as EVALSHA_RO, unasked, and the server refuses the writes.
	for _, args := range [][]string{{"--ro", "--connection", "live"}, {"--connection", "liveRO"}} {
		args = append([]string{"batch", "--config", cfg, "-e", write, "--input", input}, args...)
		out, errOut, code := cli(t, "", args...)
		if code != exitErrorReply || !strings.Contains(out, "write_denied") || !strings.Contains(out, "(read-only)") {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if v := valueOf(t, srv, "guard:k"); v != precious {
		t.Fatalf("guard:k = %q", v)
	}
	if _, errOut, code := cli(t, "", "batch", "--config", cfg, "--connection", "live", "-e", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "--input", input); code != exitOK {
		t.Errorf("no-writes: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "", "batch", "--yes", "--config", cfg, "--connection", "live", "-e", write, "--input", input); code != exitOK {
		t.Fatalf("--yes: exit %d %s", code, errOut)
	}
	if v := valueOf(t, srv, "guard:k"); v != "5" {
		t.Errorf("--yes: guard:k = %q", v)
	}
}

func TestLoadOnProductionNeedsYes(t *testing.T) {
	srv := startSandbox(t)
	cfg := productionConfig(t, srv)
	file := filepath.Join(t.TempDir(), "s.lua")
	src := "return 'guarded load'"
	if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	defer c.Close()
	cached := func() bool {
		ok, _ := c.ScriptExists(context.Background(), redisx.SHA1(src)).Result()
		return len(ok) == 1 && ok[0]
	}
	for _, args := range [][]string{{"load"}, {"load", "--all"}, {"load", "--json"}} {
		args = append(args, "--config", cfg, "--connection", "live", file)
		out, errOut, code := cli(t, "", args...)
		if code != exitUsage || !strings.Contains(errOut, "--yes") || out != "" || cached() {
			t.Errorf("%q: exit %d cached %v\n%s%s", args, code, cached(), out, errOut)
		}
	}
	// SCRIPT LOAD changes no data: a read-only connection allows it, but
	// production still asks.
	if _, errOut, code := cli(t, "", "load", "--config", cfg, "--connection", "liveRO", file); code != exitUsage || cached() {
		t.Errorf("read-only production: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "", "load", "--yes", "--all", "--config", cfg, "--connection", "liveRO", file); code != exitOK || !cached() {
		t.Errorf("--yes: exit %d %s", code, errOut)
	}
}

// TestExamplesRunOnRealServer: a server luascope did not start is real —
// the setup needs --yes (or a typed yes); production and read-only
// connections are refused even with it.
func TestExamplesRunOnRealServer(t *testing.T) {
	srv := startSandbox(t)
	cfg := productionConfig(t, srv)
	setPrecious(t, srv, "stock:sku-1234")
	out, errOut, code := cli(t, "", "examples", "stock-decrement", "--run", "-u", srv.URL())
	wantRefused(t, srv, "stock:sku-1234", out, errOut, code)
	if !strings.Contains(errOut, "not a sandbox") || !strings.Contains(errOut, "DEL stock:sku-1234") {
		t.Errorf("the refusal does not name the setup: %s", errOut)
	}
	for _, conn := range []string{"live", "liveRO"} {
		if _, errOut, code := cli(t, "", "examples", "stock-decrement", "--run", "--yes", "--config", cfg, "--connection", conn); code != exitUsage {
			t.Errorf("%s --yes: exit %d %s", conn, code, errOut)
		}
	}
	if v := valueOf(t, srv, "stock:sku-1234"); v != precious {
		t.Fatalf("stock:sku-1234 = %q", v)
	}
	if out, errOut, code := cli(t, "", "examples", "stock-decrement", "--run", "--yes", "--no-history", "-u", srv.URL()); code != exitOK || !strings.Contains(out, "expected  yes") {
		t.Errorf("--yes: exit %d\n%s%s", code, out, errOut)
	}
}

// TestProductionAsksAtTheTerminal: with a person at the terminal the
// question is asked (on /dev/tty, stubbed here) and only "yes" goes on.
func TestProductionAsksAtTheTerminal(t *testing.T) {
	srv := startSandbox(t)
	cfg := productionConfig(t, srv)
	setPrecious(t, srv, "guard:k")
	var asked []string
	answer := "no"
	oldCan, oldAsk := canAsk, askYes
	canAsk = func(*cobra.Command) bool { return true }
	askYes = func(q string) (bool, error) { asked = append(asked, q); return answer == "yes", nil }
	t.Cleanup(func() { canAsk, askYes = oldCan, oldAsk })

	write := "return redis.call('set', KEYS[1], '5')"
	out, errOut, code := cli(t, "", "run", "--config", cfg, "--connection", "live", "-e", write, "guard:k")
	if code != exitUsage || !strings.Contains(errOut, "not confirmed") || out != "" || valueOf(t, srv, "guard:k") != precious {
		t.Fatalf("answered no: exit %d\n%s%s", code, out, errOut)
	}
	if len(asked) != 1 || !strings.Contains(asked[0], "marked production") || !strings.Contains(asked[0], srv.Addr()) {
		t.Errorf("the question: %q", asked)
	}
	answer = "yes"
	if _, errOut, code := cli(t, "", "run", "--config", cfg, "--connection", "live", "-e", write, "guard:k"); code != exitOK || valueOf(t, srv, "guard:k") != "5" {
		t.Fatalf("answered yes: exit %d %s", code, errOut)
	}
	// Nothing to ask about: no question.
	asked = nil
	cli(t, "", "run", "--ro", "--config", cfg, "--connection", "live", "-e", "return 1")
	if len(asked) != 0 {
		t.Errorf("asked about a read-only run: %q", asked)
	}
}
