package batch

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
	"luascope/redisx/classify"
)

// workerFor returns (starting on first use) the worker of a node.
func (b *batch) workerFor(addr string) (*worker, error) {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if w, ok := b.workers[addr]; ok {
		return w, nil
	}
	c, err := b.s.NodeClient(addr)
	if err != nil {
		return nil, err
	}
	w := &worker{b: b, addr: addr, client: c, inbox: make(chan []*bline, 2), wake: make(chan struct{}, 1)}
	b.workers[addr] = w
	b.wg.Add(1)
	go w.run()
	return w, nil
}

// smallInts are numkeys values boxed once: each line's command is built
// in the hot path, and boxing a string allocates.
var smallInts = func() (a [16]any) {
	for i := range a {
		a[i] = strconv.Itoa(i)
	}
	return a
}()

// command is the EVALSHA (or EVAL) for a line.
func (b *batch) command(l *bline) []any {
	args := make([]any, 0, 3+len(l.keys)+len(l.args))
	if b.opt.Strategy == redisx.EvalOnly || l.useEval {
		args = append(args, b.evalHead[0], b.evalHead[1])
	} else {
		args = append(args, b.shaHead[0], b.shaHead[1])
	}
	if n := len(l.keys); n < len(smallInts) {
		args = append(args, smallInts[n])
	} else {
		args = append(args, strconv.Itoa(n))
	}
	for _, k := range l.keys {
		args = append(args, k)
	}
	for _, a := range l.args {
		args = append(args, a)
	}
	return args
}

// classifyReply classifies an error reply to a line's script.
func (b *batch) classifyReply(msg string) classify.Classification {
	c := classify.Classify(msg)
	if c.Class == classify.Arguments {
		// luascope computes numkeys itself, so EVALSHA's own arguments are
		// right: the error came from a command the script called (see Run).
		c.Class, c.Source = classify.Command, classify.SourceRedisCall
	}
	return c
}

// worker sends one node's lines, a pipeline at a time.
type worker struct {
	b      *batch
	addr   string
	client *redis.Client
	inbox  chan []*bline // chunks from the reader, bounded

	mu    sync.Mutex
	retry []*bline // re-sends and lines from other workers, sent first
	wake  chan struct{}

	// Owned by the worker's goroutine.
	carry     []*bline // the rest of a chunk that did not fit the last pipeline
	loaded    bool
	downSince time.Time
	dead      bool
	lastErr   error
	backoff   time.Duration
}

// push hands the worker a line from another worker (or itself). The list
// is not bounded, but it only ever holds lines that were in flight, so
// at most a pipeline per node; a bounded channel here could deadlock two
// workers handing lines to each other.
func (w *worker) push(ls ...*bline) {
	if len(ls) == 0 {
		return
	}
	w.mu.Lock()
	w.retry = append(w.retry, ls...)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *worker) run() {
	defer w.b.wg.Done()
	for {
		lines := w.collect()
		if lines == nil {
			return
		}
		b := w.b
		if b.isStopped() {
			for _, l := range lines {
				b.finish(l, Result{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: NotSent, Message: "interrupted before it was sent"})
			}
			continue
		}
		if w.dead {
			w.unreachable(lines, w.lastErr)
			continue
		}
		if !w.loaded && b.preload {
			if !w.load(lines) {
				continue
			}
		}
		w.roundTrip(lines)
	}
}

func (b *batch) isStopped() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopped
}

// collect waits for lines and takes up to a pipeline's worth: re-sends
// first, then what the reader has queued. nil means the batch is done.
func (w *worker) collect() []*bline {
	n := w.b.opt.Pipeline
	out := make([]*bline, 0, n)
	take := func(from []*bline) []*bline {
		k := min(n-len(out), len(from))
		out = append(out, from[:k]...)
		return from[k:]
	}
	for {
		w.mu.Lock()
		rest := take(w.retry)
		w.retry = append(w.retry[:0], rest...)
		w.mu.Unlock()
		w.carry = take(w.carry)
	drain:
		for len(out) < n {
			select {
			case ch := <-w.inbox:
				w.carry = take(ch)
			default:
				break drain
			}
		}
		if len(out) > 0 {
			return out
		}
		select {
		case ch := <-w.inbox:
			w.carry = ch
		case <-w.wake:
		case <-w.b.done:
			return nil
		}
	}
}

// load sends SCRIPT LOAD before the first pipeline (and after NOSCRIPT or
// a reconnect). false means the lines were dealt with otherwise.
func (w *worker) load(lines []*bline) bool {
	b := w.b
	err := w.client.ScriptLoad(b.execCtx, b.script.Source).Err()
	switch {
	case err == nil:
		w.loaded = true
		return true
	case isRedisError(err) && !transientError(err.Error()):
		c := classify.ClassifyError(err)
		for _, l := range lines {
			b.finish(l, Result{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: Error, Class: c.Class,
				Message: "SCRIPT LOAD failed, not sent: " + err.Error()})
		}
	default:
		w.unreachable(lines, err)
	}
	return false
}

// roundTrip sends one pipeline and settles or re-queues each line.
func (w *worker) roundTrip(lines []*bline) {
	b := w.b
	all := make([]*redis.Cmd, 0, len(lines))
	queued := make([]redis.Cmder, 0, len(lines))
	idx := make([]int, len(lines))
	for i, l := range lines {
		if l.asking {
			a := redis.NewCmd(b.execCtx, "ASKING")
			all, queued = append(all, a), append(queued, a)
			l.asking = false
		}
		if l.cmd == nil {
			l.cmd = redis.NewCmd(b.execCtx, b.command(l)...)
		}
		idx[i] = len(all)
		all, queued = append(all, l.cmd), append(queued, l.cmd)
		l.cmd = nil // a command is used once; a retry builds its own
	}
	pipe := w.client.Pipeline()
	_ = pipe.BatchProcess(b.execCtx, queued...)
	start := time.Now()
	_, err := pipe.Exec(b.execCtx)
	rt := time.Since(start)
	got := repliedPrefix(all)
	if got == 0 && err != nil && (isDialError(err) || isRedisError(err)) {
		// Nothing was written: no connection, or its handshake (AUTH,
		// HELLO, SELECT) failed. The lines did not run.
		w.unreachable(lines, err)
		return
	}
	w.downSince, w.backoff = time.Time{}, 0

	var okN int
	var noscript, transient []*bline
	type redirect struct {
		l    *bline
		kind string
		slot int
		addr string
		msg  string
	}
	var redirects []redirect
	var final []Result
	var finalLines []*bline
	fail := func(l *bline, res Result) {
		res.Line, res.Slot, res.Node = l.n, l.slot, w.addr
		finalLines, final = append(finalLines, l), append(final, res)
	}
	for i, l := range lines {
		l.attempts++
		if idx[i] >= got {
			c := classify.ClassifyError(err)
			fail(l, Result{Outcome: Unknown, Class: c.Class, Message: "no reply, the script may have run: " + errString(err)})
			continue
		}
		e := all[idx[i]].Err()
		if e == nil || errors.Is(e, redis.Nil) || !isRedisError(e) {
			okN++
			continue
		}
		msg := e.Error()
		switch {
		case strings.HasPrefix(msg, "NOSCRIPT"):
			noscript = append(noscript, l)
		case b.cluster && (strings.HasPrefix(msg, "MOVED ") || strings.HasPrefix(msg, "ASK ")):
			kind, slot, addr, ok := redisx.ParseRedirect(msg)
			if !ok {
				c := b.classifyReply(msg)
				fail(l, Result{Outcome: Error, Class: c.Class, Message: msg})
				continue
			}
			redirects = append(redirects, redirect{l, kind, slot, addr, msg})
		case transientError(msg):
			transient = append(transient, l)
		default:
			c := b.classifyReply(msg)
			fail(l, Result{Outcome: Error, Class: c.Class, Message: msg})
		}
	}
	b.mu.Lock()
	if got > 0 {
		b.lat.add(rt, got)
	}
	if okN > 0 {
		b.counts[OK] += okN
		b.nodeLocked(w.addr).OK += okN
		b.pending -= okN
	}
	for i, res := range final {
		b.finishLocked(finalLines[i], res)
	}
	b.checkDoneLocked()
	b.mu.Unlock()

	if len(noscript) > 0 {
		w.noScript(noscript)
	}
	if len(redirects) > 0 {
		refreshed := false
		for _, r := range redirects {
			l := r.l
			l.redirects++
			if l.redirects > redisx.MaxRedirects {
				c := b.classifyReply(r.msg)
				b.finish(l, Result{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: Error, Class: c.Class,
					Message: fmt.Sprintf("still redirected after %d redirects: %s", redisx.MaxRedirects, r.msg)})
				continue
			}
			if r.kind == "MOVED" {
				b.learn(r.slot, r.addr)
				if !refreshed {
					b.refresh()
					refreshed = true
				}
			} else {
				l.asking = true
			}
			w.forward(l, r.addr)
		}
	}
	if len(transient) > 0 {
		w.wait(transient, nil)
	}
}

// noScript re-queues lines that got NOSCRIPT: the script did not run.
func (w *worker) noScript(lines []*bline) {
	b := w.b
	var again []*bline
	for _, l := range lines {
		l.noscripts++
		if l.noscripts > maxNoScript {
			b.finish(l, Result{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: Error, Class: classify.NoScript,
				Message: fmt.Sprintf("NOSCRIPT after %d reloads: the script cache keeps being emptied", maxNoScript)})
			continue
		}
		if b.opt.Strategy == redisx.EvalshaEval {
			l.useEval = true
		}
		again = append(again, l)
	}
	if len(again) == 0 {
		return
	}
	w.loaded = false
	b.mu.Lock()
	b.retried += len(again)
	b.nodeLocked(w.addr).Retried += len(again)
	b.mu.Unlock()
	w.push(again...)
}

// forward hands a line to the worker of addr; it had not run here.
func (w *worker) forward(l *bline, addr string) {
	b := w.b
	if addr == w.addr {
		w.push(l)
		return
	}
	to, err := b.workerFor(addr)
	if err != nil {
		b.finish(l, Result{Line: l.n, Slot: l.slot, Node: addr, Outcome: NotSent, Class: classify.Connection, Message: err.Error()})
		return
	}
	b.mu.Lock()
	b.redirect++
	b.nodeLocked(w.addr).Redirected++
	b.mu.Unlock()
	to.push(l)
}

// unreachable deals with lines that were not written because the node
// did not answer (err): they wait, at most DownWait from the first
// failure, for the node to come back or for the topology to name another
// owner (a failover); then they end as not sent.
func (w *worker) unreachable(lines []*bline, err error) {
	b := w.b
	w.loaded = false
	if err != nil {
		w.lastErr = err
	}
	if w.downSince.IsZero() {
		w.downSince = time.Now()
	}
	if !w.dead && time.Since(w.downSince) >= b.opt.DownWait {
		w.dead = true
	}
	w.wait(lines, w.lastErr)
}

// wait backs off, reads the topology again and re-routes lines that did
// not run: to their slot's new owner, or back into this worker's queue.
// Lines that have waited longer than DownWait end as not sent (err set:
// unreachable) or as errors (a transient error reply, e.g. CLUSTERDOWN).
func (w *worker) wait(lines []*bline, err error) {
	b := w.b
	now := time.Now()
	for _, l := range lines {
		if l.waitSince.IsZero() {
			l.waitSince = now
		}
	}
	if !w.dead {
		w.backoff = min(max(2*w.backoff, 50*time.Millisecond), time.Second)
		if !b.sleep(w.backoff) {
			w.giveUp(lines, err, "interrupted before it was sent")
			return
		}
	}
	b.refresh()
	var stay []*bline
	for _, l := range lines {
		if addr := b.route(l); addr != w.addr {
			w.forward(l, addr)
			continue
		}
		if w.dead || time.Since(l.waitSince) >= b.opt.DownWait {
			w.giveUp([]*bline{l}, err, "")
			continue
		}
		stay = append(stay, l)
	}
	w.push(stay...)
}

// giveUp ends lines that could not be sent (err) or kept getting a
// transient error reply.
func (w *worker) giveUp(lines []*bline, err error, why string) {
	b := w.b
	for _, l := range lines {
		res := Result{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: NotSent}
		switch {
		case why != "":
			res.Message = why
		case err != nil:
			res.Class = classify.ClassifyError(err).Class
			res.Message = fmt.Sprintf("not sent: %s did not answer for %s: %s", w.addr, b.opt.DownWait, errString(err))
		default:
			res.Outcome, res.Class = Error, classify.ClusterDown
			res.Message = fmt.Sprintf("refused for %s (CLUSTERDOWN, TRYAGAIN or LOADING); the script did not run", b.opt.DownWait)
		}
		b.finish(l, res)
	}
}

// sleep waits d unless the batch is stopped first (false).
func (b *batch) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-b.ctx.Done():
		return false
	}
}

// transientError reports an error reply that the server sends before
// running anything and that goes away by itself: the line can be sent
// again safely.
func transientError(msg string) bool {
	for _, p := range []string{"CLUSTERDOWN", "TRYAGAIN", "LOADING"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func errString(err error) string {
	if err == nil {
		return "connection lost"
	}
	return err.Error()
}

// repliedPrefix returns how many of a pipeline's commands, in order, got
// their whole reply. go-redis reads replies in order and, when the
// connection breaks at command i, stamps the error on every command that
// had none, including those before i that did get a reply; those still
// hold the value they read, while command i holds nothing or a partial
// value ("" from a cut bulk string, a nil slice or map from a cut array).
// A complete reply that looks like a partial one ("") is counted as not
// arrived: its line ends unknown rather than ok, never the other way.
func repliedPrefix(cmds []*redis.Cmd) int {
	for i, c := range cmds {
		err := c.Err()
		switch {
		case err == nil:
			// Read without trouble; a nil value means it was never sent
			// (go-redis does not stamp a handshake's error reply).
			if c.Val() == nil {
				return i
			}
		case isRedisError(err):
			// An error reply or a nil reply: it arrived.
		case !completeValue(c.Val()):
			return i
		}
	}
	return len(cmds)
}

func completeValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return x != nil
	case map[any]any:
		return x != nil
	}
	return true
}

// isRedisError reports an error reply from the server (as opposed to a
// client-side failure), which go-redis marks with redis.Error.
func isRedisError(err error) bool {
	var re redis.Error
	return errors.As(err, &re)
}

// isDialError reports a failure to open a connection: nothing was
// written, so the lines did not run.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
