// Package batch runs one script over many KEYS/ARGV sets, pipelined per
// node: `luascope batch` and the TUI's batch overlay.
//
// The input is streamed: a reader goroutine parses one line at a time,
// routes it (cluster: the primary owning its first key's slot), encodes
// its call as RESP into a chunk of that node's and hands the node chunks
// of up to a pipeline, through queues under one budget of two chunks per
// connection and two dozen per node (so that a node that falls behind
// does not hold back the others);
// chunks are recycled once their lines have their outcomes, so a call
// costs no allocation. Each node has Options.Connections
// lanes (conn.go): a connection that go-redis dials and authenticates with
// the session's settings, on which the lane writes pipelines of EVALSHA
// itself, keeping two to eight in flight (maxInFlight: the next written before the previous
// one's replies are read), and reads the replies itself, behind the same
// resp.Guard as every connection, keeping only whether each is an error
// and its text. Only counters, a fixed-size latency histogram and the
// first few failures are kept, so memory is proportional to pipeline
// depth × connections, never to the input's size.
//
// Every line ends with exactly one outcome. A line is only retried when
// the server said it did not run (NOSCRIPT, MOVED, ASK, CLUSTERDOWN,
// TRYAGAIN, LOADING) or when it was never written (its node could not be
// reached); a line whose reply did not arrive is "unknown", never resent.
//
// Files by concern: outcome.go and report.go are the contract (the
// outcomes, the report and its text and JSON forms), parse.go the input
// format, run.go the entry point, input.go the reader, route.go cluster
// routing, slot.go key slots, worker.go the per-node queues and their
// lanes, conn.go a lane's connection (RESP out, replies checked in),
// rawconn_linux.go its socket calls, tally.go the bookkeeping of
// outcomes, latency.go the latency histogram.
package batch
