package batch

import (
	"time"

	"luascope/redisx"
)

// DefaultPipeline is the pipeline depth when Options.Pipeline is 0:
// deep enough to hide the round trip on a LAN, small enough that a broken
// connection leaves few lines in doubt.
const DefaultPipeline = 64

// DefaultDownWait is how long a node that does not answer is retried
// before its lines are given up as not sent: longer than a failover
// with Redis's default cluster-node-timeout of 15s.
const DefaultDownWait = 20 * time.Second

// MaxLine bounds one input line; a longer line is reported invalid
// (and skipped to its end) rather than read into memory whole.
const MaxLine = 1 << 20

// maxNoScript bounds the NOSCRIPT reloads of one line: a cache that is
// flushed again and again is reported, not chased for ever.
const maxNoScript = 3

// Options configures Run.
type Options struct {
	// Strategy: evalsha-load and load-first (SCRIPT LOAD once per node,
	// then EVALSHA; on NOSCRIPT, load again and re-send those lines),
	// evalsha-eval (EVALSHA; on NOSCRIPT, re-send those lines with EVAL)
	// or eval (EVAL every line). "" is evalsha-load.
	Strategy redisx.Strategy
	// ReadOnly sends EVALSHA_RO / EVAL_RO, which the server refuses to let
	// write. A read-only session always does.
	ReadOnly bool
	// DryRun plans every line (node, slot, crossslot) and sends nothing.
	DryRun bool
	// Pipeline is the number of calls per round trip and connection; 0
	// means DefaultPipeline. Each connection keeps 2 to 8 in flight, about
	// 512 calls a node (maxInFlight): the lines in doubt when it breaks.
	Pipeline int
	// Connections is the number of connections (lanes) per node, each
	// with its own pipelines in flight, taking the node's lines as they
	// come; 0 means 1. More connections let a server that is not saturated
	// by one client work for several, as redis-benchmark -c does; which
	// connection carries a line changes nothing in the report.
	Connections int
	// Node receives the keyless lines (and, on a standalone server, every
	// line); "" means the seed the session connected to.
	Node string
	// MaxFailures is how many failed lines the report keeps (those with
	// the lowest line numbers); 0 means 20. OnResult sees all of them.
	MaxFailures int
	// DownWait is how long lines wait for a node that does not answer (a
	// failover, a restart) before they are given up as not sent; 0 means
	// DefaultDownWait.
	DownWait time.Duration
	// OnResult, when set, is called for every line whose outcome is not
	// ok, as soon as it is decided (not in input order), one call at a
	// time. It must not call back into the batch.
	OnResult func(Result)
	// OnProgress, when set, is called every ProgressEvery from a goroutine
	// of its own, and once more at the end.
	OnProgress func(Progress)
	// ProgressEvery is the OnProgress period; 0 means 100ms.
	ProgressEvery time.Duration
}
