package batch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"luascope/redisx"
	"luascope/redisx/classify"
)

// readInput parses, routes and dispatches the input, one line at a time.
// Lines travel to the workers in chunks of up to a pipeline's depth (one
// channel operation per chunk, not per line); a partial chunk is sent
// whenever the next read might wait for more input, so a slow producer
// never leaves lines waiting in the reader.
func (b *batch) readInput(input io.Reader) {
	br := bufio.NewReaderSize(input, 64<<10)
	rd := &chunker{b: b, chunks: map[*node][]*bline{}, workers: map[string]*node{}}
	end := func(err error) {
		rd.flush()
		b.mu.Lock()
		if err != nil && err != io.EOF && !b.inputDone {
			b.inputErr = err
		}
		b.endInputLocked()
		b.mu.Unlock()
	}
	for n := 1; ; n++ {
		if !lineBuffered(br) && !rd.flush() {
			return
		}
		text, tooLong, err := readLine(br)
		if err != nil && text == "" && !tooLong {
			end(err)
			return
		}
		if n == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
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

// lineBuffered reports whether a whole line is already buffered, so that
// reading it cannot block.
func lineBuffered(br *bufio.Reader) bool {
	p, _ := br.Peek(br.Buffered())
	return bytes.IndexByte(p, '\n') >= 0
}

// chunker collects the reader's lines per worker. Lines become pending
// (counted, owned by the workers) a chunk at a time, under one lock.
type chunker struct {
	b       *batch
	chunks  map[*node][]*bline
	workers map[string]*node // the reader's cache of b.workers
}

// worker returns the queue of addr's lanes; errStopped once the input is closed.
func (c *chunker) worker(addr string) (*node, error) {
	if w, ok := c.workers[addr]; ok {
		return w, nil
	}
	b := c.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inputDone {
		// Interrupted: no new worker may start once Run waits for them.
		return nil, errStopped
	}
	w, err := b.workerFor(addr)
	if err == nil {
		c.workers[addr] = w
	}
	return w, err
}

var errStopped = errors.New("interrupted")

// add queues a line; a full chunk goes to its worker at once.
func (c *chunker) add(w *node, l *bline) bool {
	ch := append(c.chunks[w], l)
	if len(ch) < c.b.opt.Pipeline {
		c.chunks[w] = ch
		return true
	}
	delete(c.chunks, w)
	if !c.send(w, ch) {
		c.drop()
		return false
	}
	return true
}

// flush sends every partial chunk; false when interrupted.
func (c *chunker) flush() bool {
	for w, ch := range c.chunks {
		delete(c.chunks, w)
		if !c.send(w, ch) {
			c.drop()
			return false
		}
	}
	return true
}

// send makes a chunk's lines pending and hands them to the worker.
func (c *chunker) send(w *node, ch []*bline) bool {
	b := c.b
	b.mu.Lock()
	if b.inputDone {
		c.abandonLocked(ch)
		b.mu.Unlock()
		return false
	}
	for _, l := range ch {
		l.dispatched = true
	}
	b.pending += len(ch)
	b.read += len(ch)
	b.lastLine = max(b.lastLine, ch[len(ch)-1].n)
	b.mu.Unlock()
	select {
	case w.inbox <- ch:
		return true
	case <-b.ctx.Done():
		for _, l := range ch {
			b.finish(l, Result{Line: l.n, Slot: l.slot, Node: l.node, Outcome: NotSent, Message: "interrupted before it was sent"})
		}
		return false
	}
}

// drop ends the lines the reader still holds as not sent.
func (c *chunker) drop() {
	b := c.b
	b.mu.Lock()
	defer b.mu.Unlock()
	for w, ch := range c.chunks {
		delete(c.chunks, w)
		c.abandonLocked(ch)
	}
}

// abandonLocked counts lines that were read but never handed over as
// not sent (interrupted).
func (c *chunker) abandonLocked(ch []*bline) {
	b := c.b
	for _, l := range ch {
		b.read++
		b.lastLine = max(b.lastLine, l.n)
		b.finishLocked(l, Result{Line: l.n, Slot: l.slot, Node: l.node, Outcome: NotSent, Message: "interrupted before it was sent"})
	}
}

// admitLine handles one input line; false means stop reading.
func (b *batch) admitLine(rd *chunker, n int, text string, tooLong bool) bool {
	res := Result{Line: n, Slot: -1}
	if tooLong {
		res.Outcome, res.Message = Invalid, fmt.Sprintf("longer than %d bytes", MaxLine)
		return b.settle(nil, res)
	}
	l := &bline{n: n, slot: -1}
	words, sep, call, err := parseWords(text, l.words[:0])
	if !call {
		return true
	}
	if err != nil {
		res.Outcome, res.Message = Invalid, err.Error()
		return b.settle(nil, res)
	}
	l.keys, l.args = words[:sep], words[sep:]
	keys := l.keys
	if b.cluster && len(keys) > 0 {
		l.slot = redisx.KeySlot(keys[0])
		if j, bad := redisx.OtherSlot(keys, b.script.Shebang); bad {
			res.Slot, res.Outcome, res.Class = l.slot, CrossSlot, classify.CrossSlot
			res.Message = fmt.Sprintf("keys in slots %d (%s) and %d (%s): a script's keys must share a slot (a {hash tag} does it); not sent",
				l.slot, keys[0], redisx.KeySlot(keys[j]), keys[j])
			return b.settle(nil, res)
		}
	}
	addr := b.route(l)
	if b.opt.DryRun {
		res.Outcome, res.Node, res.Slot = Skipped, addr, l.slot
		return b.settle(nil, res)
	}
	l.node = addr
	w, err := rd.worker(addr)
	if err == errStopped {
		return false
	}
	if err != nil {
		return b.settle(nil, Result{Line: n, Slot: l.slot, Node: addr, Outcome: NotSent, Class: classify.Connection, Message: err.Error()})
	}
	return rd.add(w, l)
}

// settle records the outcome of a line decided before sending; false
