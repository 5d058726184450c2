package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"luascope/redisx"
	"luascope/redisx/classify"
)

// bline is one call on its way through the batch. It lives in its
// chunk's lines (never moved: workers hold pointers to it), and its call
// is already RESP, encoded once by the reader into the chunk's buffer.
type bline struct {
	n          int
	slot       int
	attempts   int32
	noscripts  int32
	redirects  int32
	hdr        int32     // length of the "*N\r\n" that begins the call; the head follows it
	asking     bool      // send ASKING first (an ASK redirect)
	useEval    bool      // evalsha-eval after NOSCRIPT
	dispatched bool      // counted in pending
	asked      bool      // an ASKING went before it in the pipeline in flight
	waitSince  time.Time // first time it could not be sent or was refused as transient
	ch         *chunk    // the chunk it lives in
	// ch.buf[start:end] is the call as the reader encoded it, EVALSHA:
	// "*N\r\n", the batch's shaHead, then numkeys, the keys and the
	// arguments as RESP bulk strings. Lines that follow each other in a
	// chunk follow each other in its buffer, so send copies a run of them
	// at once. EVAL (the eval strategy, NOSCRIPT under evalsha-eval)
	// replaces the head at send time, so the source is never copied into
	// a chunk. Offsets, not a slice: the reader writes a line 40 bytes
	// smaller (it wrote 112 a line, a seventh of its time), and they stay
	// right while the chunk's buffer grows.
	start, end int32
}

// call is the line's call as the reader encoded it (see bline.start).
func (l *bline) call() []byte { return l.ch.buf[l.start:l.end] }

// chunk is a batch of lines the reader hands to one node at once: one
// channel operation per chunk, not per line. Chunks are recycled (see
// batch.chunks) once every line in them has its outcome, so the reader
// allocates nothing per line and the garbage collector has next to
// nothing to do.
type chunk struct {
	// lines has the capacity of a pipeline and never grows past it, so
	// pointers to its elements stay valid.
	lines []bline
	// buf holds the lines' calls back to back; a line's call is
	// buf[start:end] (bline.start), written by chunker.add.
	buf  []byte
	node string // the address of the node the reader sent it to
	// live counts the lines handed over without an outcome yet; the last
	// one to get its outcome puts the chunk back in the pool.
	live atomic.Int32
}

// batch is the state of one Run.
type batch struct {
	s       *redisx.Session
	opt     Options
	script  redisx.Script
	target  redisx.Target
	cluster bool
	seed    string // keyless lines (and standalone) go here
	preload bool
	evalCmd string // EVAL or EVAL_RO
	shaCmd  string // EVALSHA or EVALSHA_RO
	// chunks recycles the reader's chunks: a chunk goes back when its
	// last line has its outcome (settled), and nothing holds a pointer to
	// its lines any more (outcomes are copied into Results).
	chunks   sync.Pool
	evalHead []byte // EVAL(_RO) and the source, as RESP bulk strings
	shaHead  []byte // EVALSHA(_RO) and the SHA, as RESP bulk strings
	// crossOK: the script's shebang allows keys in different slots.
	crossOK  bool
	ctx      context.Context
	execCtx  context.Context // never cancelled: in-flight replies are awaited
	start    time.Time
	maxFails int

	tmu   sync.RWMutex
	topo  *redisx.Topology
	moved map[int]string
	// slotNode is route's table: for each slot, the index in addrs of the
	// node a MOVED named, else the topology's owner; 0 (addrs[0] is "")
	// when neither is known.
	slotNode [redisx.SlotCount]uint16
	addrs    []string       // node addresses by index; append-only
	addrIdx  map[string]int // index of each address in addrs
	// runStart and runNode are slotNode as runs of slots with the same
	// node (run i starts at slot runStart[i]): a cluster has a few, which
	// the reader copies and searches in a cache line or two, where a
	// lookup in slotNode itself missed the CPU's cache for most lines
	// (the servers sharing the cores evict it). routeGen counts their
	// changes (written under tmu), so the reader knows when to copy them.
	runStart, runNode []uint16
	routeGen          atomic.Uint64
	refreshedAt       time.Time
	refreshes         int
	// noTopology: CLUSTER NODES was denied (NOPERM); routing learns from MOVED.
	noTopology bool

	// queued counts the chunks in the nodes' inboxes, which the reader
	// keeps under budget (the sum of each node's share, see inboxSlack);
	// a worker taking a chunk signals space once there is room for a few,
	// so the reader is woken once per few chunks, not for each.
	queued, budget atomic.Int32
	space          chan struct{}
	// maxFlights is how many pipelines a lane keeps in flight (maxInFlight).
	maxFlights int

	wmu         sync.Mutex
	workers     map[string]*node
	lanes       []*laneConn // every lane dialled, for closeLanes
	lanesClosed bool        // the session was closed: dial no more
	wg          sync.WaitGroup

	mu        sync.Mutex
	pending   int
	inputDone bool
	done      chan struct{}
	stopped   bool
	counts    map[Outcome]int
	read      int
	lastLine  int
	nodes     map[string]*NodeStats
	failures  []Result
	failTotal int
	retried   int
	redirect  int
	lat       latHist
	inputErr  error
}

// Run runs script once per call in input (see ParseLine for the
// format) on the deployment s is connected to, and returns the report. It streams: memory stays proportional
// to the pipeline depth times the nodes, whatever the input's size.
//
// On a standalone server every line goes to one node. On a cluster the
// topology is read once, each line goes to the primary serving its first
// key's slot, lines whose keys span slots end as crossslot before
// anything is sent, and keyless lines go to opt.Node or the seed. The
// script is loaded once per node, and each node gets pipelines of
// opt.Pipeline EVALSHA calls, nodes in parallel.
//
// Cancelling ctx stops sending new pipelines: replies in flight are
// awaited, and the lines read but not sent end as not_sent. A reader
// blocked in input.Read is abandoned, not waited for.
//
// The error is non-nil only when the batch could not start: the script
// does not load on the seed (a redis.Error: compile, noperm…), the seed
// or the cluster topology cannot be reached, or a sentinel was given.
//
// SCRIPT LOAD and CLUSTER NODES go through the session's connections
// (Session.NodeClient); the EVALSHA pipelines go on connections of the
// batch's own (opt.Connections per node), closed when Run returns, or as
// soon as the session is closed (see watchSession).
func Run(ctx context.Context, s *redisx.Session, script redisx.Script, input io.Reader, opt Options) (*Report, error) {
	if opt.Strategy == "" {
		opt.Strategy = redisx.EvalshaLoad
	}
	if _, err := redisx.ParseStrategy(string(opt.Strategy)); err != nil {
		return nil, err
	}
	if opt.Pipeline <= 0 {
		opt.Pipeline = DefaultPipeline
	}
	if opt.Connections <= 0 {
		opt.Connections = 1
	}
	if opt.DownWait <= 0 {
		opt.DownWait = DefaultDownWait
	}
	if opt.ProgressEvery <= 0 {
		opt.ProgressEvery = 100 * time.Millisecond
	}
	if s.ReadOnly() {
		opt.ReadOnly = true
	}
	info := s.Info()
	if info.Mode == "sentinel" {
		return nil, errors.New("batch: this is a sentinel; connect to the primary it names")
	}
	b := &batch{
		s: s, opt: opt, script: script, target: s.Target(), cluster: info.Mode == "cluster",
		ctx: ctx, execCtx: context.WithoutCancel(ctx), start: time.Now(),
		moved: map[int]string{}, workers: map[string]*node{}, done: make(chan struct{}),
		counts: map[Outcome]int{}, nodes: map[string]*NodeStats{}, maxFails: opt.MaxFailures,
		evalCmd: "EVAL", shaCmd: "EVALSHA",
		addrs: []string{""}, addrIdx: map[string]int{"": 0}, space: make(chan struct{}, 1),
		maxFlights: maxInFlight(opt.Pipeline, opt.Connections),
	}
	if b.maxFails == 0 {
		b.maxFails = 20
	}
	if opt.ReadOnly {
		b.evalCmd, b.shaCmd = "EVAL_RO", "EVALSHA_RO"
	}
	b.evalHead = appendBulk(appendBulk(nil, b.evalCmd), script.Source)
	b.shaHead = appendBulk(appendBulk(nil, b.shaCmd), script.SHA)
	b.crossOK = script.Shebang.HasFlag("allow-cross-slot-keys")
	b.seed = b.target.Addr
	if opt.Node != "" {
		b.seed = opt.Node
	}
	b.preload = opt.Strategy == redisx.EvalshaLoad || opt.Strategy == redisx.LoadFirst
	if b.cluster {
		topo, err := s.Topology(ctx)
		switch {
		case err == nil:
		case classify.ClassifyError(err).Class == classify.NoPerm:
			// An application's ACL user may run scripts but not CLUSTER
			// NODES: start on the seed and learn each slot's node from
			// MOVED, as cluster clients did before CLUSTER SLOTS.
			topo, b.noTopology = &redisx.Topology{}, true
		default:
			return nil, fmt.Errorf("batch: read the cluster topology: %w", err)
		}
		b.setTopologyLocked(topo) // no other goroutine yet
		b.refreshedAt = time.Now()
	}
	if b.preload && !opt.DryRun {
		// One load before anything else, so a script that does not compile
		// is one error, not one per line.
		if err := b.loadOn(b.seed); err != nil {
			return nil, err
		}
	}

	stopProgress := b.progressLoop()
	stopWatch := b.watchSession()
	defer stopWatch()
	go b.readInput(input)
	go func() {
		select {
		case <-ctx.Done():
			b.mu.Lock()
			b.stopped = true
			b.endInputLocked()
			b.mu.Unlock()
		case <-b.done:
		}
	}()
	<-b.done
	elapsed := time.Since(b.start)
	b.wg.Wait()
	stopWatch()
	stopProgress()
	return b.report(elapsed), nil
}

// loadOn sends SCRIPT LOAD to addr on the session's connection to the
// node (the script cache is the node's, whichever connection loads it).
func (b *batch) loadOn(addr string) error {
	c, err := b.s.NodeClient(addr)
	if err != nil {
		return err
	}
	sha, err := c.ScriptLoad(b.execCtx, b.script.Source).Result()
	if err != nil {
		return fmt.Errorf("load the script on %s: %w", addr, err)
	}
	if sha != b.script.SHA {
		return fmt.Errorf("load the script on %s: the server named it %s, not %s", addr, sha, b.script.SHA)
	}
	return nil
}

// watchSession closes the batch's lanes when the session is closed
// while the batch runs: the CLI does that on a second Ctrl-C (or SIGTERM)
// and the TUI when it quits, so that reads blocked on a reply return and
// those lines end unknown. The lanes are the batch's own connections,
// which Session.Close does not know, and a closed session is only seen by
// asking it for a connection, so it is asked every 50ms. The returned
// function stops the watch.
func (b *batch) watchSession() func() {
	stop, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if _, err := b.s.NodeClient(b.target.Addr); err != nil {
					b.closeLanes()
					return
				}
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-finished
		})
	}
}

// addLane registers a lane for closeLanes; false when they were closed.
func (b *batch) addLane(lc *laneConn) bool {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if b.lanesClosed {
		return false
	}
	b.lanes = append(b.lanes, lc)
	return true
}

// closeLanes closes every lane and stops new ones being dialled.
func (b *batch) closeLanes() {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	b.lanesClosed = true
	for _, lc := range b.lanes {
		lc.close()
	}
}

// progressLoop calls OnProgress every ProgressEvery until the returned
// function is called, which reports once more and waits for the loop.
func (b *batch) progressLoop() func() {
	if b.opt.OnProgress == nil {
		return func() {}
	}
	stop, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(b.opt.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				b.opt.OnProgress(b.progress())
				return
			case <-t.C:
				b.opt.OnProgress(b.progress())
			}
		}
	}()
	return func() {
		close(stop)
		<-finished
	}
}

func (b *batch) progress() Progress {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := Progress{Read: b.read, OK: b.counts[OK], Failed: b.failTotal, Answered: b.counts[OK] + b.counts[Error], Elapsed: time.Since(b.start)}
	for _, n := range b.counts {
		p.Done += n
	}
	return p
}
