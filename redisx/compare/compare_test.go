package compare_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/compare"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// run runs src on a real server over RESP protocol and returns the
// report, as `luascope run --json` would print it.
func run(t *testing.T, srv *sandbox.Server, protocol int, call redisx.Call) redisx.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := redisx.Connect(ctx, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: protocol})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if call.Strategy == "" {
		call.Strategy = redisx.EvalshaLoad
	}
	res := s.Run(ctx, call, nil)
	if res.ClientErr != nil {
		t.Fatalf("run: %v", res.ClientErr)
	}
	return redisx.NewReport(s, call, res)
}

func script(src string, keys ...string) redisx.Call {
	return redisx.Call{Script: redisx.NewScript(src), Keys: keys}
}

// evalOnly is call sent with EVAL, one round trip whatever the script
// cache holds, for tests that run twice on one server.
func evalOnly(call redisx.Call) redisx.Call {
	call.Strategy = redisx.EvalOnly
	return call
}

// one returns the only difference, failing the test otherwise.
func one(t *testing.T, diffs []compare.Difference) compare.Difference {
	t.Helper()
	if len(diffs) != 1 {
		t.Fatalf("want one difference, got %d: %+v", len(diffs), diffs)
	}
	return diffs[0]
}

func TestSameScriptAgrees(t *testing.T) {
	srvA, srvB := sandboxtest.StartT(t), sandboxtest.StartT(t)
	call := script("redis.call('set', KEYS[1], 'v'); return {1, 'two', {3.5, redis.status_reply('OK')}, false}", "k")
	call.Effects = true
	a, b := run(t, srvA, 2, call), run(t, srvB, 2, call)
	if d := compare.Compare([]compare.Run{{"a", a}, {"b", b}}); len(d) != 0 {
		t.Fatalf("the same run twice differs: %+v", d)
	}
}

// A table with a double field is a bulk string on RESP2 and a double on
// RESP3: one typed difference at the reply itself, with each side's type.
func TestDoubleRESP2AgainstRESP3(t *testing.T) {
	srv := sandboxtest.StartT(t)
	call := evalOnly(script("return {double=3.9}"))
	r2, r3 := run(t, srv, 2, call), run(t, srv, 3, call)
	d := one(t, compare.Compare([]compare.Run{{"resp2", r2}, {"resp3", r3}}))
	if d.Path != "reply" {
		t.Errorf("path = %q, want reply", d.Path)
	}
	if !strings.HasPrefix(d.Values["resp2"], "(bulk) \"3.") {
		t.Errorf("RESP2 value = %q, want a bulk string", d.Values["resp2"])
	}
	if !strings.HasPrefix(d.Values["resp3"], "(double) 3.") {
		t.Errorf("RESP3 value = %q, want a double", d.Values["resp3"])
	}
}

// The nested node is named by its path; the same items around it agree.
func TestNestedPathRESP2AgainstRESP3(t *testing.T) {
	srv := sandboxtest.StartT(t)
	call := evalOnly(script("return {1, {'a', {double=0.5}}, 'z'}"))
	r2, r3 := run(t, srv, 2, call), run(t, srv, 3, call)
	d := one(t, compare.Compare([]compare.Run{{"resp2", r2}, {"resp3", r3}}))
	if d.Path != "reply[2][2]" {
		t.Errorf("path = %q, want reply[2][2]", d.Path)
	}
	if d.Values["resp2"] != `(bulk) "0.5"` || d.Values["resp3"] != "(double) 0.5" {
		t.Errorf("values = %q", d.Values)
	}
}

// The same script reads a key set up differently on two servers: value
// differences at the items that differ, and the missing item as absent.
func TestKeySetUpDifferently(t *testing.T) {
	a, b := sandboxtest.StartT(t), sandboxtest.StartT(t)
	ctx := context.Background()
	ca, cb := a.Client(), b.Client()
	defer ca.Close()
	defer cb.Close()
	if err := ca.RPush(ctx, "l", "x", "y").Err(); err != nil {
		t.Fatal(err)
	}
	if err := cb.RPush(ctx, "l", "x", "Y\x1b[2J", "z").Err(); err != nil {
		t.Fatal(err)
	}
	call := script("return redis.call('lrange', KEYS[1], 0, -1)", "l")
	call.Effects = true
	diffs := compare.Compare([]compare.Run{{"a", run(t, a, 2, call)}, {"b", run(t, b, 2, call)}})
	got := map[string]map[string]string{}
	for _, d := range diffs {
		got[d.Path] = d.Values
	}
	if v := got["reply[2]"]; v["a"] != `(bulk) "y"` || v["b"] != `(bulk) "Y\x1b[2J"` {
		t.Errorf("reply[2] = %q (the escape must be escaped)", v)
	}
	if v := got["reply[3]"]; v["a"] != compare.Absent || v["b"] != `(bulk) "z"` {
		t.Errorf("reply[3] = %q", v)
	}
	if _, ok := got["reply[1]"]; ok {
		t.Errorf("reply[1] agrees but is reported: %v", got)
	}
	if v, ok := got["key l"]; !ok || !strings.Contains(v["a"], "size 2") || !strings.Contains(v["b"], "size 3") {
		t.Errorf("key l = %q, want each side's list size", v)
	}
	for _, d := range diffs {
		for _, v := range d.Values {
			if strings.ContainsRune(v, 0x1b) {
				t.Errorf("%s: raw escape in %q", d.Path, v)
			}
		}
	}
}

// An error on one server and not on the other is one difference,
// "error", and the replies (an integer, an error) another.
func TestErrorOnOneOnly(t *testing.T) {
	a, b := sandboxtest.StartT(t), sandboxtest.StartT(t)
	ctx := context.Background()
	cb := b.Client()
	defer cb.Close()
	if err := cb.HSet(ctx, "k", "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	call := script("return redis.call('incr', KEYS[1])", "k")
	diffs := compare.Compare([]compare.Run{{"a", run(t, a, 2, call)}, {"b", run(t, b, 2, call)}})
	got := map[string]map[string]string{}
	for _, d := range diffs {
		got[d.Path] = d.Values
	}
	if v := got["error"]; v["a"] != "(no error)" || !strings.Contains(v["b"], "WRONGTYPE") {
		t.Errorf("error = %q", v)
	}
	if v := got["reply"]; v["a"] != "(integer) 1" || !strings.HasPrefix(v["b"], "(error) WRONGTYPE") {
		t.Errorf("reply = %q", v)
	}
}

// Errors on both: the class and the text are compared apart, so two
// texts of one class read as one difference.
func TestErrorTextsDiffer(t *testing.T) {
	srv := sandboxtest.StartT(t)
	call := evalOnly(script("return redis.error_reply('ERR ' .. redis.call('get', KEYS[1]))", "k"))
	c := srv.Client()
	defer c.Close()
	c.Set(context.Background(), "k", "one", 0)
	a := run(t, srv, 2, call)
	c.Set(context.Background(), "k", "two", 0)
	b := run(t, srv, 2, call)
	d := one(t, compare.Compare([]compare.Run{{"a", a}, {"b", b}}))
	if d.Path != "error.text" || d.Values["a"] != "ERR one" || d.Values["b"] != "ERR two" {
		t.Errorf("got %+v", d)
	}
}

// A run whose script is already cached takes one round trip, a fresh
// one three (NOSCRIPT, SCRIPT LOAD, EVALSHA): the steps differ.
func TestStepsDiffer(t *testing.T) {
	warm, cold := sandboxtest.StartT(t), sandboxtest.StartT(t)
	call := script("return 1")
	run(t, warm, 2, call)
	diffs := compare.Compare([]compare.Run{{"warm", run(t, warm, 2, call)}, {"cold", run(t, cold, 2, call)}})
	got := map[string]map[string]string{}
	for _, d := range diffs {
		got[d.Path] = d.Values
	}
	if v := got["step 1"]; !strings.HasPrefix(v["warm"], "ok EVALSHA") || !strings.HasPrefix(v["cold"], "noscript EVALSHA") || !strings.Contains(v["cold"], "NOSCRIPT") {
		t.Errorf("step 1 = %q", v)
	}
	if v := got["step 3"]; v["warm"] != compare.Absent || !strings.HasPrefix(v["cold"], "ok EVALSHA") {
		t.Errorf("step 3 = %q", v)
	}
	if _, ok := got["reply"]; ok {
		t.Errorf("the replies agree: %v", got)
	}
}

// RESP3 maps are compared by key, so a value is named by its key.
func TestMapByKey(t *testing.T) {
	a, b := sandboxtest.StartT(t), sandboxtest.StartT(t)
	ctx := context.Background()
	ca, cb := a.Client(), b.Client()
	defer ca.Close()
	defer cb.Close()
	ca.HSet(ctx, "h", "f", "1", "g", "2")
	cb.HSet(ctx, "h", "f", "1", "g", "3")
	// HGETALL on RESP3 inside a script is a map only through a Lua
	// table with map semantics: redis.setresp(3) turns it into one.
	call := script("redis.setresp(3); return redis.call('hgetall', KEYS[1])", "h")
	diffs := compare.Compare([]compare.Run{{"a", run(t, a, 3, call)}, {"b", run(t, b, 3, call)}})
	d := one(t, diffs)
	if d.Path != `reply{"g"}` || d.Values["a"] != `(bulk) "2"` || d.Values["b"] != `(bulk) "3"` {
		t.Errorf("got %+v", d)
	}
}

func TestFewerThanTwoRuns(t *testing.T) {
	if d := compare.Compare(nil); d != nil {
		t.Fatal(d)
	}
}

// A table lists every path, the ones that agree too, in the order
// Compare reports, and marks the ones that differ.
func TestTableListsAgreeingRows(t *testing.T) {
	a, b := sandboxtest.StartT(t), sandboxtest.StartT(t)
	ctx := context.Background()
	ca, cb := a.Client(), b.Client()
	defer ca.Close()
	defer cb.Close()
	ca.Set(ctx, "k", "1", 0)
	cb.Set(ctx, "k", "2", 0)
	call := evalOnly(script("return {1, redis.call('get', KEYS[1]), {}, 'same'}", "k"))
	runs := []compare.Run{{"a", run(t, a, 2, call)}, {"b", run(t, b, 2, call)}}
	rows, dropped, diffs := compare.Table(runs, 0)
	var got []string
	for _, r := range rows {
		mark := " "
		if r.Differs {
			mark = "≠"
		}
		got = append(got, mark+" "+r.Path+" "+strings.Join(r.Values, " | "))
	}
	want := []string{
		"  reply[1] (integer) 1 | (integer) 1",
		`≠ reply[2] (bulk) "1" | (bulk) "2"`,
		"  reply[3] array[0] | array[0]",
		`  reply[4] (bulk) "same" | (bulk) "same"`,
	}
	if dropped != 0 || diffs != 1 || len(got) < len(want) || strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Fatalf("dropped %d, differences %d, rows:\n%s", dropped, diffs, strings.Join(got, "\n"))
	}
	// Then the one step, which agrees.
	if last := rows[len(rows)-1]; last.Path != "step 1" || last.Differs || !strings.HasPrefix(last.Values[0], "ok EVAL ") {
		t.Errorf("last row %+v", last)
	}
	if n := len(compare.Compare(runs)); n != diffs {
		t.Errorf("Compare finds %d differences, Table %d", n, diffs)
	}
}

// A huge reply makes a bounded table: rows that agree stop at the bound,
// the first differences past it are still kept, and all are counted.
func TestTableBound(t *testing.T) {
	a, b := sandboxtest.StartT(t), sandboxtest.StartT(t)
	src := "local t = {} for i = 1, 5000 do t[i] = i end if redis.call('exists', 'odd') == 1 then for i = 4001, 5000 do t[i] = -i end end return t"
	b.Client().Set(context.Background(), "odd", "1", 0)
	call := evalOnly(script(src))
	runs := []compare.Run{{"a", run(t, a, 2, call)}, {"b", run(t, b, 2, call)}}
	rows, dropped, diffs := compare.Table(runs, 300)
	if diffs != 1000 {
		t.Errorf("differences %d, want 1000", diffs)
	}
	if len(rows) != 600 || dropped != 5001-600 {
		t.Errorf("%d rows, %d dropped; want 600 and %d", len(rows), dropped, 5001-600)
	}
	if r := rows[300]; r.Path != "reply[4001]" || !r.Differs {
		t.Errorf("row 300 is %+v, want the first difference", r)
	}
}

// Two runs that time out alike read alike: the error's text and the
// failed step name each run's own ports (read tcp 127.0.0.1:A->
// 127.0.0.1:B: i/o timeout), which are not compared, in the differences
// and in the table alike.
func TestCompareClientErrorAddresses(t *testing.T) {
	spin := evalOnly(script(sandboxtest.SpinLua(time.Second) + " return 1"))
	timedOut := func(srv *sandbox.Server) redisx.Report {
		ctx := context.Background()
		s, err := redisx.Connect(ctx, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2, Timeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		res := s.Run(ctx, spin, nil)
		if res.ClientErr == nil {
			t.Fatalf("no timeout: %+v", res)
		}
		return redisx.NewReport(s, spin, res)
	}
	a, b := timedOut(sandboxtest.StartT(t)), timedOut(sandboxtest.StartT(t))
	if a.Error.Message == b.Error.Message || !strings.Contains(a.Error.Message, "127.0.0.1:") {
		t.Fatalf("the texts should differ by their ports: %q %q", a.Error.Message, b.Error.Message)
	}
	runs := []compare.Run{{"a", a}, {"b", b}}
	if d := compare.Compare(runs); len(d) != 0 {
		t.Errorf("differences by address only: %+v", d)
	}
	rows, _, n := compare.Table(runs, 0)
	if n != 0 {
		t.Errorf("the table counts %d differences: %+v", n, rows)
	}
	found := false
	for _, r := range rows {
		if r.Path == "error.text" {
			found = true
			if r.Values[0] != "read tcp "+compare.Addr+"->"+compare.Addr+": i/o timeout" {
				t.Errorf("error.text %q", r.Values[0])
			}
		}
	}
	if !found {
		t.Errorf("no error.text row: %+v", rows)
	}
	// A server's own reply is never rewritten: an address it returns is
	// what the script returned.
	srv := sandboxtest.StartT(t)
	x := run(t, srv, 2, evalOnly(script("return redis.error_reply('at 127.0.0.1:1')")))
	y := run(t, srv, 2, evalOnly(script("return redis.error_reply('at 127.0.0.1:2')")))
	if d := compare.Compare([]compare.Run{{"x", x}, {"y", y}}); len(d) == 0 {
		t.Error("two replies naming other ports compared equal")
	}
}

func TestCompareLocalText(t *testing.T) {
	for in, want := range map[string]string{
		"read tcp 127.0.0.1:46944->127.0.0.1:46151: i/o timeout":    "read tcp <addr>-><addr>: i/o timeout",
		"dial tcp [::1]:6379: connect: connection refused":          "dial tcp <addr>: connect: connection refused",
		"dial unix /tmp/lsbx-123/redis.sock: connect: no such file": "dial unix <addr>: connect: no such file",
		"write tcp localhost:1234->localhost:80: broken pipe":       "write tcp <addr>-><addr>: broken pipe",
		"refused: read-only mode cannot write (FUNCTION LOAD)":      "refused: read-only mode cannot write (FUNCTION LOAD)",
	} {
		if got := compare.LocalText(in); got != want {
			t.Errorf("LocalText(%q) = %q, want %q", in, got, want)
		}
	}
}
