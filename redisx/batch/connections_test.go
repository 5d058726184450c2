package batch

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

// connScript adds ARGV[1] to KEYS[1], or replies an error for "bad".
var connScript = redisx.NewScript("if ARGV[1] == 'bad' then return redis.error_reply('ERR bad line ' .. KEYS[1]) end " +
	"return redis.call('INCRBY', KEYS[1], ARGV[1])")

// connLines is an input whose every line is told apart by its number:
// "{kI}:RUN , I" (the hash tag keeps the slot whatever the run), with an
// error reply every 97th line, an unparsable line every 331st and, when
// cross, a crossslot line every 101st.
func connLines(run string, n int, cross bool) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		switch {
		case i%331 == 0:
			b.WriteString("\"unclosed\n")
		case cross && i%101 == 0:
			fmt.Fprintf(&b, "{a%d}:%s {b%d}:%s , 1\n", i, run, i, run)
		case i%97 == 0:
			fmt.Fprintf(&b, "{k%d}:%s , bad\n", i, run)
		default:
			fmt.Fprintf(&b, "{k%d}:%s , %d\n", i, run, i)
		}
	}
	return b.String()
}

// connRun runs the input with n connections per node and returns the
// report with the run's name taken out of the messages, so runs compare.
func connRun(t *testing.T, s *redisx.Session, run string, lines, conns int, cross bool) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var mu sync.Mutex
	var streamed []Result
	rep, err := Run(ctx, s, connScript, strings.NewReader(connLines(run, lines, cross)), Options{
		Pipeline: 16, Connections: conns, MaxFailures: lines,
		OnResult: func(r Result) {
			mu.Lock()
			streamed = append(streamed, r)
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	batchCheckSum(t, rep, lines)
	if len(streamed) != rep.FailuresTotal || len(rep.Failures) != rep.FailuresTotal {
		t.Errorf("%d connections: %d results streamed, %d kept, %d failures", conns, len(streamed), len(rep.Failures), rep.FailuresTotal)
	}
	for i := range rep.Failures {
		rep.Failures[i].Message = strings.ReplaceAll(rep.Failures[i].Message, run, "RUN")
	}
	return rep
}

// connCompare checks that two reports of the same input say the same:
// outcomes, per-node counts, every failure (line, outcome, class,
// message, node, slot), and no line re-sent.
func connCompare(t *testing.T, one, many *Report, conns int) {
	t.Helper()
	if !reflect.DeepEqual(one.Outcomes, many.Outcomes) {
		t.Errorf("outcomes: 1 connection %v, %d connections %v", one.Outcomes, conns, many.Outcomes)
	}
	if !reflect.DeepEqual(one.Nodes, many.Nodes) {
		t.Errorf("nodes: 1 connection %+v, %d connections %+v", one.Nodes, conns, many.Nodes)
	}
	if !reflect.DeepEqual(one.Failures, many.Failures) {
		t.Errorf("failures differ:\n1: %+v\n%d: %+v", one.Failures, conns, many.Failures)
	}
	if many.Connections != conns || one.Connections != 1 || many.Retried+many.Redirected != 0 {
		t.Errorf("connections %d/%d, retried %d, redirected %d", one.Connections, many.Connections, many.Retried, many.Redirected)
	}
}

// connEffects checks that every line that ended ok ran exactly once in
// both runs: the key of line i holds i.
func connEffects(t *testing.T, get func(key string) (int, error), runs []string, rep *Report, lines int) {
	t.Helper()
	failed := map[int]bool{}
	for _, f := range rep.Failures {
		failed[f.Line] = true
	}
	for i := 1; i <= lines; i++ {
		for _, run := range runs {
			v, err := get("{k" + strconv.Itoa(i) + "}:" + run)
			if err != nil && err != redis.Nil {
				t.Fatal(err)
			}
			want := i
			if failed[i] {
				want = 0
			}
			if v != want {
				t.Fatalf("line %d of run %s: key holds %d, want %d", i, run, v, want)
			}
		}
	}
}

// --connections N on a standalone server: the same report and the same
// effects as one connection, line for line.
func TestBatchConnectionsStandalone(t *testing.T) {
	srv := sandboxtest.StartT(t)
	s := batchConnect(t, srv.Network(), srv.Addr())
	const lines = 5000
	one := connRun(t, s, "one", lines, 1, false)
	if one.Outcomes[OK] == 0 || one.Outcomes[Error] == 0 || one.Outcomes[Invalid] == 0 {
		t.Fatalf("the input should mix outcomes: %v", one.Outcomes)
	}
	for _, n := range []int{2, 8} {
		many := connRun(t, s, "many"+strconv.Itoa(n), lines, n, false)
		connCompare(t, one, many, n)
	}
	c := batchClient(t, srv.Addr())
	connEffects(t, func(k string) (int, error) { return c.Get(context.Background(), k).Int() }, []string{"one", "many2", "many8"}, one, lines)
	// Each lane is a connection of its own, closed when the batch ends.
	if n, _ := c.ClientList(context.Background()).Result(); strings.Count(n, "\n") > 3 {
		t.Errorf("connections left open after the batches:\n%s", n)
	}
}

// --connections N on the 6-node cluster: the same report (per node, per
// failure) and the same effects as one connection per node.
func TestBatchConnectionsCluster(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	ctx := context.Background()
	s, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Cluster: true, Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const lines = 4000
	one := connRun(t, s, "one", lines, 1, true)
	if one.Outcomes[CrossSlot] == 0 || one.Outcomes[Error] == 0 || len(one.Nodes) != 3 {
		t.Fatalf("the input should mix outcomes over 3 primaries: %v %+v", one.Outcomes, one.Nodes)
	}
	many := connRun(t, s, "many", lines, 4, true)
	connCompare(t, one, many, 4)
	cc := cl.Client()
	defer cc.Close()
	connEffects(t, func(k string) (int, error) { return cc.Get(ctx, k).Int() }, []string{"one", "many"}, one, lines)
}

// A server that closes idle connections (its `timeout`) while the input
// pauses: the lanes notice before writing and dial again, so the lines
// after the pause run and end ok, rather than unknown on a dead socket.
func TestBatchIdleLaneClosedByServer(t *testing.T) {
	srv := sandboxtest.StartT(t, "timeout 1")
	s := batchConnect(t, srv.Network(), srv.Addr())
	ctx := context.Background()
	pw, watch, done := batchStart(ctx, s, batchIncr, Options{Pipeline: 8, Connections: 2})
	if _, err := io.WriteString(pw, batchLines("idle", 0, 40)); err != nil {
		t.Fatal(err)
	}
	watch.waitDone(t, 40)
	paused := time.Now()
	// The server's cron closes connections idle for over 1s, when it gets
	// to them: wait until it has closed the lanes (their last command was
	// EVALSHA), not for a fixed time, which a loaded machine outran.
	c := redis.NewClient(&redis.Options{Network: srv.Network(), Addr: srv.Addr(), DisableIdentity: true})
	defer c.Close()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		list, err := c.ClientList(ctx).Result()
		if err == nil && !strings.Contains(list, "cmd=evalsha") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not close the idle lanes in 20s: %v\n%s", err, list)
		}
	}
	time.Sleep(idleCheck + 100*time.Millisecond - time.Since(paused)) // the lanes idle long enough to be checked
	if _, err := io.WriteString(pw, batchLines("idle", 40, 80)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	batchAllOK(t, done, 80)
}

// A lane still reading replies after its handshake's deadline (dial
// timeout + handshakeGrace, 15s by default) must not time out: go-redis
// leaves that deadline on the socket, and every batch longer than it
// used to end its last lines unknown ("i/o timeout"). The input pauses
// for less than the idle check, so nothing else moves the deadline.
func TestBatchLaneOutlivesHandshakeDeadline(t *testing.T) {
	srv := sandboxtest.StartT(t)
	s, err := redisx.Connect(context.Background(), redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2, DialTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old := handshakeGrace
	handshakeGrace = 200 * time.Millisecond // the handshake's deadline: 300ms after the dial
	defer func() { handshakeGrace = old }()
	ctx := context.Background()
	pw, watch, done := batchStart(ctx, s, batchIncr, Options{Pipeline: 8})
	for i := range 4 {
		if _, err := io.WriteString(pw, batchLines("hs", 20*i, 20*(i+1))); err != nil {
			t.Fatal(err)
		}
		watch.waitDone(t, 20*(i+1))
		time.Sleep(250 * time.Millisecond) // under idleCheck: the lane is not checked, nor its deadline moved
	}
	pw.Close()
	batchAllOK(t, done, 80)
}

// batchAllOK waits for the batch's report and checks that all n lines
// ended ok.
func batchAllOK(t *testing.T, done <-chan batchRun, n int) {
	t.Helper()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	batchCheckSum(t, r.rep, n)
	if r.rep.Outcomes[OK] != n {
		t.Errorf("outcomes %v, failures %+v: want every line ok", r.rep.Outcomes, r.rep.Failures)
	}
}

// TestMaxInFlight: about 512 calls queued per node, two to eight
// pipelines a lane: the lines in doubt after a broken connection.
func TestMaxInFlight(t *testing.T) {
	for _, c := range []struct{ pipeline, conns, want int }{
		{64, 1, 8}, {16, 1, 8}, {1, 1, 8}, {128, 1, 4}, {256, 1, 2}, {1000, 1, 2},
		{64, 2, 4}, {64, 8, 2}, {64, 50, 2}, {8, 50, 2}, {64, 0, 8},
	} {
		if got := maxInFlight(c.pipeline, c.conns); got != c.want {
			t.Errorf("maxInFlight(%d, %d) = %d, want %d", c.pipeline, c.conns, got, c.want)
		}
	}
}
