package batch

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// batchIncr adds ARGV[1] (default 1) to KEYS[1]: the effect tells how
// many times each line ran.
var batchIncr = redisx.NewScript("return redis.call('INCRBY', KEYS[1], ARGV[1] or 1)")

func TestBatchParseLine(t *testing.T) {
	cases := []struct {
		in         string
		keys, args []string
		call       bool
		err        string
	}{
		{in: "", call: false},
		{in: "   \t", call: false},
		{in: "# comment , x", call: false},
		{in: "  # indented comment", call: false},
		{in: "k1 , 5", keys: []string{"k1"}, args: []string{"5"}, call: true},
		{in: "k1 k2\t,  a b\r", keys: []string{"k1", "k2"}, args: []string{"a", "b"}, call: true},
		{in: "k1 k2", keys: []string{"k1", "k2"}, call: true},
		{in: ", a", keys: []string{}, args: []string{"a"}, call: true},
		{in: ",", keys: []string{}, args: []string{}, call: true},
		{in: "k , a , b", keys: []string{"k"}, args: []string{"a", ",", "b"}, call: true},
		{in: `"a key" , "x,y" ","`, keys: []string{"a key"}, args: []string{"x,y", ","}, call: true},
		{in: `"bin\x00\xff" , "line\nbreak" "q\"uote" "back\\slash"`, keys: []string{"bin\x00\xff"}, args: []string{"line\nbreak", `q"uote`, `back\slash`}, call: true},
		{in: `"\u{202e}rtl" , ""`, keys: []string{"\u202ertl"}, args: []string{""}, call: true},
		{in: `k#1 a\x00`, keys: []string{"k#1", `a\x00`}, call: true},
		{in: `k , "unterminated`, call: true, err: "column 5: the quote is never closed"},
		{in: `"a"b , 1`, call: true, err: "column 4: a closing quote must be followed by a space"},
		{in: `"bad\q" , 1`, call: true, err: "column 5: unknown escape \\q"},
		{in: `k , "\x4"`, call: true, err: "column 6: \\x needs two hex digits"},
		{in: `k , "ab" "c\x0g"`, call: true, err: "column 12: \\x0g is not two hex digits"},
	}
	for _, c := range cases {
		keys, args, call, err := ParseLine(c.in)
		if call != c.call {
			t.Errorf("%q: call %v, want %v", c.in, call, c.call)
		}
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if fmt.Sprintf("%q", keys) != fmt.Sprintf("%q", c.keys) && !(len(keys) == 0 && len(c.keys) == 0) {
			t.Errorf("%q: keys %q, want %q", c.in, keys, c.keys)
		}
		if fmt.Sprintf("%q", args) != fmt.Sprintf("%q", c.args) && !(len(args) == 0 && len(c.args) == 0) {
			t.Errorf("%q: args %q, want %q", c.in, args, c.args)
		}
	}
}

func TestBatchCountCalls(t *testing.T) {
	in := "# header\nk1 , 1\n\n  \nk2 , 2\r\n\"k3\" , 3" // no final newline
	n, err := CountCalls(strings.NewReader(in))
	if err != nil || n != 3 {
		t.Fatalf("CountCalls = %d, %v; want 3", n, err)
	}
}

// TestBatchReadReply: the lanes' reply reader tells error replies (and
// their text) from everything else, skips any value whole, and reports a
// reply cut short or not RESP as an error, never as a reply.
func TestBatchReadReply(t *testing.T) {
	type want struct {
		isErr bool
		msg   string
	}
	ok := want{}
	cases := []struct {
		name, in string
		want     []want
	}{
		{"resp2 scalars", "+OK\r\n:12\r\n$3\r\nabc\r\n$-1\r\n*-1\r\n$0\r\n\r\n", []want{ok, ok, ok, ok, ok, ok}},
		{"error replies", "-NOSCRIPT No matching script\r\n!9\r\nERR x\r\ny!\r\n", []want{{true, "NOSCRIPT No matching script"}, {true, "ERR x\r\ny!"}}},
		{"nested", "*3\r\n:1\r\n*2\r\n$1\r\na\r\n-inner\r\n%1\r\n+k\r\n~1\r\n,1.5\r\n+after\r\n", []want{ok, ok}},
		{"resp3 scalars", "_\r\n#t\r\n,3.14\r\n(123456789012345678901\r\n=7\r\ntxt:abc\r\n", []want{ok, ok, ok, ok, ok}},
		{"push before a reply", ">2\r\n+message\r\n$2\r\nhi\r\n-ERR late\r\n", []want{{true, "ERR late"}}},
		{"attribute before a reply", "|1\r\n+key\r\n*1\r\n:1\r\n-ERR annotated\r\n", []want{{true, "ERR annotated"}}},
		{"attribute inside an array", "*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n+next\r\n", []want{ok, ok}},
	}
	for _, c := range cases {
		br := bufio.NewReader(strings.NewReader(c.in))
		for i, w := range c.want {
			isErr, msg, err := readReply(br)
			if err != nil || isErr != w.isErr || msg != w.msg {
				t.Errorf("%s: reply %d = %v %q %v, want %v %q", c.name, i, isErr, msg, err, w.isErr, w.msg)
			}
		}
		if _, _, err := readReply(br); err != io.EOF {
			t.Errorf("%s: after the replies: %v, want EOF", c.name, err)
		}
	}
	for _, bad := range []string{"$5\r\nab", "*2\r\n:1\r\n", "?what\r\n", ":1\n", "$x\r\n", "-ERR cut"} {
		if _, _, err := readReply(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestBatchLatencyHistogram(t *testing.T) {
	var h latHist
	for i := 1; i <= 100; i++ {
		h.add(time.Duration(i)*time.Millisecond, 1)
	}
	s := h.summary()
	near := func(got, want time.Duration) bool {
		d := got - want
		return d >= -want/30 && d <= want/30
	}
	if !near(s.P50, 50*time.Millisecond) || !near(s.P90, 90*time.Millisecond) || !near(s.P99, 99*time.Millisecond) || s.Max != 100*time.Millisecond || s.RoundTrips != 100 {
		t.Errorf("summary %+v", s)
	}
	for _, us := range []uint64{0, 1, 63, 64, 65, 1000, 123456, 1 << 40} {
		i := latBucket(us)
		if latUpper(i) < us || (i > 0 && latUpper(i-1) >= us) {
			t.Errorf("bucket %d of %dµs: upper %d, previous %d", i, us, latUpper(i), latUpper(i-1))
		}
	}
}

// batchLines builds input lines "PREFIX:i , i" for i in [from, to).
func batchLines(prefix string, from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "%s:%d , %d\n", prefix, i, i)
	}
	return b.String()
}

func batchConnect(t *testing.T, network, addr string) *redisx.Session {
	t.Helper()
	s, err := redisx.Connect(context.Background(), redisx.Target{Network: network, Addr: addr, Protocol: 2})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// batchCheckSum checks that the outcomes add up to the lines and the
// nodes' counts to the outcomes.
func batchCheckSum(t *testing.T, r *Report, lines int) {
	t.Helper()
	sum := 0
	for _, n := range r.Outcomes {
		sum += n
	}
	if sum != lines || r.Lines != lines {
		t.Errorf("outcomes %v add up to %d (Lines %d), want %d", r.Outcomes, sum, r.Lines, lines)
	}
	var ok, errs, unknown, notSent int
	for _, n := range r.Nodes {
		ok, errs, unknown, notSent = ok+n.OK, errs+n.Error, unknown+n.Unknown, notSent+n.NotSent
	}
	if ok != r.Outcomes[OK] || errs != r.Outcomes[Error] || unknown != r.Outcomes[Unknown] || notSent != r.Outcomes[NotSent] {
		t.Errorf("nodes %+v do not add up to %v", r.Nodes, r.Outcomes)
	}
}

// batchWaitDone feeds progress to a channel so a test can wait for the
// batch to reach a number of finished lines.
type batchWatch struct {
	mu   sync.Mutex
	last Progress
}

func (w *batchWatch) on(p Progress) {
	w.mu.Lock()
	w.last = p
	w.mu.Unlock()
}

func (w *batchWatch) waitDone(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		done := w.last.Done
		w.mu.Unlock()
		if done >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("batch did not reach %d finished lines", n)
}

type batchRun struct {
	rep *Report
	err error
}

// batchStart runs a batch in the background on a pipe the test feeds.
func batchStart(ctx context.Context, s *redisx.Session, script redisx.Script, opt Options) (*io.PipeWriter, *batchWatch, <-chan batchRun) {
	pr, pw := io.Pipe()
	w, ch := batchStartOn(ctx, s, script, pr, opt)
	return pw, w, ch
}

// batchStartOn runs a batch in the background on input.
func batchStartOn(ctx context.Context, s *redisx.Session, script redisx.Script, pr io.Reader, opt Options) (*batchWatch, <-chan batchRun) {
	w := &batchWatch{}
	opt.OnProgress, opt.ProgressEvery = w.on, 5*time.Millisecond
	ch := make(chan batchRun, 1)
	go func() {
		rep, err := Run(ctx, s, script, pr, opt)
		ch <- batchRun{rep, err}
	}()
	return w, ch
}

func TestBatchStandalone(t *testing.T) {
	srv := sandboxtest.StartT(t)
	s := batchConnect(t, srv.Network(), srv.Addr())
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()

	t.Run("1000 lines ok", func(t *testing.T) {
		rep, err := Run(ctx, s, batchIncr, strings.NewReader(batchLines("a", 0, 1000)), Options{Pipeline: 64})
		if err != nil {
			t.Fatal(err)
		}
		batchCheckSum(t, rep, 1000)
		if rep.Outcomes[OK] != 1000 || rep.FailuresTotal != 0 || rep.ExitCode() != 0 {
			t.Fatalf("report %+v", rep)
		}
		if len(rep.Nodes) != 1 || rep.Nodes[0].Addr != srv.Addr() || rep.Nodes[0].OK != 1000 {
			t.Errorf("nodes %+v", rep.Nodes)
		}
		if rep.Latency.RoundTrips < 1000/64 || rep.Latency.P50 <= 0 || rep.Latency.Max < rep.Latency.P99 || rep.CallsPerSec <= 0 {
			t.Errorf("latency %+v, %v calls/s", rep.Latency, rep.CallsPerSec)
		}
		for i := 0; i < 1000; i++ {
			if v, err := c.Get(ctx, "a:"+strconv.Itoa(i)).Int(); err != nil || v != i {
				t.Fatalf("a:%d = %d, %v; want %d", i, v, err, i)
			}
		}
	})

	t.Run("bad lines and error replies", func(t *testing.T) {
		c.Set(ctx, "str", "not a number", 0)
		c.HSet(ctx, "hash", "f", "v")
		in := "# header\n" +
			"b:1 , 1\n" + // 2
			"\n" +
			"str , 1\n" + // 4: ERR value is not an integer
			"b:2 , \"open\n" + // 5: invalid
			"hash , 1\n" + // 6: WRONGTYPE
			"\"b:\\x00bin\" , 2\n" + // 7: binary key
			"b:3 , \"\\q\"\n" + // 8: invalid escape
			"b:4 , 4" // 9, no final newline
		var mu sync.Mutex
		var seen []Result
		rep, err := Run(ctx, s, batchIncr, strings.NewReader(in), Options{OnResult: func(r Result) {
			mu.Lock()
			seen = append(seen, r)
			mu.Unlock()
		}})
		if err != nil {
			t.Fatal(err)
		}
		batchCheckSum(t, rep, 7)
		if rep.Outcomes[OK] != 3 || rep.Outcomes[Invalid] != 2 || rep.Outcomes[Error] != 2 || rep.ExitCode() != 1 {
			t.Errorf("outcomes %v", rep.Outcomes)
		}
		if len(seen) != 4 || rep.FailuresTotal != 4 || len(rep.Failures) != 4 {
			t.Fatalf("OnResult saw %d, report %d/%d", len(seen), rep.FailuresTotal, len(rep.Failures))
		}
		want := []struct {
			line    int
			outcome Outcome
			class   classify.Class
			msg     string
		}{
			{4, Error, classify.Command, "not an integer"},
			{5, Invalid, "", "never closed"},
			{6, Error, classify.Command, "WRONGTYPE"},
			{8, Invalid, "", "unknown escape"},
		}
		for i, w := range want {
			f := rep.Failures[i] // sorted by line number
			if f.Line != w.line || f.Outcome != w.outcome || f.Class != w.class || !strings.Contains(f.Message, w.msg) {
				t.Errorf("failure %d: %+v, want %+v", i, f, w)
			}
		}
		if v, _ := c.Get(ctx, "b:\x00bin").Int(); v != 2 {
			t.Errorf("binary key = %d, want 2", v)
		}
		if v, _ := c.Get(ctx, "b:4").Int(); v != 4 {
			t.Errorf("last line without newline: b:4 = %d, want 4", v)
		}
		var text strings.Builder
		if err := rep.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"lines     7: ok 3, error 2, invalid 2", "line 6      error     command", "WRONGTYPE"} {
			if !strings.Contains(text.String(), s) {
				t.Errorf("text report lacks %q:\n%s", s, text.String())
			}
		}
	})

	t.Run("NOSCRIPT mid-batch is reloaded and retried once", func(t *testing.T) {
		pw, watch, done := batchStart(ctx, s, batchIncr, Options{Pipeline: 16})
		if _, err := io.WriteString(pw, batchLines("n", 0, 500)); err != nil {
			t.Fatal(err)
		}
		watch.waitDone(t, 500)
		if err := c.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		io.WriteString(pw, batchLines("n", 500, 1000))
		pw.Close()
		r := <-done
		if r.err != nil {
			t.Fatal(r.err)
		}
		batchCheckSum(t, r.rep, 1000)
		if r.rep.Outcomes[OK] != 1000 {
			t.Errorf("outcomes %v", r.rep.Outcomes)
		}
		if r.rep.Retried == 0 || r.rep.Retried > maxInFlight(16, 1)*16 || r.rep.Nodes[0].Retried != r.rep.Retried {
			t.Errorf("retried %d (node %d): want the lines in flight, at most %d pipelines", r.rep.Retried, r.rep.Nodes[0].Retried, maxInFlight(16, 1))
		}
		for i := 0; i < 1000; i++ {
			if v, _ := c.Get(ctx, "n:"+strconv.Itoa(i)).Int(); v != i {
				t.Fatalf("n:%d = %d, want %d: a line ran twice or never", i, v, i)
			}
		}
	})

	t.Run("evalsha-eval falls back to EVAL", func(t *testing.T) {
		c.ScriptFlush(ctx)
		rep, err := Run(ctx, s, batchIncr, strings.NewReader(batchLines("e", 0, 100)), Options{Strategy: redisx.EvalshaEval, Pipeline: 10})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Outcomes[OK] != 100 || rep.Retried < 1 || rep.Retried > maxInFlight(10, 1)*10 {
			t.Errorf("outcomes %v, retried %d (want the lines of the first pipelines in flight, at most %d)", rep.Outcomes, rep.Retried, maxInFlight(10, 1)*10)
		}
	})

	t.Run("dry run sends nothing", func(t *testing.T) {
		if err := c.ConfigResetStat(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		var plan []Result
		rep, err := Run(ctx, s, batchIncr, strings.NewReader(batchLines("d", 0, 50)+"bad \"\n"), Options{DryRun: true, OnResult: func(r Result) { plan = append(plan, r) }})
		if err != nil {
			t.Fatal(err)
		}
		stats, err := c.Info(ctx, "commandstats").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"evalsha", "eval", "script", "evalsha_ro"} {
			if strings.Contains(stats, "cmdstat_"+cmd+":") {
				t.Errorf("dry run sent %s:\n%s", cmd, stats)
			}
		}
		if n, _ := c.Exists(ctx, "d:1").Result(); n != 0 {
			t.Error("dry run ran the script")
		}
		batchCheckSum(t, rep, 51)
		if rep.Outcomes[Skipped] != 50 || rep.Outcomes[Invalid] != 1 || len(plan) != 51 || rep.Nodes[0].Skipped != 50 {
			t.Errorf("outcomes %v, plan %d, nodes %+v", rep.Outcomes, len(plan), rep.Nodes)
		}
		if plan[0].Line != 1 || plan[0].Node != srv.Addr() || plan[0].Outcome != Skipped {
			t.Errorf("plan[0] = %+v", plan[0])
		}
	})

	t.Run("read-only refuses writes per line", func(t *testing.T) {
		rep, err := Run(ctx, s, batchIncr, strings.NewReader(batchLines("ro", 0, 20)), Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Command != "EVALSHA_RO" || rep.Outcomes[Error] != 20 {
			t.Fatalf("command %s, outcomes %v", rep.Command, rep.Outcomes)
		}
		for _, f := range rep.Failures {
			if f.Class != classify.WriteDenied {
				t.Errorf("line %d: class %s (%s), want write_denied", f.Line, f.Class, f.Message)
			}
		}
		if n, _ := c.Exists(ctx, "ro:1").Result(); n != 0 {
			t.Error("a read-only batch wrote")
		}
	})

	t.Run("a script that does not compile stops the batch before any line", func(t *testing.T) {
		_, err := Run(ctx, s, redisx.NewScript("return +"), strings.NewReader("k , 1\n"), Options{})
		if err == nil || classify.ClassifyError(err).Class != classify.Compile {
			t.Fatalf("err %v (class %s), want a compile error", err, classify.ClassifyError(err).Class)
		}
	})

	t.Run("interrupt: in-flight replies awaited, the rest not sent", func(t *testing.T) {
		// 5ms per call: the batch is still going when it is interrupted.
		slow := redisx.NewScript(sandboxtest.SpinLua(5*time.Millisecond) + " return redis.call('INCR', KEYS[1])")
		ictx, cancel := context.WithCancel(ctx)
		defer cancel()
		watch, done := batchStartOn(ictx, s, slow, strings.NewReader(batchLines("i", 0, 400)), Options{Pipeline: 4})
		watch.waitDone(t, 8)
		cancel()
		r := <-done
		if r.err != nil {
			t.Fatal(r.err)
		}
		rep := r.rep
		t.Logf("outcomes %v, stopped after line %d", rep.Outcomes, rep.LastLine)
		if !rep.Stopped || rep.Outcomes[NotSent] == 0 || rep.Outcomes[Unknown] != 0 || rep.Outcomes[OK] < 8 {
			t.Fatalf("stopped %v, outcomes %v", rep.Stopped, rep.Outcomes)
		}
		batchCheckSum(t, rep, rep.Outcomes[OK]+rep.Outcomes[NotSent])
		ran := 0
		for i := 0; i < 400; i++ {
			v, _ := c.Get(ctx, "i:"+strconv.Itoa(i)).Int()
			if v > 1 {
				t.Fatalf("i:%d ran %d times", i, v)
			}
			ran += v
		}
		if ran != rep.Outcomes[OK] {
			t.Errorf("%d lines ran, %d reported ok", ran, rep.Outcomes[OK])
		}
		for _, f := range rep.Failures {
			if f.Outcome != NotSent || f.Attempts != 0 {
				t.Errorf("failure %+v", f)
			}
		}
	})
}

// TestBatchConnectionLost kills the server while a pipeline is in
// flight: the lines without a reply are unknown (never retried, never
// ok) and the lines after them are not sent.
func TestBatchConnectionLost(t *testing.T) {
	srv := sandboxtest.StartT(t)
	s := batchConnect(t, srv.Network(), srv.Addr())
	ctx := context.Background()
	// 30ms per call, so the kill lands inside a pipeline.
	slow := redisx.NewScript(sandboxtest.SpinLua(30*time.Millisecond) + " return redis.call('INCR', KEYS[1])")
	// More lines than the lane keeps in flight (maxInFlight(8, 1) pipelines
	// of 8), so that some are never sent.
	watch, done := batchStartOn(ctx, s, slow, strings.NewReader(batchLines("c", 0, 200)), Options{Pipeline: 8, DownWait: 300 * time.Millisecond})
	watch.waitDone(t, 8)
	time.Sleep(60 * time.Millisecond) // into the second pipeline's 240ms
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	rep := r.rep
	t.Logf("outcomes %v", rep.Outcomes)
	batchCheckSum(t, rep, 200)
	if rep.Outcomes[Unknown] == 0 || rep.Outcomes[Unknown] > maxInFlight(8, 1)*8 || rep.Outcomes[NotSent] == 0 {
		t.Errorf("outcomes %v: want up to %d pipelines (those in flight) unknown and the rest not sent", rep.Outcomes, maxInFlight(8, 1))
	}
	for _, f := range rep.Failures {
		switch f.Outcome {
		case Unknown:
			if f.Attempts != 1 || f.Class != classify.Connection {
				t.Errorf("unknown line %+v: sent once, class connection", f)
			}
		case NotSent:
			if f.Attempts != 0 || f.Class != classify.Connection {
				t.Errorf("not-sent line %+v", f)
			}
		default:
			t.Errorf("unexpected %+v", f)
		}
	}
}

// TestBatchCluster shares one cluster among its subtests; the failover
// comes last because it leaves a node dead.
func TestBatchCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cl := sandboxtest.StartClusterT(t)
	seed := cl.Nodes[0]
	s := batchConnect(t, "tcp", seed.Addr())
	cc := cl.Client()
	defer cc.Close()
	topo, err := s.Topology(ctx)
	if err != nil {
		t.Fatal(err)
	}
	owner := func(key string) string {
		n, _ := topo.Owner(redisx.KeySlot(key))
		return n.Addr
	}
	// count reads a key through the cluster client: how many times its line ran.
	count := func(t *testing.T, key string) int {
		t.Helper()
		v, err := cc.Get(ctx, key).Int()
		if err != nil && err != redis.Nil {
			t.Fatalf("GET %q: %v", key, err)
		}
		return v
	}

	t.Run("crossslot and keyless lines, planned", func(t *testing.T) {
		in := "{u1}:a {u1}:b , 1\n" + // same slot
			"x y , 1\n" + // 2: crossslot
			", 1\n" + // keyless: the seed
			"{u2}:a\n"
		var plan []Result
		rep, err := Run(ctx, s, batchIncr, strings.NewReader(in), Options{DryRun: true, OnResult: func(r Result) { plan = append(plan, r) }})
		if err != nil {
			t.Fatal(err)
		}
		batchCheckSum(t, rep, 4)
		if len(plan) != 4 || rep.Outcomes[CrossSlot] != 1 || rep.Outcomes[Skipped] != 3 {
			t.Fatalf("plan %+v", plan)
		}
		if p := plan[0]; p.Node != owner("{u1}") || p.Slot != redisx.KeySlot("u1") {
			t.Errorf("line 1 planned %+v, owner %s", p, owner("{u1}"))
		}
		if p := plan[1]; p.Line != 2 || p.Outcome != CrossSlot || p.Class != classify.CrossSlot || !strings.Contains(p.Message, "slots") {
			t.Errorf("line 2 %+v", p)
		}
		if p := plan[2]; p.Node != seed.Addr() || p.Slot != -1 {
			t.Errorf("keyless line %+v, want the seed", p)
		}
	})

	t.Run("3000 lines over 3 primaries", func(t *testing.T) {
		in := batchLines("spread", 0, 3000) + "x y , 1\n"
		rep, err := Run(ctx, s, batchIncr, strings.NewReader(in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		batchCheckSum(t, rep, 3001)
		if rep.Outcomes[OK] != 3000 || rep.Outcomes[CrossSlot] != 1 || rep.Failures[0].Line != 3001 {
			t.Fatalf("outcomes %v failures %+v", rep.Outcomes, rep.Failures)
		}
		want := map[string]int{}
		for i := 0; i < 3000; i++ {
			want[owner("spread:"+strconv.Itoa(i))]++
		}
		if len(rep.Nodes) != 3 || len(want) != 3 {
			t.Fatalf("nodes %+v, want %v", rep.Nodes, want)
		}
		for _, n := range rep.Nodes {
			if n.OK != want[n.Addr] {
				t.Errorf("node %s: %d ok, owns %d of the lines", n.Addr, n.OK, want[n.Addr])
			}
		}
		for i := 0; i < 3000; i += 7 {
			if v := count(t, "spread:"+strconv.Itoa(i)); v != i {
				t.Fatalf("spread:%d = %d, want %d", i, v, i)
			}
		}
	})

	t.Run("ASK and MOVED during a slot migration are re-routed", func(t *testing.T) {
		// A tag in a slot of the seed's, moved to another primary mid-batch.
		tag := ""
		for i := 0; tag == ""; i++ {
			if owner(fmt.Sprint("{m", i, "}")) == seed.Addr() {
				tag = fmt.Sprint("m", i)
			}
		}
		slot := redisx.KeySlot(tag)
		var dst redisx.ClusterNode
		for _, n := range topo.Primaries() {
			if n.Addr != seed.Addr() {
				dst = n
				break
			}
		}
		var src redisx.ClusterNode
		for _, n := range topo.Nodes {
			if n.Addr == seed.Addr() {
				src = n
			}
		}
		srcC, dstC := batchClient(t, src.Addr), batchClient(t, dst.Addr)
		keys := func(part string, from, to int) string {
			return batchLines("{"+tag+"}:"+part, from, to)
		}
		pw, watch, done := batchStart(ctx, s, batchIncr, Options{Pipeline: 8})
		io.WriteString(pw, keys("before", 0, 40)+batchLines("other", 0, 40))
		watch.waitDone(t, 80)
		// Migrating: keys not yet on the source get ASK.
		if err := dstC.Do(ctx, "CLUSTER", "SETSLOT", slot, "IMPORTING", src.ID).Err(); err != nil {
			t.Fatal(err)
		}
		if err := srcC.Do(ctx, "CLUSTER", "SETSLOT", slot, "MIGRATING", dst.ID).Err(); err != nil {
			t.Fatal(err)
		}
		io.WriteString(pw, keys("asked", 0, 40))
		watch.waitDone(t, 120)
		// Move the keys written before, then hand the slot over: MOVED.
		for {
			ks, err := srcC.ClusterGetKeysInSlot(ctx, slot, 100).Result()
			if err != nil {
				t.Fatal(err)
			}
			if len(ks) == 0 {
				break
			}
			host, port, _ := net.SplitHostPort(dst.Addr)
			args := []any{"MIGRATE", host, port, "", 0, 5000, "KEYS"}
			for _, k := range ks {
				args = append(args, k)
			}
			if err := srcC.Do(ctx, args...).Err(); err != nil {
				t.Fatal(err)
			}
		}
		for _, a := range []*redis.Client{dstC, srcC} {
			if err := a.Do(ctx, "CLUSTER", "SETSLOT", slot, "NODE", dst.ID).Err(); err != nil {
				t.Fatal(err)
			}
		}
		io.WriteString(pw, keys("moved", 0, 40))
		pw.Close()
		r := <-done
		if r.err != nil {
			t.Fatal(r.err)
		}
		rep := r.rep
		batchCheckSum(t, rep, 160)
		if rep.Outcomes[OK] != 160 {
			t.Fatalf("outcomes %v failures %+v", rep.Outcomes, rep.Failures)
		}
		// Every asked line is redirected (ASK is for one command); after
		// the first MOVED the batch sends the slot's lines to its new owner.
		if rep.Redirected < 41 {
			t.Errorf("redirected %d, want the 40 asked lines and at least one moved", rep.Redirected)
		}
		for _, part := range []string{"before", "asked", "moved"} {
			for i := 0; i < 40; i++ {
				k := "{" + tag + "}:" + part + ":" + strconv.Itoa(i)
				if v := count(t, k); v != i {
					t.Fatalf("%s = %d, want %d", k, v, i)
				}
			}
		}
		topo, _ = s.Topology(ctx) // the slot has moved
	})

	t.Run("failover during a batch", func(t *testing.T) {
		if testing.Short() {
			t.Skip("kills a primary and waits for its replica's promotion (several seconds)")
		}
		// The victim: a primary that is not the seed.
		var victim *sandbox.Server
		for _, p := range topo.Primaries() {
			for _, n := range cl.Nodes {
				if victim == nil && n.Addr() == p.Addr && p.Addr != seed.Addr() {
					victim = n
				}
			}
		}
		if victim == nil {
			t.Fatal("no primary to kill")
		}
		// 5ms per call and 8 calls per pipeline: the victim's worker is
		// nearly always waiting for a pipeline's replies when it dies.
		slow := redisx.NewScript(sandboxtest.SpinLua(5*time.Millisecond) + " return redis.call('INCRBY', KEYS[1], ARGV[1])")
		const total = 1200
		watch, done := batchStartOn(ctx, s, slow, strings.NewReader(batchLines("fo", 1, total+1)),
			Options{Pipeline: 8, DownWait: 60 * time.Second, MaxFailures: total})
		watch.waitDone(t, total/4)
		start := time.Now()
		if err := victim.Kill(); err != nil {
			t.Fatal(err)
		}
		r := <-done
		if r.err != nil {
			t.Fatal(r.err)
		}
		rep := r.rep
		t.Logf("finished %v after the kill: outcomes %v, redirected %d, topology refreshes %d",
			time.Since(start).Round(time.Millisecond), rep.Outcomes, rep.Redirected, rep.TopologyRefreshes)
		batchCheckSum(t, rep, total)
		// A client that never knew the dead node reads the effects.
		var live []string
		for _, a := range cl.Addrs() {
			if a != victim.Addr() {
				live = append(live, a)
			}
		}
		cc = redis.NewClusterClient(&redis.ClusterOptions{Addrs: live})
		defer cc.Close()
		failed := map[int]Result{}
		for _, f := range rep.Failures {
			failed[f.Line] = f
		}
		// Line n is "fo:n , n": the key holds n if it ran once, 0 if never.
		// (A reply and its replication are written in the same event-loop
		// pass, so a kill between the two, a window of microseconds, could
		// lose an acknowledged write: Redis's asynchronous replication.)
		for n := 1; n <= total; n++ {
			v := count(t, "fo:"+strconv.Itoa(n))
			f, bad := failed[n]
			switch {
			case v != 0 && v != n:
				t.Fatalf("fo:%d = %d: line %d ran more than once", n, v, n)
			case !bad && v != n:
				t.Errorf("line %d reported ok but did not run (fo:%d = %d)", n, n, v)
			case bad && f.Outcome != Unknown && v != 0:
				t.Errorf("line %d ended %s but ran", n, f.Outcome)
			}
		}
		// Only the victim's pipelines in flight (maxInFlight at most) are in
		// doubt; every other line reaches a primary, the victim's after the
		// promotion.
		if rep.Outcomes[Unknown] > maxInFlight(8, 1)*8 || rep.Outcomes[OK]+rep.Outcomes[Unknown] != total {
			t.Errorf("outcomes %v: want at most %d pipelines unknown and the rest ok", rep.Outcomes, maxInFlight(8, 1))
		}
		if rep.Redirected == 0 || rep.TopologyRefreshes == 0 {
			t.Error("nothing re-routed")
		}
	})
}

func batchClient(t *testing.T, addr string) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// FuzzBatchParseLine: the parser never panics, the reader's splitter
// (splitWords) reads every line as it does, and any line it accepts,
// written back with every word quoted and escaped, reads the same.
func FuzzBatchParseLine(f *testing.F) {
	for _, s := range []string{"k , 1", `"a b" , "\x00" ","`, `k , "open`, "# c", ", x", `"\u{202e}" k2 , "\\"`, `k a"b , 1`, "k # , \"x\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		keys, args, call, err := ParseLine(line)
		words, sep, call2, err2 := splitWords([]byte(line), nil)
		if call != call2 || fmt.Sprint(err) != fmt.Sprint(err2) {
			t.Fatalf("%q: splitWords call %v err %v, ParseLine call %v err %v", line, call2, err2, call, err)
		}
		if call && err == nil && fmt.Sprintf("%q %q", words[:sep], words[sep:]) != fmt.Sprintf("%q %q", bytesOf(keys), bytesOf(args)) {
			t.Fatalf("%q: splitWords %q %q, ParseLine %q %q", line, words[:sep], words[sep:], keys, args)
		}
		if !call || err != nil {
			return
		}
		quote := func(ws []string) []string {
			out := make([]string, len(ws))
			for i, w := range ws {
				out[i] = resp.Quote([]byte(w))
			}
			return out
		}
		again := strings.Join(append(append(quote(keys), ","), quote(args)...), " ")
		k2, a2, call2, err2 := ParseLine(again)
		if !call2 || err2 != nil || fmt.Sprintf("%q %q", k2, a2) != fmt.Sprintf("%q %q", keys, args) {
			t.Fatalf("%q -> keys %q args %q -> %q -> keys %q args %q (%v)", line, keys, args, again, k2, a2, err2)
		}
	})
}

// bytesOf is ws as byte slices, for comparing with splitWords's words.
func bytesOf(ws []string) [][]byte {
	out := make([][]byte, len(ws))
	for i, w := range ws {
		out[i] = []byte(w)
	}
	return out
}
