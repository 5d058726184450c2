// Package sandbox starts private redis-server processes on loopback for
// the TUI's sandbox mode and for tests: a standalone server, a
// primary+replica pair and a 6-node cluster. Real servers, never a mock:
// their error texts, RESP3 and scripting behaviour are what luascope shows.
//
// Every server gets its own temporary directory (config, log, socket,
// nodes.conf), no persistence, and a free port on 127.0.0.1, so tests of
// many packages can run at once; a port lost to another process between
// choosing and binding it is retried on a new one. Start returns only once
// the server answers PING with its own process id, so callers never poll.
//
// Servers die with the process that started them: on Linux the kernel
// kills them (Pdeathsig) if luascope crashes, and StopAll stops the rest
// from a signal handler. Stop, Kill and Restart let tests simulate a
// crash, a failover or a reconnect.
//
// valkey-server works in place of redis-server; Server.Version reports its
// own version. Tests that need a newer server than the one installed can
// check Server.AtLeast and skip.
package sandbox
