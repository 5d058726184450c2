package classify

import "strings"

// knownCodes are the error codes Redis and Valkey servers send (the first
// word of an error reply). A script can send any word; these are the ones
// with a meaning of their own.
var knownCodes = map[string]bool{
	"ERR": true, "WRONGTYPE": true, "NOSCRIPT": true, "BUSY": true, "NOTBUSY": true,
	"UNKILLABLE": true, "OOM": true, "READONLY": true, "NOPERM": true, "NOAUTH": true,
	"WRONGPASS": true, "CROSSSLOT": true, "MOVED": true, "ASK": true, "TRYAGAIN": true,
	"CLUSTERDOWN": true, "MASTERDOWN": true, "LOADING": true, "EXECABORT": true, "MISCONF": true,
	"NOREPLICAS": true, "BUSYKEY": true, "BUSYGROUP": true, "NOGROUP": true, "NOPROTO": true,
	"UNBLOCKED": true, "IOERR": true,
}

// lowerCodesOK are the codes also taken in lower case ("noscript no
// matching script…", typed by a person). Codes that are English words
// (busy, loading, moved, ask) are not, so a script's "busy doing x" stays
// the script's own error; their canonical texts are still recognised.
var lowerCodesOK = map[string]bool{
	"ERR": true, "WRONGTYPE": true, "NOSCRIPT": true, "NOTBUSY": true, "UNKILLABLE": true,
	"OOM": true, "READONLY": true, "NOPERM": true, "NOAUTH": true, "WRONGPASS": true,
	"CROSSSLOT": true, "TRYAGAIN": true, "CLUSTERDOWN": true, "MASTERDOWN": true,
	"EXECABORT": true, "MISCONF": true, "NOREPLICAS": true, "BUSYKEY": true, "BUSYGROUP": true,
	"NOGROUP": true,
}

// commandCodes are codes only commands produce: inside a script they mean
// redis.call failed (class command).
var commandCodes = map[string]bool{
	"WRONGTYPE": true, "BUSYKEY": true, "BUSYGROUP": true, "NOGROUP": true, "EXECABORT": true,
	"MISCONF": true, "NOREPLICAS": true, "NOPROTO": true, "UNBLOCKED": true, "IOERR": true,
}

// pyCodes maps the redis-py exceptions that drop the code from their
// message back to the code (redis/_parsers/base.py EXCEPTION_CLASSES).
var pyCodes = map[string]string{
	"NoScriptError":         "NOSCRIPT",
	"ReadOnlyError":         "READONLY",
	"OutOfMemoryError":      "OOM",
	"NoPermissionError":     "NOPERM",
	"BusyLoadingError":      "LOADING",
	"ExecAbortError":        "EXECABORT",
	"MovedError":            "MOVED",
	"AskError":              "ASK",
	"TryAgainError":         "TRYAGAIN",
	"ClusterDownError":      "CLUSTERDOWN",
	"MasterDownError":       "MASTERDOWN",
	"ClusterCrossSlotError": "CROSSSLOT",
}

// glueTexts are what the scripting glue says when it refuses a
// redis.call/pcall before any command runs (Redis 6.x, 7.x, Valkey):
//
//	Redis 7.x: Unknown Redis command called from script
//	           Wrong number of args calling Redis command from script
//	           This Redis command is not allowed from script
//	           Lua redis lib command arguments must be strings or integers
//	           Please specify at least one argument for this redis lib call
//	Valkey 8+: Unknown command called from script
//	           Wrong number of args calling command from script
//	           This Valkey command is not allowed from script
//	           Command arguments must be strings or integers
//	           Please specify at least one argument for this call
//	Redis 6.x: Unknown Redis command called from Lua script
//	           Wrong number of args calling Redis command From Lua script
//	           This Redis command is not allowed from scripts
//	           Lua redis() command arguments must be strings or integers
var glueTexts = []string{
	"called from script", "called from lua script", "calling redis command from",
	"calling command from script", "not allowed from script", "arguments must be strings or integers",
	"specify at least one argument",
}

func glueText(n string) bool {
	for _, t := range glueTexts {
		if strings.Contains(n, t) {
			return true
		}
	}
	return false
}

// luaRuntimeTexts are errors of Redis's Lua sandbox that only Lua raises,
// recognised with or without Lua's "user_script:N:" location (a C
// function such as setmetatable raises them without one).
var luaRuntimeTexts = []string{
	"attempt to modify a readonly table",
	"script attempted to access nonexistent global variable",
	"script attempted to create global variable", // Redis ≤ 6.2
}

func luaRuntimeText(n string) bool {
	for _, t := range luaRuntimeTexts {
		if strings.HasPrefix(n, t) {
			return true
		}
	}
	return false
}

// argumentTexts are argument errors of the command the client sent (EVAL,
// EVALSHA, FCALL: numkeys, arity). With a script trailer the same texts
// come from a command the script called instead.
var argumentTexts = []string{
	"number of keys can't be greater than number of args",
	"number of keys can't be negative",
	"value is not an integer or out of range",
	"wrong number of arguments for '",
	"value is not a valid float",
	"syntax error",
	"invalid number of keys",
	"bad number of keys provided", // FCALL's numkeys is not an integer
}

func argumentText(n string) bool {
	for _, t := range argumentTexts {
		if strings.HasPrefix(n, t) {
			return true
		}
	}
	return false
}

// commandTexts are ERR texts that Redis commands produce (server.c shared
// errors, t_*.c, object.c). With a trailer they mean the redis.call at
// that line failed. "no such key" is left out on purpose: see doc.go.
var commandTexts = []string{
	"wrong number of arguments", "unknown command", "unknown subcommand", "syntax error",
	"value is not an integer", "value is not a valid float", "value is out of range",
	"increment or decrement would overflow", "increment would produce nan or infinity",
	"index out of range", "invalid expire time", "bit offset is not an integer",
	"bit is not an integer", "string exceeds maximum allowed size", "min or max is not a float",
	"min or max not valid string range item", "hash value is not an integer",
	"hash value is not a float", "timeout is not a float", "timeout is negative",
	"timeout is out of range", "db index is out of range", "invalid db index",
	"source and destination objects are the same", "the id specified in xadd",
	"invalid stream id", "offset is out of range", "weight value is not a float",
	"resulting score is not a number", "options at the same time are not compatible",
	"invalid longitude", "invalid latitude", "unsupported unit provided",
	"operation against a key holding the wrong kind of value", "invalid ttl", "count should be",
	"count is out of range", "value is negative", "unknown option", "unsupported option",
	"not an integer or out of range",
}

func commandText(n string) bool {
	for _, t := range commandTexts {
		if strings.Contains(n, t) {
			return true
		}
	}
	return commandRe.MatchString(n)
}

// authText recognises authentication failures by text, for messages
// whose code was dropped (redis-py) or that use ERR (old servers).
func authText(n string) bool {
	for _, t := range []string{
		"invalid password", "invalid username-password pair", "authentication required",
		"without any password configured", "client sent auth, but no password is set",
		"wrong number of arguments for 'auth' command", "unauthenticated",
		"must be called with the client already authenticated",
	} {
		if strings.Contains(n, t) {
			return true
		}
	}
	return false
}

// Client-side failure texts: go-redis/net errors, redis-py exceptions,
// redis-cli messages. Timeouts are checked first: a dial that timed out
// is a timeout.
var (
	timeoutTexts = []string{
		"i/o timeout", "deadline exceeded", "timeout reading from", "timeout writing to",
		"timeout connecting to", "timed out", "connection pool timeout", "context canceled",
		"operation was canceled",
	}
	connectionTexts = []string{
		"connection refused", "connection reset", "broken pipe", "use of closed network connection",
		"client is closed", "unexpected eof", "no such host", "network is unreachable",
		"no route to host", "dial tcp", "dial unix", "connect: ", "tls: ", "x509: ",
		"handshake failure", "connection closed by server", "closed the connection",
		"error while reading from", "error while writing to", "could not connect",
		"connection pool exhausted", "connection aborted", "server closed", "connection lost",
	}
)

// clientFailure recognises a text that is not a server reply but a
// client-side failure. l is lower case.
func clientFailure(l, py string) (Class, bool) {
	switch py {
	case "TimeoutError":
		return Timeout, true
	case "ConnectionError":
		return Connection, true
	}
	for _, t := range timeoutTexts {
		if strings.Contains(l, t) {
			return Timeout, true
		}
	}
	if l == "eof" || strings.HasSuffix(l, ": eof") || strings.HasSuffix(l, " eof") {
		return Connection, true
	}
	for _, t := range connectionTexts {
		if strings.Contains(l, t) {
			return Connection, true
		}
	}
	return "", false
}
