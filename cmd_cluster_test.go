package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

func writeScript(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.lua")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestClusterCLI runs `luascope cluster` and `luascope load` against one
// real 3+3 sandbox cluster, shared by the subtests in order (the last
// ones kill a primary).
func TestClusterCLI(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	u := "redis://" + cl.Nodes[0].Addr()
	primaries := map[string]bool{}
	for _, n := range cl.Nodes[:3] {
		primaries[n.Addr()] = true
	}
	script := writeScript(t, "-- cli test "+time.Now().String()+"\nreturn redis.call('get', KEYS[1])")
	src, _ := os.ReadFile(script)
	sha := redisx.SHA1(string(src))

	t.Run("text", func(t *testing.T) {
		out, errOut, code := cli(t, "", "cluster", "-u", u)
		if code != exitOK {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
		t.Logf("\n%s", out)
		if !strings.Contains(out, "6 nodes, 3 primaries, 16384/16384 slots served") {
			t.Errorf("no summary:\n%s", out)
		}
		for _, n := range cl.Nodes {
			if !strings.Contains(out, n.Addr()) {
				t.Errorf("node %s missing", n.Addr())
			}
		}
		rows := regexp.MustCompile(`(?m)^\s+\d+\s+([A-Z.!]{64})$`).FindAllStringSubmatch(out, -1)
		if len(rows) != 4 {
			t.Fatalf("want 4 slot map rows of 64 cells:\n%s", out)
		}
		cells := ""
		for _, r := range rows {
			cells += r[1]
		}
		// Three equal shares: A, then B, then C, with a split cell at each
		// of the two boundaries (5460|5461 and 10922|10923) and none unserved.
		if !regexp.MustCompile(`^A+!B+!C+$`).MatchString(cells) {
			t.Errorf("slot map %s", cells)
		}
		for _, want := range []string{"primary", "replica", "connected", "myself", "legend"} {
			if !strings.Contains(out, want) {
				t.Errorf("no %q in:\n%s", want, out)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		out, _, code := cli(t, "", "cluster", "--json", "-u", u)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, out)
		}
		var doc struct {
			Cluster bool                 `json:"cluster"`
			Nodes   []redisx.ClusterNode `json:"nodes"`
			Slots   []slotRangeJSON      `json:"slots"`
			Served  int                  `json:"slots_served"`
			Script  *scriptJSON          `json:"script"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !doc.Cluster || len(doc.Nodes) != 6 || doc.Served != redisx.SlotCount || doc.Script != nil {
			t.Errorf("doc: %s", out)
		}
		next := 0
		for _, r := range doc.Slots {
			if r.Start != next || !primaries[r.Node] {
				t.Errorf("slot range %+v (expected start %d, a primary)", r, next)
			}
			next = r.End + 1
		}
		if next != redisx.SlotCount || len(doc.Slots) != 3 {
			t.Errorf("slots %+v", doc.Slots)
		}
	})

	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"cluster", "-u", u, "--sha", "nothex"},
			{"cluster", "-u", u, "--sha", strings.Repeat("a", 40), "--file", script},
			{"cluster", "-u", u, "--file", "/nonexistent.lua"},
			{"load", "-u", u},
			{"load", "-u", u, "/nonexistent.lua"},
		} {
			if _, errOut, code := cli(t, "", args...); code != exitUsage {
				t.Errorf("%v: exit %d, want 2: %s", args, code, errOut)
			}
		}
	})

	t.Run("load --all, then cached on the primaries", func(t *testing.T) {
		out, errOut, code := cli(t, "", "cluster", "--file", script, "-u", u)
		if code != exitOK || !strings.Contains(out, "cached on 0 of 6 nodes") {
			t.Fatalf("before: exit %d\n%s%s", code, out, errOut)
		}
		out, errOut, code = cli(t, "", "load", "--all", "-u", u, script)
		t.Logf("\n%s", out)
		if code != exitOK || strings.Count(out, sha) != 4 || !strings.Contains(out, "loaded on 3 of 3 nodes") {
			t.Fatalf("load --all: exit %d\n%s%s", code, out, errOut)
		}
		out, _, code = cli(t, "", "cluster", "--sha", sha, "-u", u)
		t.Logf("\n%s", out)
		if code != exitOK || !strings.Contains(out, "cached on 3 of 6 nodes") {
			t.Errorf("after: exit %d\n%s", code, out)
		}
		out, _, _ = cli(t, "", "cluster", "--json", "--sha", strings.ToUpper(sha), "-u", u)
		var doc clusterJSON
		if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Script == nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if doc.Script.SHA != sha || len(doc.Script.Cached) != 6 || len(doc.Script.Errors) != 0 {
			t.Errorf("script %+v", doc.Script)
		}
		for addr, cached := range doc.Script.Cached {
			// Redis 7 does not propagate SCRIPT LOAD: replicas lack it.
			if cached != primaries[addr] {
				t.Errorf("%s cached %v", addr, cached)
			}
		}
	})

	t.Run("load on the seed", func(t *testing.T) {
		out, _, code := cli(t, "", "load", "--json", "-u", "redis://"+cl.Nodes[4].Addr(), script)
		var doc loadJSON
		if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitOK {
			t.Fatalf("exit %d %v\n%s", code, err, out)
		}
		if len(doc.Nodes) != 1 || doc.Nodes[0].Node != cl.Nodes[4].Addr() || doc.Nodes[0].SHA != sha || doc.Nodes[0].Error != nil {
			t.Errorf("%+v", doc)
		}
	})

	t.Run("compile error", func(t *testing.T) {
		bad := writeScript(t, "return +")
		out, _, code := cli(t, "", "load", "--all", "-u", u, bad)
		if code != exitErrorReply || strings.Count(out, "error (compile)") != 3 {
			t.Errorf("exit %d\n%s", code, out)
		}
	})

	t.Run("a primary down", func(t *testing.T) {
		dead := cl.Nodes[2]
		if err := dead.Kill(); err != nil {
			t.Fatal(err)
		}
		// Before the cluster notices (cluster-node-timeout 2s), CLUSTER
		// NODES still lists it as a primary: loading there fails.
		out, _, code := cli(t, "", "load", "--all", "-u", u, script)
		if code != exitConnection || !strings.Contains(out, "loaded on 2 of 3 nodes") || !strings.Contains(out, "error (connection)") {
			t.Errorf("exit %d, want 3\n%s", code, out)
		}
		t.Logf("\n%s", out)
		out, _, code = cli(t, "", "cluster", "--sha", sha, "-u", u)
		if code != exitOK || !strings.Contains(out, "(1 did not answer)") || !strings.Contains(out, "errors\n  "+dead.Addr()) {
			t.Errorf("exit %d\n%s", code, out)
		}
	})

	t.Run("after the failover", func(t *testing.T) {
		dead := cl.Nodes[2]
		promoted := cl.Nodes[5] // replica 3+k replicates primary k
		var doc clusterJSON
		deadline := time.Now().Add(30 * time.Second)
		for {
			out, _, _ := cli(t, "", "cluster", "--json", "--sha", sha, "-u", u)
			doc = clusterJSON{}
			_ = json.Unmarshal([]byte(out), &doc)
			failed, took := false, false
			for _, n := range doc.Nodes {
				failed = failed || (n.Addr == dead.Addr() && slices.Contains(n.Flags, "fail"))
				took = took || (n.Addr == promoted.Addr() && n.Role == "primary" && len(n.Slots) > 0)
			}
			if failed && took && doc.Served == redisx.SlotCount {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no failover seen:\n%s", out)
			}
			time.Sleep(200 * time.Millisecond)
		}
		// The promoted replica serves the slots but never got SCRIPT LOAD:
		// EVALSHA there meets NOSCRIPT until the script is loaded again.
		if doc.Script.Cached[promoted.Addr()] {
			t.Errorf("the promoted replica has the script: %+v", doc.Script)
		}
		out, _, _ := cli(t, "", "cluster", "--sha", sha, "-u", u)
		t.Logf("\n%s", out)
		var deadRow string
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, dead.Addr()) && strings.Contains(l, "primary") {
				deadRow = l
			}
		}
		if !strings.Contains(deadRow, "disconnected") || !strings.Contains(deadRow, "fail") || !strings.Contains(deadRow, "error") {
			t.Errorf("dead node's row %q\n%s", deadRow, out)
		}
		if !strings.Contains(out, "16384/16384 slots served, 1 failing") {
			t.Errorf("summary:\n%s", out)
		}
		// CLUSTER NODES still lists the dead node as "master,fail" (with no
		// slots): load --all leaves it out rather than fail on it for ever.
		out, _, code := cli(t, "", "load", "--all", "-u", u, script)
		t.Logf("\n%s", out)
		if code != exitOK || !strings.Contains(out, "loaded on 3 of 3 nodes") || !strings.Contains(out, promoted.Addr()) {
			t.Errorf("exit %d\n%s", code, out)
		}
	})
}

// TestClusterCLIStandalone: on a plain server the commands say it is not
// a cluster and work on the one server.
func TestClusterCLIStandalone(t *testing.T) {
	srv := startSandbox(t)
	u := srv.URL()
	out, _, code := cli(t, "", "cluster", "-u", u)
	t.Logf("\n%s", out)
	if code != exitOK || !strings.HasPrefix(out, "not a cluster: ") || !strings.Contains(out, srv.Addr()) || strings.Contains(out, "legend") {
		t.Errorf("exit %d\n%s", code, out)
	}
	out, _, _ = cli(t, "", "cluster", "--json", "-u", u)
	var doc clusterJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Cluster || len(doc.Nodes) != 1 || len(doc.Slots) != 0 || doc.Server.Mode != "standalone" {
		t.Errorf("%v\n%s", err, out)
	}
	script := writeScript(t, "return 'standalone cli'")
	for _, all := range []bool{false, true} {
		args := []string{"load", "-u", u, script}
		if all {
			args = append(args, "--all")
		}
		out, _, code := cli(t, "", args...)
		if code != exitOK || !strings.Contains(out, "loaded on 1 of 1 node\n") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	out, _, _ = cli(t, "", "cluster", "--file", script, "-u", u)
	if !strings.Contains(out, "cached on 1 of 1 nodes") {
		t.Errorf("%s", out)
	}
	for _, cmd := range []string{"cluster", "load"} {
		args := []string{cmd, "-h", "127.0.0.1", "-p", freePort(t)}
		if cmd == "load" {
			args = append(args, script)
		}
		if _, errOut, code := cli(t, "", args...); code != exitConnection {
			t.Errorf("%s on nothing: exit %d, want 3: %s", cmd, code, errOut)
		}
	}
}

func TestKeyslotCLI(t *testing.T) {
	out, _, code := cli(t, "", "keyslot", "foo", "{user}1", "user", "", "a{}b{c}", "--", "-dash")
	// {user}1 hashes "user"; the empty key is slot 0; the rest are checked against KeySlot.
	want := "12182 foo\n5474 {user}1\n5474 user\n0 \"\"\n"
	if code != exitOK || !strings.HasPrefix(out, want) {
		t.Errorf("exit %d\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 || lines[4] != strconv.Itoa(redisx.KeySlot("a{}b{c}"))+" a{}b{c}" || lines[5] != strconv.Itoa(redisx.KeySlot("-dash"))+" -dash" {
		t.Errorf("%q", lines)
	}
	// Without --escapes a backslash is a byte; with it, \x00 is one.
	out, _, _ = cli(t, "", "keyslot", `a\x00`)
	if out != strconv.Itoa(redisx.KeySlot(`a\x00`))+` a\\x00`+"\n" {
		t.Errorf("raw: %q", out)
	}
	out, _, _ = cli(t, "", "keyslot", "--escapes", `a\x00`, `\x1b[2J`)
	if out != strconv.Itoa(redisx.KeySlot("a\x00"))+` a\x00`+"\n"+strconv.Itoa(redisx.KeySlot("\x1b[2J"))+` \x1b[2J`+"\n" {
		t.Errorf("escapes (nothing raw to the terminal): %q", out)
	}
	out, _, code = cli(t, "", "keyslot", "--json", "--escapes", `{\xff}x`, "{user}1", "plain")
	if code != exitOK || strings.TrimSpace(out) != `[{"key":{"hex":"7bff7d78"},"slot":`+strconv.Itoa(redisx.KeySlot("{\xff}x"))+
		`,"tag":{"hex":"ff"}},{"key":"{user}1","slot":5474,"tag":"user"},{"key":"plain","slot":`+strconv.Itoa(redisx.KeySlot("plain"))+`}]` {
		t.Errorf("json: %s", out)
	}
	for _, args := range [][]string{{"keyslot"}, {"keyslot", "--escapes", `bad\q`}} {
		if _, errOut, code := cli(t, "", args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errOut)
		}
	}
}
