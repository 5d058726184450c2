// Package incident answers the two questions of a script incident on a
// live server: what is running now and how to stop it (Probe, Kill), and
// which scripts and functions were slow (SlowLog, Group), each mapped
// back to a source where one is known (Resolver). The Resolver is the one
// place that maps a SHA to its source, for busy, slowlog and cache --sha
// alike: a node's own copy (Show, SCRIPT SHOW on Valkey 8.0+), the files
// given, luascope's run history.
//
// What a BUSY server answers decides the design. Past
// busy-reply-threshold (lua-time-limit) a server runs only the commands
// flagged allow-busy: HELLO, FUNCTION STATS, SCRIPT KILL, FUNCTION KILL,
// SHUTDOWN. INFO, CLIENT LIST, SLOWLOG, CONFIG GET and CLUSTER NODES are
// refused with BUSY (checked on redis-server 7.0.15). So Probe asks
// FUNCTION STATS only: its running_script names a running function and
// the command that called it; while an EVAL script runs, FUNCTION STATS
// itself answers BUSY (it reports functions only), which is how an EVAL
// script is told from a function without reading the error's words. The
// SHA of a running EVAL script cannot be learnt while it runs; once it
// has ended (or was killed) the slow log has it.
package incident
