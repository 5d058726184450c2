// Package redisx is luascope's scripting domain: it connects to a Redis
// (or Valkey) server, runs a script one round trip at a time so that each
// EVALSHA, NOSCRIPT, SCRIPT LOAD and retry can be shown as it happens, and
// keeps the exact wire reply of every round trip.
//
// The TUI and the headless CLI both call this package, so anything the
// TUI draws can be tested without a terminal. It never imports bubbletea
// or lipgloss.
//
// Sub-packages: resp (exact reply trees), classify (error classification)
// and sandbox (private redis-server processes for the sandbox and tests).
package redisx
