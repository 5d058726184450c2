package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"luascope/redisx/sandbox/sandboxtest"
)

func busyDoc(t *testing.T, out string) busyJSON {
	t.Helper()
	var doc busyJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return doc
}

func TestBusyNothingRunning(t *testing.T) {
	srv := startSandbox(t, "busy-reply-threshold 100")
	out, errOut, code := cli(t, "", "busy", "-u", srv.URL())
	if code != exitOK || !strings.Contains(out, "nothing is running") || !strings.Contains(out, "busy-reply-threshold: 100 ms") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	// --kill with nothing to kill is not an error.
	if out, errOut, code := cli(t, "", "busy", "--kill", "-u", srv.URL()); code != exitOK {
		t.Fatalf("--kill, idle: exit %d\n%s%s", code, out, errOut)
	}
}

// A read-only script from another client: busy names it a script and
// the kill SCRIPT KILL; --kill refuses without a terminal or --yes, and
// on read-only; --yes kills it, and the slow log then gives its SHA.
func TestBusyKillsScript(t *testing.T) {
	srv := startSandbox(t, "busy-reply-threshold 100", "slowlog-log-slower-than 0")
	spin := "return 'spun'" // appended after the spin
	src := sandboxtest.SpinLua(30*time.Second) + " " + spin
	file := writeScript(t, src)
	done := sandboxtest.HoldBusy(t, srv, "EVAL", src, "0")

	out, errOut, code := cli(t, "", "busy", "-u", srv.URL())
	if code != exitErrorReply || !strings.Contains(out, "BUSY with an EVAL/EVALSHA script") || !strings.Contains(out, "SCRIPT KILL") ||
		!strings.Contains(out, "CONFIG GET is refused") || !strings.Contains(out, "bounded batch") {
		t.Fatalf("busy: exit %d\n%s%s", code, out, errOut)
	}
	doc := busyDoc(t, mustCLI(t, exitErrorReply, "busy", "--json", "-u", srv.URL()))
	if !doc.Busy || len(doc.Nodes) != 1 || doc.Nodes[0].Kind != "script" || doc.Nodes[0].Kill != "SCRIPT KILL" {
		t.Fatalf("busy --json: %+v", doc)
	}
	// Refusals: no terminal to ask on, read-only.
	for _, args := range [][]string{{"busy", "--kill"}, {"busy", "--kill", "--yes", "--ro"}} {
		out, errOut, code := cli(t, "", append(args, "-u", srv.URL())...)
		if code != exitUsage || !strings.Contains(errOut, "not sent") {
			t.Fatalf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if args := []string{"busy", "--kill", "--yes", "--ro"}; true {
		_, errOut, _ := cli(t, "", append(args, "-u", srv.URL())...)
		if !strings.Contains(errOut, "read-only") {
			t.Errorf("--ro refusal does not say why: %s", errOut)
		}
	}
	select {
	case err := <-done:
		t.Fatalf("the script ended after a refused kill: %v", err)
	default:
	}
	out, errOut, code = cli(t, "", "busy", "--kill", "--yes", "-u", srv.URL(), file)
	if code != exitOK || !strings.Contains(out, "SCRIPT KILL: killed") || !strings.Contains(out, "the slow log has it: script (SHA unknown: the log cut its body)") ||
		!strings.Contains(out, "source: file") || !strings.Contains(out, "matched by the body's first 128 bytes") {
		t.Fatalf("--kill --yes: exit %d\n%s%s", code, out, errOut)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Fatalf("the other client: %v, want killed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the script was not killed")
	}
}

// A function: FUNCTION STATS names it and the command; the kill is
// FUNCTION KILL, decided by the running command.
func TestBusyKillsFunction(t *testing.T) {
	srv := startSandbox(t, "busy-reply-threshold 100")
	lib := "#!lua name=spinlib\nredis.register_function('spin', function(keys, args) " + sandboxtest.SpinLua(30*time.Second) + " return 1 end)\n"
	c := srv.Client()
	defer c.Close()
	if err := c.Do(context.Background(), "FUNCTION", "LOAD", lib).Err(); err != nil {
		t.Fatal(err)
	}
	file := writeScript(t, lib)
	done := sandboxtest.HoldBusy(t, srv, "FCALL", "spin", "1", "key\x1b[31m", "arg")
	doc := busyDoc(t, mustCLI(t, exitErrorReply, "busy", "--json", "-u", srv.URL(), file))
	n := doc.Nodes[0]
	if n.Kind != "function" || n.Name != "spin" || n.Kill != "FUNCTION KILL" || len(n.Command) != 5 ||
		n.Command[3] != `key\x1b[31m` || n.Source == nil || n.Source.From != "file" {
		t.Fatalf("busy --json on a function: %+v %+v", n, n.Source)
	}
	doc = busyDoc(t, mustCLI(t, exitOK, "busy", "--json", "--kill", "--yes", "-u", srv.URL()))
	if kr := doc.Nodes[0].KillResult; kr == nil || kr.Outcome != "killed" {
		t.Fatalf("--kill: %+v", doc.Nodes[0])
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the other client: %v", err)
	}
}

// A script that wrote cannot be killed: busy says UNKILLABLE and names
// SHUTDOWN NOSAVE without sending it. The test then shuts its own
// sandbox down that way.
func TestBusyUnkillable(t *testing.T) {
	srv := startSandbox(t, "busy-reply-threshold 100")
	src := "redis.call('SET', KEYS[1], 'x') " + sandboxtest.SpinLua(30*time.Second)
	done := sandboxtest.HoldBusy(t, srv, "EVAL", src, "1", "w")
	out, errOut, code := cli(t, "", "busy", "--kill", "--yes", "-u", srv.URL())
	if code != exitErrorReply || !strings.Contains(out, "UNKILLABLE") || !strings.Contains(out, "SHUTDOWN NOSAVE") ||
		!strings.Contains(out, "never sends it") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	select {
	case err := <-done:
		t.Fatalf("the script ended: %v", err)
	default:
	}
	c := srv.Client()
	defer c.Close()
	_ = c.Do(context.Background(), "SHUTDOWN", "NOSAVE").Err()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("SHUTDOWN NOSAVE did not end the script")
	}
}

// On production, --kill needs --yes even where a terminal could ask;
// a read-only named connection refuses it.
func TestBusyKillOnProduction(t *testing.T) {
	srv := startSandbox(t, "busy-reply-threshold 100")
	cfg := productionConfig(t, srv)
	done := sandboxtest.HoldBusy(t, srv, "EVAL", sandboxtest.SpinLua(30*time.Second), "0")
	asked := false
	oldCan, oldAsk := canAsk, askYes
	canAsk = func(*cobra.Command) bool { return true }
	askYes = func(string) (bool, error) { asked = true; return true, nil }
	t.Cleanup(func() { canAsk, askYes = oldCan, oldAsk })
	out, errOut, code := cli(t, "", "busy", "--kill", "--config", cfg, "--connection", "live")
	if code != exitUsage || asked || !strings.Contains(errOut, "marked production") || !strings.Contains(errOut, "--yes") {
		t.Fatalf("production without --yes: exit %d asked %v\n%s%s", code, asked, out, errOut)
	}
	out, errOut, code = cli(t, "", "busy", "--kill", "--yes", "--config", cfg, "--connection", "liveRO")
	if code != exitUsage || !strings.Contains(errOut, "read-only") {
		t.Fatalf("read-only production: exit %d\n%s%s", code, out, errOut)
	}
	select {
	case err := <-done:
		t.Fatalf("the script ended after refusals: %v", err)
	default:
	}
	// Not production: the terminal is asked, and yes kills.
	if out, errOut, code := cli(t, "", "busy", "--kill", "-u", srv.URL()); code != exitOK || !asked {
		t.Fatalf("asked %v: exit %d\n%s%s", asked, code, out, errOut)
	}
	<-done
}

// mustCLI runs luascope and wants exit status code; it returns stdout.
func mustCLI(t *testing.T, code int, args ...string) string {
	t.Helper()
	out, errOut, got := cli(t, "", args...)
	if got != code {
		t.Fatalf("luascope %q: exit %d, want %d\n%s%s", args, got, code, out, errOut)
	}
	return out
}

// An ACL user denied FUNCTION STATS and CONFIG: PING's BUSY still says
// a script runs, and the threshold is said to be denied, not guessed.
func TestBusyRestrictedUser(t *testing.T) {
	srv := startSandbox(t, "busy-reply-threshold 100")
	sandboxtest.ACLUser(t, srv, "ops", "pw", "~*", "+@all", "-function|stats", "-config")
	u := "redis://ops:pw@" + srv.Addr()
	out, errOut, code := cli(t, "", "busy", "-u", u)
	if code != exitOK || !strings.Contains(out, "nothing is running") || !strings.Contains(out, "denied to this ACL user") {
		t.Fatalf("idle: exit %d\n%s%s", code, out, errOut)
	}
	done := sandboxtest.HoldBusy(t, srv, "EVAL", sandboxtest.SpinLua(30*time.Second), "0")
	doc := busyDoc(t, mustCLI(t, exitOK, "busy", "--json", "--kill", "--yes", "-u", u))
	if n := doc.Nodes[0]; n.Kind != "script" || n.Kill != "SCRIPT KILL" || n.KillResult == nil || n.KillResult.Outcome != "killed" {
		t.Fatalf("restricted user: %+v", n)
	}
	<-done
}

// In a cluster every node is asked: a busy primary is found from another
// node; connected to the busy node itself, which cannot list the others
// while busy, busy says so and asks that node.
func TestBusyCluster(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	busy := cl.Nodes[1]
	c := busy.Client()
	if err := c.ConfigSet(context.Background(), "busy-reply-threshold", "100").Err(); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	done := sandboxtest.HoldBusy(t, busy, "EVAL", sandboxtest.SpinLua(30*time.Second), "0")
	doc := busyDoc(t, mustCLI(t, exitErrorReply, "busy", "--json", "-c", "-u", cl.Nodes[0].URL()))
	if len(doc.Nodes) != len(cl.Nodes) {
		t.Fatalf("nodes asked: %+v", doc.Nodes)
	}
	for _, n := range doc.Nodes {
		if want := map[bool]string{true: "script", false: "idle"}[n.Node == busy.Addr()]; string(n.Kind) != want {
			t.Errorf("%s: kind %s, want %s", n.Node, n.Kind, want)
		}
	}
	out, errOut, code := cli(t, "", "busy", "--kill", "--yes", "-c", "-u", busy.URL())
	if code != exitOK || !strings.Contains(errOut, "only it is asked") || !strings.Contains(out, "SCRIPT KILL: killed") {
		t.Fatalf("connected to the busy node: exit %d\n%s%s", code, out, errOut)
	}
	<-done
}
