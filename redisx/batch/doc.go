// Package batch runs one script over many KEYS/ARGV sets, pipelined per
// node: `luascope batch` and the TUI's batch overlay.
//
// The input is streamed: a reader goroutine parses one line at a time,
// routes it (cluster: the primary owning its first key's slot), builds its
// go-redis command and hands it to that node's worker in chunks of up to a
// pipeline, through a channel of two chunks. Each worker sends up to
// --pipeline lines per round trip on its node's go-redis connection (the
// session's: redisx.Session.NodeClient), nodes in parallel. Only counters,
// a fixed-size latency histogram and the first few failures are kept, so
// memory is proportional to pipeline depth × nodes (a few pipelines per
// node), never to the input's size.
//
// Every line ends with exactly one outcome. A line is only retried when
// the server said it did not run (NOSCRIPT, MOVED, ASK, CLUSTERDOWN,
// TRYAGAIN, LOADING) or when it was never written (its node could not be
// reached); a line whose reply did not arrive is "unknown", never resent.
//
// Files by concern: outcome.go and report.go are the contract (the
// outcomes, the report and its text and JSON forms), parse.go the input
// format, run.go the entry point, input.go the reader, route.go cluster
// routing, worker.go the per-node workers, tally.go the bookkeeping of
// outcomes, latency.go the latency histogram.
package batch
