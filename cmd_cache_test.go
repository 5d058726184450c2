package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// startBinary starts a sandbox server of the cached binary name (e.g.
// "valkey-server-8.1.1"), or skips when this machine has none.
func startBinary(t *testing.T, name string) *sandbox.Server {
	t.Helper()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip(err)
	}
	bin := filepath.Join(home, ".cache", "luascope", "servers", "bin", name)
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("no %s here: %v", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{Binary: bin, Logf: t.Logf})
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// generateScripts sends n EVALs whose values are written into the body,
// the mistake `luascope cache` warns about: each is a new script.
func generateScripts(t *testing.T, srv *sandbox.Server, n int) {
	t.Helper()
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	pipe := c.Pipeline()
	for i := range n {
		pipe.Do(ctx, "EVAL", fmt.Sprintf("return redis.call('set', 'gen:%d', '%d')", i, i), 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

type cacheDoc struct {
	Nodes []struct {
		Node    string `json:"node"`
		Scripts int64  `json:"number_of_cached_scripts"`
		Memory  int64  `json:"used_memory_scripts"`
		VMEval  int64  `json:"used_memory_vm_eval"`
		Evicted int64  `json:"evicted_scripts"`
		Error   any    `json:"error"`
	} `json:"nodes"`
	Warnings []string `json:"warnings"`
}

func cacheStats(t *testing.T, srv *sandbox.Server) (cacheDoc, string) {
	t.Helper()
	out, errOut, code := cli(t, "", "cache", "-u", srv.URL(), "--json")
	if code != exitOK {
		t.Fatalf("cache --json: exit %d\n%s%s", code, out, errOut)
	}
	var doc cacheDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	text, _, _ := cli(t, "", "cache", "-u", srv.URL())
	return doc, text
}

// TestCacheGeneratedScripts fills a real server's cache with 1,000
// generated scripts: Redis 7 keeps them all (the count warning), Redis 8
// evicts EVAL-sent scripts past 500 (the eviction warning).
func TestCacheGeneratedScripts(t *testing.T) {
	t.Run("default server", func(t *testing.T) {
		srv := sandboxtest.StartT(t)
		doc, _ := cacheStats(t, srv)
		if len(doc.Nodes) != 1 || doc.Nodes[0].Scripts != 0 || len(doc.Warnings) != 0 {
			t.Fatalf("empty cache: %+v", doc)
		}
		generateScripts(t, srv, 1000)
		doc, text := cacheStats(t, srv)
		t.Logf("%s:\n%s", srv.Describe(), text)
		n := doc.Nodes[0]
		if n.Memory <= 0 || n.VMEval <= 0 {
			t.Errorf("memory figures: %+v", n)
		}
		if n.Scripts >= 1000 && !strings.Contains(strings.Join(doc.Warnings, "\n"), "1000 cached scripts look generated") {
			t.Errorf("no count warning: %+v", doc.Warnings)
		}
		if n.Evicted > 0 && !strings.Contains(strings.Join(doc.Warnings, "\n"), "scripts evicted") {
			t.Errorf("no eviction warning: %+v", doc.Warnings)
		}
		if len(doc.Warnings) == 0 || !strings.Contains(text, "warnings:") {
			t.Errorf("1,000 generated scripts and no warning:\n%s", text)
		}
	})
	t.Run("redis 8", func(t *testing.T) {
		srv := startBinary(t, "redis-server-8.0.2")
		generateScripts(t, srv, 1000)
		doc, text := cacheStats(t, srv)
		t.Logf("%s:\n%s", srv.Describe(), text)
		n := doc.Nodes[0]
		if n.Evicted != 500 || n.Scripts != 500 {
			t.Errorf("Redis 8 keeps 500 EVAL scripts and evicts the rest: %+v", n)
		}
		if !strings.Contains(text, "500 scripts evicted") {
			t.Errorf("no eviction warning:\n%s", text)
		}
	})
}

// TestCacheCheckCLI: on a real cluster, `load --all` puts a script on
// every primary; `cache --check` then passes, fails for a script loaded
// nowhere, and with --replicas fails because Redis does not pass SCRIPT
// LOAD on to replicas.
func TestCacheCheckCLI(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	u := "redis://" + cl.Nodes[0].Addr()
	loaded := writeScript(t, "return 'loaded "+time.Now().String()+"'")
	nowhere := writeScript(t, "return 'nowhere "+time.Now().String()+"'")
	if out, errOut, code := cli(t, "", "load", "-u", u, "--all", loaded); code != exitOK {
		t.Fatalf("load --all: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := cli(t, "", "cache", "-u", u, "--check", loaded)
	t.Logf("\n%s", out)
	if code != exitOK || !strings.Contains(out, "cached on 3 of 6 nodes") || strings.Count(out, "missing on replica") != 1 {
		t.Errorf("--check loaded: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, code := cli(t, "", "cache", "-u", u, "--check", "--replicas", loaded); code != exitErrorReply {
		t.Errorf("--check --replicas: exit %d, want 1\n%s", code, out)
	}
	out, _, code = cli(t, "", "cache", "-u", u, "--check", "--json", loaded, nowhere)
	if code != exitErrorReply {
		t.Errorf("--check with a script loaded nowhere: exit %d, want 1\n%s", code, out)
	}
	var doc cacheCheckJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if len(doc.Scripts) != 2 || len(doc.Scripts[0].MissingPrimary) != 0 || len(doc.Scripts[1].MissingPrimary) != 3 ||
		len(doc.Scripts[1].MissingReplicas) != 3 || doc.AllCached {
		t.Errorf("doc: %+v", doc)
	}
	// Every node of a cluster reports its figures.
	out, _, code = cli(t, "", "cache", "-u", u)
	if code != exitOK || strings.Count(out, "replica of") != 3 {
		t.Errorf("cluster cache view: exit %d\n%s", code, out)
	}
	if _, errOut, code := cli(t, "", "cache", "-u", u, "nofile.lua"); code != exitUsage {
		t.Errorf("a file without --check/--sha: exit %d %s", code, errOut)
	}
}

// TestCacheSHA finds a script's source on Valkey (SCRIPT SHOW), in a file
// given, in luascope's history, and says when it is unknown; Redis has no
// SCRIPT SHOW and is said to lack it.
func TestCacheSHA(t *testing.T) {
	src := "return 'sha lookup " + time.Now().String() + "'"
	sha := redisx.SHA1(src)
	file := writeScript(t, src)

	t.Run("redis: not supported, from the file", func(t *testing.T) {
		srv := sandboxtest.StartT(t)
		out, errOut, code := cli(t, "", "cache", "-u", srv.URL(), "--sha", sha, writeScript(t, "return 0"), file)
		t.Logf("\n%s", out)
		// What SCRIPT SHOW answers is the server's: Redis has none, a
		// Valkey sandbox (make test-servers) has it, without this script.
		show, _ := sandboxtest.PerServer(srv, map[string]string{"redis": "not supported by this server", "valkey": "not cached"})
		if show == "" {
			show = "SCRIPT SHOW"
		}
		if code != exitOK || !strings.Contains(out, show) || !strings.Contains(out, "source (from file "+file+")") ||
			!strings.Contains(out, "  "+src) || !strings.Contains(out, "a different script") {
			t.Errorf("exit %d\n%s%s", code, out, errOut)
		}
		// What is printed of a source is escaped: a file (or a server)
		// cannot move the cursor or recolour the terminal.
		hostile := "return '\x1b[2J\x1b]0;pwned\x07'"
		out, _, code = cli(t, "", "cache", "-u", srv.URL(), "--sha", redisx.SHA1(hostile), writeScript(t, hostile))
		if code != exitOK || strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\x1b[2J`) {
			t.Errorf("hostile source: exit %d %q", code, out)
		}
		unknown := redisx.SHA1("never sent " + src)
		out, _, code = cli(t, "", "cache", "-u", srv.URL(), "--sha", unknown)
		if code != exitErrorReply || !strings.Contains(out, "source unknown") || !strings.Contains(out, "history: no run with this SHA") {
			t.Errorf("unknown: exit %d\n%s", code, out)
		}
		// No run of it in history: no "last" time (not year 1).
		out, _, _ = cli(t, "", "cache", "-u", srv.URL(), "--sha", unknown, "--json")
		if !strings.Contains(out, `"history":{"runs":0,`) || strings.Contains(out, `"last"`) {
			t.Errorf("unknown, --json: the history part says a time:\n%s", out)
		}
		// A run puts the source in history; once flushed from the cache,
		// history still knows it.
		hsrc := "return 'history " + time.Now().String() + "'"
		if out, errOut, code := cli(t, "", "run", "-u", srv.URL(), "-e", hsrc); code != exitOK {
			t.Fatalf("run: exit %d %s%s", code, out, errOut)
		}
		c := srv.Client()
		if err := c.ScriptFlush(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		c.Close()
		out, _, code = cli(t, "", "cache", "-u", srv.URL(), "--sha", redisx.SHA1(hsrc), "--json")
		var doc cacheSHAJSON
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err, out)
		}
		if code != exitOK || doc.From != "history" || doc.Source != hsrc || doc.History.Runs != 1 {
			t.Errorf("from history: exit %d %+v", code, doc)
		}
	})
	t.Run("valkey: SCRIPT SHOW", func(t *testing.T) {
		srv := startBinary(t, "valkey-server-8.1.1")
		out, _, code := cli(t, "", "cache", "-u", srv.URL(), "--sha", sha)
		if code != exitErrorReply || !strings.Contains(out, ": not cached") {
			t.Errorf("before load: exit %d\n%s", code, out)
		}
		if out, errOut, code := cli(t, "", "load", "-u", srv.URL(), file); code != exitOK {
			t.Fatalf("load: exit %d %s%s", code, out, errOut)
		}
		out, _, code = cli(t, "", "cache", "-u", srv.URL(), "--sha", sha)
		t.Logf("\n%s", out)
		if code != exitOK || !strings.Contains(out, ": found") || !strings.Contains(out, "source (from server "+srv.Addr()+")") {
			t.Errorf("after load: exit %d\n%s", code, out)
		}
	})
}

// docs/json.md names every field that busy, slowlog, cache (its three
// forms) and functions print with --json on a real server: a field added
// to a document without its line in the contract fails here.
func TestJSONDocsNameEveryField(t *testing.T) {
	srv := startSandbox(t, "slowlog-log-slower-than 0")
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	src := "return redis.call('GET', KEYS[1])"
	file := writeScript(t, src)
	lib := "#!lua name=docs\nredis.register_function{function_name='echo', callback=function(keys, args) return args[1] end, flags={'no-writes'}}\n"
	libFile := filepath.Join(t.TempDir(), "docs.lua")
	if err := os.WriteFile(libFile, []byte(lib), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]any{{"FUNCTION", "LOAD", lib}, {"SCRIPT", "LOAD", src}, {"EVALSHA", redisx.SHA1(src), "1", "k"}, {"EVAL", "return 1", "0"}, {"FCALL", "echo", "0", "hi"}} {
		if err := c.Do(ctx, cmd...).Err(); err != nil && !strings.Contains(err.Error(), "nil") {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	docs, err := os.ReadFile("docs/json.md")
	if err != nil {
		t.Fatal(err)
	}
	u := srv.URL()
	for _, args := range [][]string{
		{"busy", "--json", "-u", u},
		{"slowlog", "--json", "-u", u, file, libFile},
		{"cache", "--json", "-u", u},
		{"cache", "--check", "--json", "-u", u, file},
		{"cache", "--sha", redisx.SHA1(src), "--json", "-u", u, file},
		{"functions", "--json", "-u", u},
	} {
		out, errOut, _ := cli(t, "", args...)
		var doc any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%s: not JSON: %v\n%s%s", strings.Join(args[:2], " "), err, out, errOut)
		}
		fields := map[string]bool{}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					fields[k] = true
					if k != "hashes" && k != "errors" { // keyed by SHA or node, not fields
						walk(x)
					}
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(doc)
		t.Logf("%s: %d fields", strings.Join(args[:2], " "), len(fields))
		if len(fields) < 4 {
			t.Errorf("%s: %d fields: %s", strings.Join(args[:2], " "), len(fields), out)
		}
		for f := range fields {
			if !strings.Contains(string(docs), `"`+f+`"`) && !strings.Contains(string(docs), "`"+f+"`") {
				t.Errorf("%s: field %q is not in docs/json.md", strings.Join(args[:2], " "), f)
			}
		}
	}
}
