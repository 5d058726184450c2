package batch

import (
	"sort"
	"time"

	"luascope/redisx"
)

// means the input is closed (interrupted).
func (b *batch) settle(l *bline, res Result) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inputDone {
		return false
	}
	b.read++
	b.lastLine = max(b.lastLine, res.Line)
	b.finishLocked(l, res)
	return true
}

// endInputLocked marks the input finished (or abandoned); the batch is
// done once every dispatched line has its outcome.
func (b *batch) endInputLocked() {
	b.inputDone = true
	b.checkDoneLocked()
}

func (b *batch) checkDoneLocked() {
	if b.inputDone && b.pending == 0 {
		select {
		case <-b.done:
		default:
			close(b.done)
		}
	}
}

func (b *batch) finish(l *bline, res Result) {
	b.mu.Lock()
	b.finishLocked(l, res)
	b.mu.Unlock()
}

// finishLocked records a line's final outcome (not ok; see okLocked).
func (b *batch) finishLocked(l *bline, res Result) {
	if l != nil {
		res.Attempts = int(l.attempts)
		if l.dispatched {
			b.pending--
			defer b.checkDoneLocked()
			defer b.settled(l.ch, 1) // after the last use of l
		}
	}
	b.counts[res.Outcome]++
	if res.Node != "" {
		st := b.nodeLocked(res.Node)
		switch res.Outcome {
		case Error:
			st.Error++
		case Unknown:
			st.Unknown++
		case NotSent:
			st.NotSent++
		case Skipped:
			st.Skipped++
		}
	}
	if res.Outcome.Failed() {
		b.failTotal++
		if b.maxFails > 0 {
			i := sort.Search(len(b.failures), func(i int) bool { return b.failures[i].Line > res.Line })
			if i < b.maxFails {
				b.failures = append(b.failures, Result{})
				copy(b.failures[i+1:], b.failures[i:])
				b.failures[i] = res
				if len(b.failures) > b.maxFails {
					b.failures = b.failures[:b.maxFails]
				}
			}
		}
	}
	if b.opt.OnResult != nil {
		b.opt.OnResult(res)
	}
}

// settled records that n lines of ch have their outcome: the chunk goes
// back to the pool with its last one. Its lines must not be used after.
func (b *batch) settled(ch *chunk, n int) {
	if ch != nil && n > 0 && ch.live.Add(int32(-n)) == 0 {
		b.chunks.Put(ch)
	}
}

// newChunk takes a chunk from the pool, or makes one.
func (b *batch) newChunk() *chunk {
	if ch, ok := b.chunks.Get().(*chunk); ok {
		// The old lines are overwritten as new ones are appended.
		ch.lines, ch.buf = ch.lines[:0], ch.buf[:0]
		return ch
	}
	p := b.opt.Pipeline
	return &chunk{lines: make([]bline, 0, p), buf: make([]byte, 0, p*(len(b.shaHead)+48))}
}

func (b *batch) nodeLocked(addr string) *NodeStats {
	st, ok := b.nodes[addr]
	if !ok {
		st = &NodeStats{Addr: addr}
		b.nodes[addr] = st
	}
	return st
}

// route picks the node for a line: the seed (or Node) on a standalone

// report builds the Report from the tallies once every line has its
// outcome.
func (b *batch) report(elapsed time.Duration) *Report {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := &Report{
		Target: b.target.String(), Mode: b.s.Info().Mode, SHA: b.script.SHA, Strategy: b.opt.Strategy,
		Command: b.shaCmd, ReadOnly: b.opt.ReadOnly, DryRun: b.opt.DryRun, Pipeline: b.opt.Pipeline, Connections: b.opt.Connections,
		Outcomes: map[Outcome]int{}, Retried: b.retried, Redirected: b.redirect,
		Elapsed: elapsed, Failures: b.failures, FailuresTotal: b.failTotal, Stopped: b.stopped, LastLine: b.lastLine,
	}
	if b.opt.Strategy == redisx.EvalOnly {
		r.Command = b.evalCmd
	}
	if b.inputErr != nil {
		r.InputError = b.inputErr.Error()
	}
	b.tmu.RLock()
	if b.refreshes > 0 {
		r.TopologyRefreshes = b.refreshes
	}
	r.TopologyDenied = b.noTopology
	b.tmu.RUnlock()
	for _, o := range Outcomes {
		r.Outcomes[o] = b.counts[o]
		r.Lines += b.counts[o]
	}
	r.Nodes = []NodeStats{}
	for _, st := range b.nodes {
		r.Nodes = append(r.Nodes, *st)
	}
	sort.Slice(r.Nodes, func(i, j int) bool { return r.Nodes[i].Addr < r.Nodes[j].Addr })
	if r.Failures == nil {
		r.Failures = []Result{}
	}
	if s := elapsed.Seconds(); s > 0 {
		r.CallsPerSec = float64(b.counts[OK]+b.counts[Error]) / s
	}
	r.Latency = b.lat.summary()
	return r
}
