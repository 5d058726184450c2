// Package sandbox starts private redis-server processes on loopback for
// the TUI's sandbox mode and for tests: a standalone server, a
// primary+replica pair and a 6-node cluster. Real servers, never a mock:
// their error texts, RESP3 and scripting behaviour are what luascope shows.
package sandbox
