// Package examples is luascope's gallery of Redis Lua scripts that teach:
// each one shows a conversion rule, an error on purpose, a RESP3 shape or a
// pattern people use in production (rate limiters, locks, stock, queues,
// cluster-safe multi-key updates), with the keys, arguments and setup that
// make it run, and the exact reply a real server sends for it.
//
// The scripts are ordinary .lua files under scripts/, embedded in the
// binary, so they can be read, copied and run like any other script; the
// metadata (title, lesson, keys, args, setup, expected reply, tags) lives
// in one Go table next to them. The package has no Redis dependency: the
// CLI (`luascope examples`) and the TUI run an example through the same
// redisx code as any script, and the package's tests check every expected
// reply against a real redis-server for RESP2 and RESP3 callers.
package examples
