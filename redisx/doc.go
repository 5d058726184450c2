// Package redisx is luascope's scripting domain: it connects to a Redis
// (or Valkey) server, runs a script one round trip at a time so that each
// EVALSHA, NOSCRIPT, SCRIPT LOAD and retry can be shown as it happens, and
// keeps the exact wire reply of every round trip.
//
// The TUI and the headless CLI both call this package, so anything the
// TUI draws can be tested without a terminal. It never imports bubbletea
// or lipgloss.
//
// A Session owns every connection it opens (the run path, an admin
// connection, one per node for the cluster view, and the batch's
// per-node clients) and Close closes them all; see conns.go.
//
// Sub-packages:
//
//   - resp: exact reply trees, the RESP decoder and guard, JSON output
//   - classify: error classification and hints
//   - lint: checks a script before it is sent, without a server
//   - explain: how a Lua value became a reply
//   - ldb: a client for Redis's Lua debugger
//   - batch: one script over many KEYS/ARGV sets, pipelined per node
//   - sandbox: private redis-server processes for the sandbox and tests
//     (sandbox/sandboxtest starts them from a test)
//   - fakeserver: an in-process server for replies no real server sends
package redisx
