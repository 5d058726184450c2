package classify

import (
	"sync"
	"unicode/utf8"

	"luascope/redisx/resp"
)

// Class names a kind of script failure. The values are stable lower-case
// words: they appear in `luascope run --json` output and users' scripts
// match on them, so never rename one.
type Class string

// The classes, roughly in the order a run can fail: before the script
// runs (noscript, compile, arguments), while it runs (runtime, command,
// script…), because of server state (busy, oom, readonly…), cluster
// redirections, and on the client side (timeout, connection).
const (
	NoScript    Class = "noscript"     // EVALSHA of a SHA the server's script cache does not hold
	Compile     Class = "compile"      // the Lua (or a FUNCTION LOAD library, or the #! line) was rejected before running
	Runtime     Class = "runtime"      // Lua itself failed while running: nil call, global access, bad arithmetic…
	Command     Class = "command"      // a Redis command called with redis.call returned an error
	Script      Class = "script"       // the script reported the error on purpose (error_reply, {err=…})
	Busy        Class = "busy"         // another script is past busy-reply-threshold; the server only takes KILL/SHUTDOWN
	Killed      Class = "killed"       // the script was stopped by SCRIPT KILL / FUNCTION KILL
	Unkillable  Class = "unkillable"   // SCRIPT KILL refused: the running script already wrote
	OOM         Class = "oom"          // used memory is over maxmemory, writes are refused
	ReadOnly    Class = "readonly"     // a write on a read-only replica
	WriteDenied Class = "write_denied" // a write from a read-only run (EVAL_RO, FCALL_RO, no-writes flag)
	NoPerm      Class = "noperm"       // the ACL user may not run that command or touch that key/channel
	Auth        Class = "auth"         // not authenticated, or wrong user/password
	CrossSlot   Class = "crossslot"    // keys in different cluster hash slots, or a key of another node
	Moved       Class = "moved"        // cluster: the slot is served by another node
	Ask         Class = "ask"          // cluster: the slot is being migrated, ask the other node
	TryAgain    Class = "tryagain"     // cluster: keys of a migrating slot are split between nodes
	ClusterDown Class = "clusterdown"  // cluster: the slot is not served right now
	MasterDown  Class = "masterdown"   // a replica lost its primary and refuses stale reads
	Loading     Class = "loading"      // the server is still loading its dataset
	Arguments   Class = "arguments"    // EVAL/FCALL (or another command) was called with bad arguments
	Timeout     Class = "timeout"      // the client gave up waiting for the reply
	Connection  Class = "connection"   // the client could not reach the server, or the connection broke
	Unknown     Class = "unknown"      // none of the above
)

// Classes returns every Class in declaration order, for legends, docs and
// tests that must cover them all. It returns a new slice each time.
func Classes() []Class {
	return []Class{NoScript, Compile, Runtime, Command, Script, Busy, Killed, Unkillable, OOM,
		ReadOnly, WriteDenied, NoPerm, Auth, CrossSlot, Moved, Ask, TryAgain, ClusterDown,
		MasterDown, Loading, Arguments, Timeout, Connection, Unknown}
}

// Valid reports whether c is one of the declared classes, so decoders of
// the JSON contract can reject values from a newer luascope.
func (c Class) Valid() bool {
	_, ok := explanations()[c]
	return ok
}

// Explain returns a short paragraph on what the class means and what
// usually causes it, for help screens and `luascope explain`; "" for a
// value that is not a declared class.
func (c Class) Explain() string {
	return explanations()[c]
}

// Source says which layer produced the error: it tells the reader where
// to look (the cache, the Lua source, the command the script called, the
// server's state, the cluster, the ACL, or the client).
type Source string

// The sources.
const (
	SourceCache     Source = "cache"      // the server's script cache (NOSCRIPT)
	SourceCompiler  Source = "compiler"   // the Lua compiler or FUNCTION LOAD
	SourceScript    Source = "script"     // the script's own code (Lua errors, error_reply)
	SourceRedisCall Source = "redis.call" // a command the script called
	SourceServer    Source = "server"     // the server's state or the EVAL command itself
	SourceCluster   Source = "cluster"    // cluster slot routing
	SourceACL       Source = "acl"        // authentication and ACL permissions
	SourceClient    Source = "client"     // the client library or the network, not a reply
)

// Clients says what a user of each client library sees for this error:
// the exception class or error value, and whether the library retries or
// redirects it by itself. One short sentence each.
type Clients struct {
	RedisPy string `json:"redis-py"`
	GoRedis string `json:"go-redis"`
}

// Classification is the result of Classify. The JSON fields are part of
// the public `--json` contract; the fields tagged "-" are conveniences
// for Go callers and may grow.
type Classification struct {
	Class   Class   `json:"class"`
	Source  Source  `json:"source"`
	Message string  `json:"message"` // the error text as received, without "(error) ", "-" or an exception name
	SHA     string  `json:"sha"`     // script SHA1 named in the message, "" if none
	Line    int     `json:"line"`    // script line named in the message, 0 if none
	Hint    string  `json:"hint"`    // one sentence: what to do
	Clients Clients `json:"clients"`

	Prefix   string `json:"-"` // the error code the server sent: "ERR", "WRONGTYPE", "NOSCRIPT"…; "" if none
	Command  string `json:"-"` // the Redis command the message names, lower case ("incr"), "" if none
	Function string `json:"-"` // the function named: an FCALL function or Redis 6's f_<sha>
	Slot     int    `json:"-"` // MOVED/ASK: the hash slot
	Addr     string `json:"-"` // MOVED/ASK: the node that serves the slot
}

// MarshalJSON writes the contract's fields; a message whose bytes are not
// UTF-8 (a script's error_reply of binary data, a pasted Latin-1 log) is
// {"hex":"…"}, as replies and arguments are, instead of losing bytes to
// U+FFFD.
func (c Classification) MarshalJSON() ([]byte, error) {
	type plain Classification
	if utf8.ValidString(c.Message) {
		return resp.EncodeJSON(plain(c))
	}
	return resp.EncodeJSON(struct {
		plain
		Message resp.ByteString `json:"message"`
	}{plain(c), resp.ByteString(c.Message)})
}

var explanations = sync.OnceValue(func() map[Class]string {
	return map[Class]string{
		NoScript: "The server was asked to run a script by its SHA1 (EVALSHA) but its script cache does not " +
			"hold that SHA. The cache is per server, is not replicated, and is emptied by a restart, a " +
			"failover to a replica that never saw the script, or SCRIPT FLUSH. Clients handle this by " +
			"sending the source again (EVAL or SCRIPT LOAD); the script itself is not at fault. For " +
			"functions the equivalent is \"Function not found\": the library was never loaded on that server.",
		Compile: "The Lua source did not compile, so nothing ran and nothing was cached. The message names " +
			"the line (user_script:N or user_function:N). The same class covers a library that FUNCTION LOAD " +
			"refused and a #! line with an unknown engine or flag.",
		Runtime: "Lua itself failed while the script ran: calling or indexing a nil value, reading an " +
			"undeclared global (Redis forbids globals), writing a global (\"Attempt to modify a readonly " +
			"table\" since 7.0), arithmetic on a non-number, a cjson decode error… Lua prefixes these with " +
			"user_script:N:, which is how they are told apart. Writes made before the failing line are " +
			"not rolled back.",
		Command: "A Redis command the script called with redis.call returned an error (WRONGTYPE, wrong " +
			"number of arguments, not an integer…), and redis.call turned it into a Lua error that ended " +
			"the script. Earlier writes stay. redis.pcall returns the error to the script instead, so the " +
			"script can handle it.",
		Script: "The script reported this error on purpose: it returned redis.error_reply(...) or {err=...}, " +
			"or raised error({err=...}). The script was found and ran; the text is the script's own, so the " +
			"fix is in the script's logic or its inputs, never in the script cache. A message such as " +
			"\"no such key\" is easy to misread as a missing script.",
		Busy: "A script (or function) has been running longer than busy-reply-threshold (lua-time-limit, " +
			"5 s by default). Redis is single-threaded: until the script ends, every other client gets BUSY " +
			"and only SCRIPT KILL, FUNCTION KILL or SHUTDOWN NOSAVE are accepted.",
		Killed: "The script was stopped by SCRIPT KILL or FUNCTION KILL. Redis only allows that while the " +
			"script has not written anything, so the dataset is unchanged.",
		Unkillable: "SCRIPT KILL was refused because the running script has already written: killing it " +
			"would break the all-or-nothing promise of scripts. The only ways out are waiting for it or " +
			"SHUTDOWN NOSAVE, which loses the writes since the last save.",
		OOM: "Used memory is over maxmemory and the eviction policy could not free enough, so commands that " +
			"may grow memory are refused. A script's first write is checked (nothing is changed); a script " +
			"with a shebang is checked before it starts unless it declares allow-oom.",
		ReadOnly: "A write reached a read-only replica. Scripts that write must run on the primary; read-only " +
			"scripts can declare #!lua flags=no-writes and run with EVAL_RO on replicas.",
		WriteDenied: "The run was declared read-only (EVAL_RO, EVALSHA_RO, FCALL_RO, or a script or function " +
			"with the no-writes flag) and the script tried to write, or a script that may write was sent " +
			"with a *_RO command.",
		NoPerm: "The ACL user running the script may not run that command or touch that key or channel. " +
			"Inside a script the check is made for every redis.call, as the calling user. ACL LOG shows " +
			"the refusal.",
		Auth: "The connection is not authenticated, or the user name or password is wrong (or the user is " +
			"disabled). Clients authenticate while connecting, so every command fails the same way.",
		CrossSlot: "In Redis Cluster every key a command, or a script, touches must hash to the same slot " +
			"(and live on the node that runs it). Group keys with a {hash tag} and pass them in KEYS.",
		Moved: "Cluster redirection: the slot of the key is served by another node. Cluster clients follow " +
			"it and refresh their slot map.",
		Ask: "Cluster redirection during a slot migration: this key is already on the target node; send " +
			"ASKING then the command there. Cluster clients do this themselves.",
		TryAgain: "During a slot migration a multi-key command (or script) found some keys on each node; " +
			"retrying shortly succeeds once the migration moves on.",
		ClusterDown: "The cluster cannot serve the slot right now (no node owns it, or the cluster is failed " +
			"or read-only). Usually temporary during failover.",
		MasterDown: "A replica lost the link to its primary and is configured not to serve stale data " +
			"(replica-serve-stale-data no).",
		Loading: "The server is loading its dataset from disk after a start and refuses most commands until " +
			"it is done.",
		Arguments: "The command itself was called with bad arguments: for EVAL/FCALL that is usually numkeys, " +
			"which must be an integer from 0 to the number of arguments that follow, keys first.",
		Timeout: "The client stopped waiting for the reply. The script may still be running on the server, " +
			"and some clients (go-redis) re-send a command after a read timeout, so it may run again.",
		Connection: "The client could not connect, or the connection broke (refused, reset, EOF, TLS). The " +
			"script may or may not have run.",
		Unknown: "An error luascope does not recognise. Read the text as it is; a script can return any " +
			"text as an error.",
	}
})
