package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"luascope/examples"
	"luascope/redisx/sandbox/sandboxtest"
)

func TestExamplesList(t *testing.T) {
	out, errOut, code := cli(t, "", "examples")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, e := range examples.All() {
		if !strings.Contains(out, e.Name) || !strings.Contains(out, e.Title) {
			t.Errorf("the list lacks %s — %s:\n%s", e.Name, e.Title, out)
		}
	}

	out, _, code = cli(t, "", "examples", "--tag", "cluster", "--json")
	var list []struct {
		Name, Title string
		Tags        []string
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || code != exitOK || len(list) == 0 {
		t.Fatalf("exit %d %v: %s", code, err, out)
	}
	for _, e := range list {
		if !strings.Contains(strings.Join(e.Tags, " "), "cluster") {
			t.Errorf("--tag cluster listed %s %v", e.Name, e.Tags)
		}
	}

	for _, args := range [][]string{
		{"examples", "--tag", "nope"},
		{"examples", "--run"},
		{"examples", "lock-release", "--explain"},
		{"examples", "lock-release", "--tag", "pattern"},
		{"examples", "lock-release", "--source", "--run"},
		{"examples", "lock-release", "--yes"},
		{"examples", "a", "b"},
	} {
		if _, errOut, code := cli(t, "", args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d (usage): %s", args, code, exitUsage, errOut)
		}
	}
}

func TestExamplesShow(t *testing.T) {
	e, err := examples.Get("nil-holes")
	if err != nil || e.Title == "" || e.Source == "" {
		t.Fatalf("examples.Get: %v", err)
	}
	out, errOut, code := cli(t, "", "examples", "nil-holes")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{e.Title, "cut at the first nil", "stats:page:home", "HSET stats:page:home views 120 shares 7",
		"1) 1) (integer) 120", e.Source, "luascope examples nil-holes --run"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}

	out, _, code = cli(t, "", "examples", "lock-release", "--source")
	if l, _ := examples.Get("lock-release"); code != exitOK || out != l.Source {
		t.Errorf("--source: exit %d, %q", code, out)
	}

	out, _, code = cli(t, "", "examples", "resp3-profile-map", "--json")
	var shown struct {
		Name, Source string
		Setup        [][]string
		Expect       map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil || code != exitOK {
		t.Fatalf("exit %d %v: %s", code, err, out)
	}
	if shown.Name != "resp3-profile-map" || len(shown.Setup) == 0 || !strings.Contains(string(shown.Expect["3"]), `"map"`) {
		t.Errorf("--json: %+v", shown)
	}

	_, errOut, code = cli(t, "", "examples", "rate-limiter")
	if code != exitUsage || !strings.Contains(errOut, "fixed-window-rate-limit") {
		t.Errorf("unknown name: exit %d, want the names listed: %s", code, errOut)
	}
}

// TestExamplesRun runs every example through `luascope examples NAME --run
// --json` for a RESP2 and a RESP3 caller, and compares the reply with the
// example's expectation.
func TestExamplesRun(t *testing.T) {
	srv := startSandbox(t)
	for _, proto := range []int{2, 3} {
		for _, e := range examples.All() {
			args := []string{"examples", e.Name, "--run", "--yes", "--json", "-u", srv.URL()}
			if proto == 3 {
				args = append(args, "-3")
			}
			out, errOut, code := cli(t, "", args...)
			want := exitOK
			expected := e.ExpectedOn(srv.Describe(), proto)
			if strings.HasPrefix(expected, `{"type":"error"`) {
				want = exitErrorReply
			}
			if code != want {
				t.Errorf("%s RESP%d: exit %d, want %d: %s%s", e.Name, proto, code, want, out, errOut)
				continue
			}
			var rep struct {
				Server struct{ Protocol int }
				Reply  json.RawMessage
				Error  *struct{ Class string }
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("%s: not JSON: %v: %s", e.Name, err, out)
			}
			if rep.Server.Protocol != proto {
				t.Errorf("%s: ran with RESP%d, want %d", e.Name, rep.Server.Protocol, proto)
			}
			if exampleCanonicalReply(string(rep.Reply)) != exampleCanonicalReply(expected) {
				t.Errorf("%s RESP%d on %s:\n got %s\nwant %s", e.Name, proto, srv.Describe(), rep.Reply, expected)
			}
			if rep.Error != nil && rep.Error.Class != "script" && rep.Error.Class != "command" {
				t.Errorf("%s: error class %s: an example's error is on purpose (script) or a command's", e.Name, rep.Error.Class)
			}
		}
	}

	t.Run("text with explain", func(t *testing.T) {
		out, errOut, code := cli(t, "", "examples", "average-rating", "--run", "--yes", "--explain", "-u", srv.URL())
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{"example   average-rating", "setup     HSET ratings:book:7 sum 23 count 6  <- (integer) 2",
			"1) (integer) 3", "explain (Lua value → reply)", "fraction is truncated", "expected  yes"} {
			if !strings.Contains(out, want) {
				t.Errorf("lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("explain names the script's SHA", func(t *testing.T) {
		out, _, code := cli(t, "", "examples", "error-no-rollback", "--run", "--yes", "--explain", "-u", srv.URL())
		if code != exitErrorReply || !strings.Contains(out, "class     script") || !strings.Contains(out, "expected  yes") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})

	t.Run("quiet", func(t *testing.T) {
		out, _, code := cli(t, "", "examples", "leaderboard-update", "--run", "--yes", "-q", "-u", srv.URL())
		if code != exitOK || out != "1) \"160\"\n2) (integer) 1\n" {
			t.Errorf("exit %d: %q", code, out)
		}
	})

	t.Run("the misdiagnosis", func(t *testing.T) {
		out, _, code := cli(t, "", "examples", "missing-key-error", "--run", "--yes", "-u", srv.URL())
		if code != exitErrorReply || !strings.Contains(out, "(error) no such key") || !strings.Contains(out, "class     script") ||
			strings.Contains(out, "class     noscript") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})

	t.Run("refuses read-only and production connections", func(t *testing.T) {
		cfg := filepath.Join(t.TempDir(), "config.toml")
		conf := "[connections.ro]\nurl = \"" + srv.URL() + "\"\nreadonly = true\n" +
			"[connections.live]\nurl = \"" + srv.URL() + "\"\nproduction = true\n"
		if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		c := srv.Client()
		defer c.Close()
		ctx := context.Background()
		c.Set(ctx, "stock:sku-1234", "99", 0)
		for _, name := range []string{"ro", "live"} {
			_, errOut, code := cli(t, "", "examples", "stock-decrement", "--run", "--yes", "--config", cfg, "--connection", name)
			if code != exitUsage {
				t.Errorf("%s: exit %d: %s", name, code, errOut)
			}
		}
		if v, _ := c.Get(ctx, "stock:sku-1234").Result(); v != "99" {
			t.Errorf("a refused run changed the key: %q", v)
		}
	})
}

// TestExamplesRunUsesSandboxByDefault: with no server named, --run never
// touches 127.0.0.1:6379 (the setup deletes keys), it starts a sandbox.
func TestExamplesRunUsesSandboxByDefault(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	out, errOut, code := cli(t, "", "examples", "lock-release", "--run", "--no-history")
	if code != exitOK || !strings.Contains(errOut, "sandbox") || strings.Contains(out, "127.0.0.1:6379") {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
}

// TestExamplesRunOnCluster runs every example on a real 3+3 cluster: the
// setup follows MOVED, and every script's keys share one slot.
func TestExamplesRunOnCluster(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	u := "redis://" + cl.Nodes[0].Addr()
	moved := false
	for _, e := range examples.All() {
		out, errOut, code := cli(t, "", "examples", e.Name, "--run", "--yes", "--no-history", "-u", u)
		if e.User != "" {
			// Its ACL user would exist on one node only: refused before
			// any setup is sent.
			if code != exitUsage || !strings.Contains(errOut, "standalone") || strings.Contains(out, "setup ") {
				t.Errorf("%s (runs as %s) on a cluster: exit %d: %s%s", e.Name, e.User, code, out, errOut)
			}
			continue
		}
		if code != exitOK && code != exitErrorReply {
			t.Errorf("%s: exit %d: %s%s", e.Name, code, out, errOut)
			continue
		}
		if !strings.Contains(out, "expected  yes") {
			t.Errorf("%s: not the expected reply:\n%s", e.Name, out)
		}
		moved = moved || strings.Contains(out, "(MOVED: sent to ")
	}
	if !moved {
		t.Errorf("no setup command was redirected: the test did not exercise MOVED")
	}
}
