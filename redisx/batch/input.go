package batch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"luascope/redisx/classify"
)

// readInput parses, routes and dispatches the input, one line at a time.
// Lines travel to the workers in chunks of up to a pipeline's depth (one
// channel operation per chunk, not per line), each line's call already
// encoded as RESP in its chunk; a partial chunk is sent whenever the next
// read might wait for more input, so a slow producer never leaves lines
// waiting in the reader.
func (b *batch) readInput(input io.Reader) {
	br := bufio.NewReaderSize(input, 64<<10)
	rd := &chunker{b: b, workers: map[string]*node{}}
	end := func(err error) {
		rd.flush()
		b.mu.Lock()
		if err != nil && err != io.EOF && !b.inputDone {
			b.inputErr = err
		}
		b.endInputLocked()
		b.mu.Unlock()
	}
	var long []byte
	// buffered counts the whole lines known to be in br's buffer, so that
	// the buffer is searched for newlines once per fill, not once a line.
	buffered := 0
	mayWait := !neverWaits(input)
	for n := 1; ; n++ {
		if buffered == 0 {
			buffered = linesBuffered(br)
			if buffered == 0 && mayWait && !rd.flush() {
				return
			}
		}
		text, tooLong, err := readLine(br, &long)
		buffered = max(buffered-1, 0)
		if err != nil && len(text) == 0 && !tooLong {
			end(err)
			return
		}
		if n == 1 {
			text = bytes.TrimPrefix(text, []byte("\ufeff"))
		}
		if !b.admitLine(rd, n, text, tooLong) {
			rd.drop()
			return
		}
		if err != nil {
			end(err)
			return
		}
	}
}

// neverWaits reports an input whose reads never wait for a producer: a
// regular file (also as stdin) or bytes in memory. The reader then sends
// its partial chunks only at the end, not each time its buffer runs dry:
// on a file that was every 64 KB, and each such short chunk left the
// pipelines after it across two chunks, copied instead of written from
// the chunk (collect's whole), or, on a cluster of many nodes, short.
func neverWaits(r io.Reader) bool {
	switch r := r.(type) {
	case *bytes.Reader, *strings.Reader:
		return true
	case *os.File:
		st, err := r.Stat()
		return err == nil && st.Mode().IsRegular()
	}
	return false
}

// linesBuffered counts the whole lines already buffered: reading them
// cannot block.
func linesBuffered(br *bufio.Reader) int {
	p, _ := br.Peek(br.Buffered())
	return bytes.Count(p, []byte{'\n'})
}

// chunker collects the reader's lines per node, in chunks indexed by the
// node's index in batch.addrs (the slot table's values), so that a line
// costs no map lookup. Lines become pending (counted, owned by the
// workers) a chunk at a time, under one lock.
type chunker struct {
	b     *batch
	open  []*chunk // the chunk being filled, by node index
	nodes []*node  // the reader's cache of b.workers, by node index
	addrs []string // and of the nodes' addresses
	used  []int    // node indices with an open chunk, for flush
	words [][]byte // the current line's words (reused)
	// The reader's copy of the slot table's runs (batch.runStart), as of
	// batch.routeGen == gen.
	runStart, runNode []uint16
	gen               uint64
	workers           map[string]*node // by address: the seed and a node may share one
}

// node makes sure the reader has the queue of the node at index idx
// and returns the node's address; errStopped once the input is closed.
// An index's address never changes (batch.addrs is append-only), so both
// are cached by index.
func (c *chunker) node(idx int) (string, error) {
	if idx < len(c.nodes) && c.nodes[idx] != nil {
		return c.addrs[idx], nil
	}
	b := c.b
	addr := b.addrOf(idx)
	w, ok := c.workers[addr]
	if !ok {
		b.mu.Lock()
		if b.inputDone {
			// Interrupted: no new worker may start once Run waits for them.
			b.mu.Unlock()
			return addr, errStopped
		}
		var err error
		w, err = b.workerFor(addr)
		b.mu.Unlock()
		if err != nil {
			return addr, err
		}
		c.workers[addr] = w
	}
	for len(c.nodes) <= idx {
		c.nodes = append(c.nodes, nil)
		c.addrs = append(c.addrs, "")
		c.open = append(c.open, nil)
	}
	c.nodes[idx], c.addrs[idx] = w, addr
	return addr, nil
}

var errStopped = errors.New("interrupted")

// routeIdx is batch.routeIdx on the reader's copy of the slot runs: a
// binary search in a few cache lines and, while the table does not
// change, an atomic load for a lock.
func (c *chunker) routeIdx(slot int) int {
	b := c.b
	if !b.cluster || slot < 0 {
		return 0
	}
	if b.routeGen.Load() != c.gen {
		b.tmu.RLock()
		c.runStart = append(c.runStart[:0], b.runStart...)
		c.runNode = append(c.runNode[:0], b.runNode...)
		c.gen = b.routeGen.Load()
		b.tmu.RUnlock()
	}
	// The last run starting at or before slot (runStart[0] is 0).
	lo, hi := 0, len(c.runStart)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if int(c.runStart[mid]) <= slot {
			lo = mid
		} else {
			hi = mid
		}
	}
	return int(c.runNode[lo])
}

// add encodes the call of input line n (its first key in slot) into
// the open chunk of node idx; a full chunk goes to its worker at once.
func (c *chunker) add(idx, n, slot int, words [][]byte, sep int) bool {
	b := c.b
	ch := c.open[idx]
	if ch == nil {
		ch = b.newChunk()
		ch.node = c.addrs[idx]
		c.open[idx] = ch
		c.used = append(c.used, idx)
	}
	need := 8 + len(b.shaHead) + 8
	for _, w := range words {
		need += len(w) + 8
	}
	buf := slices.Grow(ch.buf, need)
	start := len(buf)
	buf = appendHeader(buf, '*', 3+len(words))
	hdr := len(buf) - start
	buf = append(buf, b.shaHead...)
	if sep < 10 {
		buf = append(buf, '$', '1', '\r', '\n', byte('0'+sep), '\r', '\n')
	} else {
		var num [20]byte
		buf = appendBulkBytes(buf, strconv.AppendInt(num[:0], int64(sep), 10))
	}
	for _, w := range words {
		buf = appendBulkBytes(buf, w)
	}
	ch.buf = buf
	// Written in place: the line is not built and then copied in.
	k := len(ch.lines)
	ch.lines = ch.lines[:k+1]
	ch.lines[k] = bline{n: n, slot: slot, hdr: int32(hdr), ch: ch, start: int32(start), end: int32(len(buf))}
	if k+1 < cap(ch.lines) {
		return true
	}
	c.open[idx] = nil
	if !c.send(c.nodes[idx], ch) {
		c.drop()
		return false
	}
	return true
}

// flush sends every partial chunk; false when interrupted.
func (c *chunker) flush() bool {
	for len(c.used) > 0 {
		idx := c.used[len(c.used)-1]
		c.used = c.used[:len(c.used)-1]
		ch := c.open[idx]
		if ch == nil {
			continue // sent when it filled up
		}
		c.open[idx] = nil
		if !c.send(c.nodes[idx], ch) {
			c.drop()
			return false
		}
	}
	return true
}

// send makes a chunk's lines pending and hands them to the worker.
func (c *chunker) send(w *node, ch *chunk) bool {
	b := c.b
	b.waitSpace()
	b.mu.Lock()
	if b.inputDone {
		c.abandonLocked(ch)
		b.mu.Unlock()
		return false
	}
	for i := range ch.lines {
		ch.lines[i].dispatched = true
	}
	ch.live.Store(int32(len(ch.lines)))
	b.pending += len(ch.lines)
	b.read += len(ch.lines)
	b.lastLine = max(b.lastLine, ch.lines[len(ch.lines)-1].n)
	b.mu.Unlock()
	b.queued.Add(1)
	select {
	case w.inbox <- ch:
		return true
	case <-b.ctx.Done():
		b.queued.Add(-1)
		for i := range ch.lines {
			l := &ch.lines[i]
			b.finish(l, Result{Line: l.n, Slot: l.slot, Node: ch.node, Outcome: NotSent, Message: "interrupted before it was sent"})
		}
		return false
	}
}

// waitSpace waits until the nodes' queues are under their budget, or the
// batch is interrupted (send then finds the input ended).
func (b *batch) waitSpace() {
	for b.queued.Load() >= b.budget.Load() {
		select {
		case <-b.space:
		case <-b.ctx.Done():
			return
		}
	}
}

// dequeued counts a chunk a worker took from its node's queue, and wakes
// the reader when there is room for a few more: one wake-up of the reader
// per few chunks, not one per chunk.
func (b *batch) dequeued() {
	if b.queued.Add(-1) <= b.budget.Load()-inboxSlack/2 {
		select {
		case b.space <- struct{}{}:
		default:
		}
	}
}

// drop ends the lines the reader still holds as not sent.
func (c *chunker) drop() {
	b := c.b
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, idx := range c.used {
		if ch := c.open[idx]; ch != nil {
			c.open[idx] = nil
			c.abandonLocked(ch)
		}
	}
	c.used = c.used[:0]
}

// abandonLocked counts lines that were read but never handed over as
// not sent (interrupted).
func (c *chunker) abandonLocked(ch *chunk) {
	b := c.b
	for i := range ch.lines {
		l := &ch.lines[i]
		b.read++
		b.lastLine = max(b.lastLine, l.n)
		b.finishLocked(l, Result{Line: l.n, Slot: l.slot, Node: ch.node, Outcome: NotSent, Message: "interrupted before it was sent"})
	}
}

// admitLine handles one input line; false means stop reading.
func (b *batch) admitLine(rd *chunker, n int, text []byte, tooLong bool) bool {
	res := Result{Line: n, Slot: -1}
	if tooLong {
		res.Outcome, res.Message = Invalid, fmt.Sprintf("longer than %d bytes", MaxLine)
		return b.settle(nil, res)
	}
	words, sep, call, err := splitWords(text, rd.words[:0])
	rd.words = words[:0]
	if !call {
		return true
	}
	if err != nil {
		res.Outcome, res.Message = Invalid, err.Error()
		return b.settle(nil, res)
	}
	slot := -1
	if keys := words[:sep]; b.cluster && len(keys) > 0 {
		slot = keySlot(keys[0])
		if len(keys) > 1 && !b.crossOK {
			for j, k := range keys[1:] {
				if other := keySlot(k); other != slot {
					res.Slot, res.Outcome, res.Class = slot, CrossSlot, classify.CrossSlot
					res.Message = fmt.Sprintf("keys in slots %d (%s) and %d (%s): a script's keys must share a slot (a {hash tag} does it); not sent",
						slot, keys[0], other, keys[j+1])
					return b.settle(nil, res)
				}
			}
		}
	}
	idx := rd.routeIdx(slot)
	if b.opt.DryRun {
		res.Outcome, res.Node, res.Slot = Skipped, b.addrOf(idx), slot
		return b.settle(nil, res)
	}
	addr, err := rd.node(idx)
	if err == errStopped {
		return false
	}
	if err != nil {
		return b.settle(nil, Result{Line: n, Slot: slot, Node: addr, Outcome: NotSent, Class: classify.Connection, Message: err.Error()})
	}
	return rd.add(idx, n, slot, words, sep)
}

// settle records the outcome of a line decided before sending; false
