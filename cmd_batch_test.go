package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// batchRecords splits --json output into its JSON Lines records.
func batchRecords(t *testing.T, out string) (lines []map[string]any, summary map[string]any) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("not JSON Lines: %v\n%s", err, out)
		}
		switch rec["type"] {
		case "line":
			lines = append(lines, rec)
		case "summary":
			if summary != nil {
				t.Fatalf("two summaries:\n%s", out)
			}
			summary = rec
		default:
			t.Fatalf("record of type %v:\n%s", rec["type"], out)
		}
	}
	if summary == nil {
		t.Fatalf("no summary:\n%s", out)
	}
	return lines, summary
}

func TestBatchCLI(t *testing.T) {
	srv := startSandbox(t)
	u := srv.URL()
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()

	t.Run("text report, all ok", func(t *testing.T) {
		out, errOut, code := cli(t, "", "batch", "-u", u, "testdata/batch/incr.lua", "--input", "testdata/batch/calls.txt")
		if code != exitOK {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		for _, want := range []string{"lines     6: ok 6", "EVALSHA", "latency   p50", "calls/s", srv.Addr()} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.ContainsAny(errOut, "\r\x1b") {
			t.Errorf("progress drawn although stderr is not a terminal: %q", errOut)
		}
		if v, _ := c.Get(ctx, "user:1").Int(); v != 15 {
			t.Errorf("user:1 = %d, want 15", v)
		}
		if v, _ := c.Get(ctx, "user:\x00\xff").Int(); v != 2 {
			t.Errorf("binary key = %d, want 2", v)
		}
	})

	t.Run("json lines: failed lines then the summary", func(t *testing.T) {
		out, errOut, code := cli(t, "", "batch", "--json", "-u", u, "testdata/batch/incr.lua", "--input", "testdata/batch/bad.txt")
		if code != exitErrorReply {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		lines, sum := batchRecords(t, out)
		if len(lines) != 2 {
			t.Fatalf("%d line records:\n%s", len(lines), out)
		}
		byLine := map[float64]map[string]any{}
		for _, l := range lines {
			byLine[l["line"].(float64)] = l
		}
		if l := byLine[3]; l == nil || l["outcome"] != "invalid" || !strings.Contains(l["message"].(string), "never closed") {
			t.Errorf("line 3: %v", l)
		}
		if l := byLine[4]; l == nil || l["outcome"] != "error" || l["class"] != "command" || l["attempts"] != 1.0 {
			t.Errorf("line 4: %v", l)
		}
		outcomes := sum["outcomes"].(map[string]any)
		if sum["lines"] != 4.0 || outcomes["ok"] != 2.0 || outcomes["invalid"] != 1.0 || outcomes["error"] != 1.0 || sum["failures"] != 2.0 {
			t.Errorf("summary %v", sum)
		}
		if lat := sum["latency"].(map[string]any); lat["basis"] != "pipeline round trip" || lat["round_trips"].(float64) < 1 {
			t.Errorf("latency %v", lat)
		}
	})

	t.Run("stdin and -e", func(t *testing.T) {
		out, errOut, code := cli(t, "in:1 , 3\nin:1 , 4\n", "batch", "-u", u, "-e", "return redis.call('incrby', KEYS[1], ARGV[1])", "--input", "-")
		if code != exitOK || !strings.Contains(out, "lines     2: ok 2") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		if v, _ := c.Get(ctx, "in:1").Int(); v != 7 {
			t.Errorf("in:1 = %d, want 7", v)
		}
	})

	t.Run("dry run prints the plan and sends nothing", func(t *testing.T) {
		c.ConfigResetStat(ctx)
		out, errOut, code := cli(t, "dry:1 , 1\ndry:2 , 2\n", "batch", "--dry-run", "-u", u, "testdata/batch/incr.lua", "--input", "-")
		if code != exitOK {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		for _, want := range []string{"line 1      skipped   -> " + srv.Addr(), "line 2 ", "dry run   nothing was sent", "lines     2: skipped 2", "planned"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		// A line that would not be sent is in the plan once, and counted
		// under it, not listed twice.
		out, errOut, code = cli(t, "dry:1 , 1\n\"open , 2\n", "batch", "--dry-run", "-u", u, "testdata/batch/incr.lua", "--input", "-")
		if code == exitOK || strings.Count(out, "line 2 ") != 1 || !strings.Contains(out, "failures  1 line would not be sent") {
			t.Errorf("exit %d, the invalid line in the plan once and counted:\n%s%s", code, out, errOut)
		}
		stats, err := c.Info(ctx, "commandstats").Result()
		if err != nil || !strings.Contains(stats, "cmdstat_") {
			t.Fatalf("INFO commandstats: %v %q", err, stats)
		}
		if strings.Contains(stats, "cmdstat_evalsha") || strings.Contains(stats, "cmdstat_script") {
			t.Errorf("dry run sent a script command:\n%s", stats)
		}
	})

	t.Run("read-only refuses writes", func(t *testing.T) {
		out, _, code := cli(t, "ro:1 , 1\n", "batch", "--ro", "-u", u, "testdata/batch/incr.lua", "--input", "-")
		if code != exitErrorReply || !strings.Contains(out, "write_denied") || !strings.Contains(out, "EVALSHA_RO") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})

	t.Run("a script that does not compile", func(t *testing.T) {
		out, errOut, code := cli(t, "k , 1\n", "batch", "-u", u, "-e", "return +", "--input", "-")
		if code != exitErrorReply || !strings.Contains(out, "class     compile") || !strings.Contains(errOut, "luascope: batch: load the script") {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
	})

	t.Run("exit statuses", func(t *testing.T) {
		cases := []struct {
			name string
			args []string
			code int
		}{
			{"no --input", []string{"batch", "-u", u, "-e", "return 1"}, exitUsage},
			{"no script", []string{"batch", "-u", u, "--input", "testdata/batch/calls.txt"}, exitUsage},
			{"keys on the command line", []string{"batch", "-u", u, "testdata/batch/incr.lua", "k", "--input", "testdata/batch/calls.txt"}, exitUsage},
			{"missing input", []string{"batch", "-u", u, "-e", "return 1", "--input", "/nonexistent/calls.txt"}, exitUsage},
			{"both on stdin", []string{"batch", "-u", u, "-", "--input", "-"}, exitUsage},
			{"pipeline 0", []string{"batch", "-u", u, "-e", "return 1", "--input", "-", "--pipeline", "0"}, exitUsage},
			{"bad strategy", []string{"batch", "-u", u, "-e", "return 1", "--input", "-", "--strategy", "nope"}, exitUsage},
			{"unreachable", []string{"batch", "-h", "127.0.0.1", "-p", freePort(t), "-e", "return 1", "--input", "testdata/batch/calls.txt"}, exitConnection},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				out, errOut, code := cli(t, "", tc.args...)
				if code != tc.code {
					t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
				}
			})
		}
	})
}
