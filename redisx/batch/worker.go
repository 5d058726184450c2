package batch

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
	"luascope/redisx/classify"
)

// workerFor returns (starting on first use) the queue of a node and its
// lanes: Options.Connections workers, each with a connection of its own,
// taking chunks from the node's one inbox.
func (b *batch) workerFor(addr string) (*node, error) {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if n, ok := b.workers[addr]; ok {
		return n, nil
	}
	if b.lanesClosed {
		return nil, errSessionClosed
	}
	n := &node{addr: addr, inbox: make(chan *chunk, 2*b.opt.Connections+4*inboxSlack), wake: make(chan struct{}, 1)}
	b.budget.Add(int32(2*b.opt.Connections + inboxSlack))
	b.workers[addr] = n
	for range b.opt.Connections {
		b.wg.Add(1)
		go (&worker{b: b, node: n}).run()
	}
	return n, nil
}

// inboxSlack is how many chunks each node adds to the batch's queue
// budget beyond two per lane (see batch.queued). The reader routes lines
// in input order, so when it may queue no more for one node it waits,
// and the other nodes get nothing more until that node takes a chunk: on
// a cluster whose servers share the cores, the node the scheduler ran
// least at that moment set the pace of all of them. With two chunks per
// lane, 14–32% of the pipelines left their server with nothing queued
// behind them (1M calls, 3 primaries on 2 busy cores); with one budget
// for all nodes, most of which one node's queue may take, 8 chunks of
// slack per node left 3–15%, 24 left 1–4%, so 24 it is: the others run
// ahead by tens of pipelines (milliseconds of a server's work, about
// 13 KB a chunk at --pipeline 64) while one falls behind. redis-benchmark
// --cluster, whose connections make up their own calls, never waits for
// the slowest node at all.
const inboxSlack = 24

// errSessionClosed: the session was closed during the batch (a second
// signal, or the TUI quitting); nothing more is dialled or sent.
var errSessionClosed = errors.New("the session was closed")

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

// node is what the lanes of one node share: the reader's chunks, the
// lines to send again, and whether the script is in its cache.
type node struct {
	addr  string
	inbox chan *chunk // chunks from the reader, bounded

	mu    sync.Mutex
	retry []*bline // re-sends and lines from other nodes, sent first
	wake  chan struct{}

	loadMu sync.Mutex
	loaded atomic.Bool // SCRIPT LOAD done since the last NOSCRIPT or outage
}

// worker is one lane of a node: a connection of its own and a goroutine
// that writes pipelines on it, keeping up to batch.maxFlights in flight.
type worker struct {
	*node
	b *batch

	// Owned by the worker's goroutine.
	lane      *laneConn
	flights   []*flight // written, replies not read yet; oldest first
	carry     *chunk    // a chunk whose lines from carryAt on did not fit the last pipeline
	carryAt   int
	spare     [][]*bline // line lists of landed pipelines, for collect to reuse
	downSince time.Time
	dead      bool
	lastErr   error
	backoff   time.Duration
}

// flight is one pipeline written on a lane.
type flight struct {
	lane     *laneConn
	lines    []*bline
	start    time.Time
	asked    bool  // an ASKING went before some line
	whole    bool  // the lines are of one chunk, as collect says
	writeErr error // the write failed: no reply is read
}

// errReply is the error reply to the i-th line of a pipeline.
type errReply struct {
	i   int
	msg string
}

// maxInFlight is how many pipelines of size pipeline each of a node's
// lanes (connections of them) keeps written and unanswered: about
// inFlightCalls calls per node, at least two pipelines a lane (the server
// has the next one while the client reads the replies of the previous)
// and at most eight. A broken connection leaves those lines in doubt:
// with one connection per node, at most max(inFlightCalls, 2 × pipeline)
// at the default pipeline of 64 and above, 8 × pipeline below; with many,
// two pipelines each, as before (the server has plenty queued then).
//
// Why that many: the server idles whenever it has answered everything
// written to it and the client has not yet written more — for a network
// round trip, or, where the client shares the cores with the servers (a
// cluster on one machine, a busy client host), for as long as the
// scheduler leaves the client's thread waiting. With two pipelines of 64
// (~0.4 ms of a server's work) the three primaries of a cluster on two
// cores sat idle 0.2–1.0 s of a 1M-call batch and the batch ran at
// 0.89–0.92× redis-benchmark --cluster; with eight, 0.96–1.10×
// (docs/performance.md).
func maxInFlight(pipeline, connections int) int {
	per := pipeline * max(1, connections)
	return min(8, max(2, (inFlightCalls+per-1)/per))
}

// inFlightCalls is the number of calls maxInFlight aims for: a few
// milliseconds of a server's work for short scripts.
const inFlightCalls = 512

// push hands the node a line from another node (or itself). The list is
// not bounded, but it only ever holds lines that were in flight, so at
// most a few pipelines per lane; a bounded channel here could deadlock two
// workers handing lines to each other.
func (n *node) push(ls ...*bline) {
	if len(ls) == 0 {
		return
	}
	n.mu.Lock()
	n.retry = append(n.retry, ls...)
	n.mu.Unlock()
	n.signal()
}

func (n *node) signal() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

func (w *worker) run() {
	defer w.b.wg.Done()
	defer func() {
		if w.lane != nil {
			w.lane.close()
		}
	}()
	b := w.b
	for {
		lines, whole, done := w.collect(len(w.flights) == 0)
		if done {
			return
		}
		if len(lines) == 0 {
			w.land()
			continue
		}
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
		if w.lane != nil && len(w.flights) == 0 && time.Since(w.lane.lastUse) > idleCheck && w.lane.closedByPeer() {
			w.lane.close()
			w.lane = nil
		}
		if w.lane == nil {
			lc, err := b.dialLane(w.addr)
			if err != nil {
				w.unreachable(lines, err)
				continue
			}
			w.lane = lc
		}
		if b.preload && !w.loaded.Load() {
			if !w.load(lines) {
				continue
			}
		}
		w.send(lines, whole)
	}
}

func (b *batch) isStopped() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopped
}

// collect takes up to a pipeline's worth of lines: re-sends first, then
// what the reader has queued. With wait it blocks until there are lines
// or the batch is done; without, it returns what there is, maybe none.
// whole: the lines are lines of one chunk, in order, never sent before,
// and sent as the reader encoded them (not the eval strategy): their
// calls lie back to back in its buffer.
func (w *worker) collect(wait bool) (lines []*bline, whole, done bool) {
	n := w.b.opt.Pipeline
	var out []*bline
	if k := len(w.spare); k > 0 {
		out, w.spare = w.spare[k-1], w.spare[:k-1]
	} else {
		out = make([]*bline, 0, n)
	}
	take := func(from []*bline) []*bline {
		k := min(n-len(out), len(from))
		out = append(out, from[:k]...)
		return from[k:]
	}
	var one *chunk // the chunk of out's lines, while whole
	whole = w.b.opt.Strategy != redisx.EvalOnly
	takeCarry := func() {
		for ch := w.carry; ch != nil && len(out) < n; {
			if len(out) == 0 {
				one = ch
			} else if ch != one {
				whole = false
			}
			out = append(out, &ch.lines[w.carryAt])
			if w.carryAt++; w.carryAt == len(ch.lines) {
				w.carry, w.carryAt = nil, 0
				break
			}
		}
	}
	for {
		w.mu.Lock()
		rest := take(w.retry)
		w.retry = append(w.retry[:0], rest...)
		more := len(w.retry) > 0
		w.mu.Unlock()
		if len(out) > 0 && one == nil {
			whole = false // re-sends, maybe ASKING or EVAL
		}
		if more {
			w.signal() // another lane takes the rest
		}
		takeCarry()
	drain:
		for len(out) < n {
			select {
			case ch := <-w.inbox:
				w.b.dequeued()
				w.carry, w.carryAt = ch, 0
				takeCarry()
			default:
				break drain
			}
		}
		if len(out) > 0 || !wait {
			return out, whole && len(out) > 0, false
		}
		select {
		case ch := <-w.inbox:
			w.b.dequeued()
			w.carry, w.carryAt = ch, 0
		case <-w.wake:
		case <-w.b.done:
			return nil, false, true
		}
	}
}

// load sends SCRIPT LOAD before the node's first pipeline (and after
// NOSCRIPT or an outage), once for all its lanes, on the session's
// connection to the node. false means the lines were dealt with otherwise.
func (w *worker) load(lines []*bline) bool {
	w.loadMu.Lock()
	defer w.loadMu.Unlock()
	if w.loaded.Load() {
		return true
	}
	b := w.b
	err := b.loadOn(w.addr)
	switch {
	case err == nil:
		w.loaded.Store(true)
		return true
	case isRedisError(err) && !transientError(errors.Unwrap(err).Error()):
		c := classify.ClassifyError(err)
		for _, l := range lines {
			b.finish(l, Result{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: Error, Class: c.Class,
				Message: "SCRIPT LOAD failed, not sent: " + errors.Unwrap(err).Error()})
		}
	default:
		w.unreachable(lines, err)
	}
	return false
}

// send writes one pipeline on the lane, then, while maxInFlight
// pipelines (batch.maxFlights) are unanswered, reads the replies of the oldest: the server
// works on the new pipeline while the client reads. whole is collect's.
func (w *worker) send(lines []*bline, whole bool) {
	b := w.b
	lc := w.lane
	var asked bool
	var p []byte
	if whole {
		// Lines as the reader left them, one after the other in a
		// chunk's buffer: written from there, not copied (the copy and
		// the look at every line were 8% of a 50-connection batch's CPU).
		p = lines[0].ch.buf[lines[0].start:lines[len(lines)-1].end]
	} else {
		lc.wbuf, asked = b.appendPipeline(lc.wbuf[:0], lines)
		p = lc.wbuf
	}
	f := &flight{lane: lc, lines: lines, start: time.Now(), asked: asked, whole: whole}
	werr := lc.write(p)
	if werr != nil {
		// Some of it may have reached the server: its lines are unknown.
		// The pipelines before it may still have their replies to read.
		f.writeErr = werr
		w.lane = nil
	}
	w.flights = append(w.flights, f)
	// Landing every flight when the write failed, f among them.
	for len(w.flights) >= w.b.maxFlights || (werr != nil && len(w.flights) > 0) {
		w.land()
	}
	if werr != nil {
		lc.close()
	}
}

// appendPipeline appends the calls of a pipeline's lines and reports
// whether an ASKING went before any, for a pipeline that is not one
// chunk's lines as the reader left them (collect's whole): re-sends, ASK
// redirects, EVAL, or lines of two chunks. The calls of consecutive lines
// that lie one after the other in a chunk's buffer are copied at once.
func (b *batch) appendPipeline(buf []byte, lines []*bline) (_ []byte, asked bool) {
	evalOnly := b.opt.Strategy == redisx.EvalOnly
	var run *chunk // lines' calls not copied yet: run.buf[from:to]
	var from, to int32
	flush := func() {
		if run != nil {
			buf = append(buf, run.buf[from:to]...)
			run = nil
		}
	}
	for _, l := range lines {
		switch {
		case l.asking || l.useEval || evalOnly:
			flush()
			buf = b.appendCall(buf, l) // with ASKING first when l.asking
		case run == l.ch && l.start == to:
			to = l.end
		default:
			flush()
			run, from, to = l.ch, l.start, l.end
		}
		l.asked, l.asking = l.asking, false
		asked = asked || l.asked
	}
	flush()
	return buf, asked
}

// land reads the replies of the oldest pipeline in flight and settles or
// re-queues each of its lines.
func (w *worker) land() {
	f := w.flights[0]
	w.flights[0] = nil
	w.flights = w.flights[1:]
	b := w.b
	lc := f.lane
	got := 0 // lines whose reply arrived, in order
	// The error replies, by line index: most pipelines have none, and
	// then no line is looked at again.
	var errs []errReply
	err := f.writeErr
	if err == nil {
		err = lc.err
	}
	if err == nil {
		lc.beginRead()
		for i := 0; i < len(f.lines); i++ {
			if !f.asked {
				// The replies already read ended ok: counted, not looked at.
				k := skipBuffered(lc.br, len(f.lines)-i)
				if got, i = got+k, i+k; i == len(f.lines) {
					break
				}
			}
			l := f.lines[i]
			if f.asked && l.asked {
				// ASKING's own reply: +OK, or an error the line's reply repeats.
				if _, _, err = readReply(lc.br); err != nil {
					break
				}
			}
			var e bool
			var msg string
			if e, msg, err = readReply(lc.br); err != nil {
				break
			}
			if e {
				errs = append(errs, errReply{got, msg})
			}
			got++
		}
		lc.lastUse = time.Now()
		if err != nil {
			// The connection broke, or the guard refused a reply: nothing
			// more can be read on it.
			lc.err = err
			lc.close()
			if w.lane == lc {
				w.lane = nil
			}
		}
	}
	rt := time.Since(f.start)
	if got > 0 {
		w.downSince, w.backoff = time.Time{}, 0
	}

	okN := got - len(errs)
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
	// Only the lines that did not end ok count this attempt: Attempts is
	// reported for the others alone.
	for _, e := range errs {
		l := f.lines[e.i]
		l.attempts++
		msg := e.msg
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
	for _, l := range f.lines[got:] {
		l.attempts++
		c := classify.ClassifyError(err)
		fail(l, Result{Outcome: Unknown, Class: c.Class, Message: "no reply, the script may have run: " + errString(err)})
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
	if f.whole && len(errs) == 0 {
		if got > 0 {
			// Lines of one chunk, which the lines unanswered (ended by
			// fail above) may already have handed back to the pool.
			w.b.settled(f.lines[0].ch, got)
		}
	} else {
		w.settleOK(f.lines[:got], errs)
	}
	w.spare = append(w.spare, f.lines[:0])
}

// settleOK tells the chunks of a pipeline's lines that ended ok (those
// answered, but for the error replies at errs) that they have their
// outcome, a run of lines from one chunk at a time. The lines must not be
// used after: their chunk may be reused.
func (w *worker) settleOK(answered []*bline, errs []errReply) {
	var ch *chunk
	n := 0
	for i, l := range answered {
		if len(errs) > 0 && errs[0].i == i {
			errs = errs[1:]
			continue
		}
		if l.ch != ch {
			w.b.settled(ch, n)
			ch, n = l.ch, 0
		}
		n++
	}
	w.b.settled(ch, n)
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
	w.loaded.Store(false)
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
	w.loaded.Store(false)
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

// isRedisError reports an error reply from the server (as opposed to a
// client-side failure), which go-redis marks with redis.Error.
func isRedisError(err error) bool {
	var re redis.Error
	return errors.As(err, &re)
}
