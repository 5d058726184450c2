package classify

import (
	"strings"
	"sync"
)

// canonicalCodes is the code a class's errors carry, used when the text
// at hand lost it (typed in lower case, or copied from redis-py).
var canonicalCodes = sync.OnceValue(func() map[Class]string {
	return map[Class]string{
		NoScript: "NOSCRIPT", Busy: "BUSY", Unkillable: "UNKILLABLE", OOM: "OOM", ReadOnly: "READONLY",
		NoPerm: "NOPERM", CrossSlot: "CROSSSLOT", Moved: "MOVED", Ask: "ASK", TryAgain: "TRYAGAIN",
		ClusterDown: "CLUSTERDOWN", MasterDown: "MASTERDOWN", Loading: "LOADING",
	}
})

func effectiveCode(c Classification) string {
	if c.Prefix != "" {
		return c.Prefix
	}
	return canonicalCodes()[c.Class]
}

// pyErrClasses is redis-py's EXCEPTION_CLASSES["ERR"]: ERR texts mapped to
// a class by exact match of the text after "ERR " (redis/_parsers/base.py).
var pyErrClasses = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"max number of clients reached":                                                               "ConnectionError",
		"invalid password":                                                                            "AuthenticationError",
		"wrong number of arguments for 'auth' command":                                                "AuthenticationWrongNumberOfArgsError",
		"wrong number of arguments for 'AUTH' command":                                                "AuthenticationWrongNumberOfArgsError",
		"Error loading the extension. Please check the server logs.":                                  "ModuleError",
		"Error unloading module: no such module with that name":                                       "ModuleError",
		"Error unloading module: operation not possible.":                                             "ModuleError",
		"Error unloading module: the module exports one or more module-side data types, can't unload": "ModuleError",
		"AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?": "AuthenticationError",
		"Client sent AUTH, but no password is set": "AuthenticationError",
		"problem with LDAP service":                "ExternalAuthProviderError",
	}
})

// pyCodeClasses is the rest of redis-py's EXCEPTION_CLASSES: codes mapped
// to a class, the code then dropped from the message.
var pyCodeClasses = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"OOM": "OutOfMemoryError", "WRONGPASS": "AuthenticationError", "EXECABORT": "ExecAbortError",
		"LOADING": "BusyLoadingError", "NOSCRIPT": "NoScriptError", "READONLY": "ReadOnlyError",
		"NOAUTH": "AuthenticationError", "NOPERM": "NoPermissionError", "ASK": "AskError",
		"TRYAGAIN": "TryAgainError", "MOVED": "MovedError", "CLUSTERDOWN": "ClusterDownError",
		"CROSSSLOT": "ClusterCrossSlotError", "MASTERDOWN": "MasterDownError",
	}
})

// pyException is the redis-py exception class for a reply, found the way
// redis-py's parse_error finds it: by the first word, then for ERR by the
// exact rest of the text.
func pyException(code, msg string) string {
	if code == "ERR" {
		rest := msg
		if hasWordPrefix(rest, "ERR") {
			rest = strings.TrimSpace(rest[3:])
		}
		if cls, ok := pyErrClasses()[rest]; ok {
			return cls
		}
		return "ResponseError"
	}
	if cls, ok := pyCodeClasses()[code]; ok {
		return cls
	}
	return "ResponseError"
}

func redisPyNote(c Classification) string {
	if c.Source == SourceClient {
		switch c.Class {
		case Timeout:
			return "redis.exceptions.TimeoutError (socket_timeout passed); retried only as the client's Retry / retry_on_timeout allows, and the script may still be running."
		case Connection:
			return "redis.exceptions.ConnectionError; retried only as the client's Retry allows."
		case Arguments:
			return "redis.exceptions.DataError: redis-py refused the arguments before sending anything."
		}
		if c.Message == "" || c.Class == Unknown {
			return "Not a server reply: whatever the client raised."
		}
	}
	code := effectiveCode(c)
	exc := pyException(code, c.Message)
	switch exc {
	case "NoScriptError":
		if c.Class == Script {
			return "redis.exceptions.NoScriptError — so a register_script() Script would take it for a cache miss and run the script again."
		}
		return "redis.exceptions.NoScriptError (message without \"NOSCRIPT\"); Script objects from register_script() catch it, SCRIPT LOAD and retry."
	case "OutOfMemoryError":
		return "redis.exceptions.OutOfMemoryError (redis-py ≥ 4.6; ResponseError before), message without \"OOM\"."
	case "ReadOnlyError":
		return "redis.exceptions.ReadOnlyError (a ResponseError), message without \"READONLY\"."
	case "NoPermissionError":
		return "redis.exceptions.NoPermissionError (a ResponseError), message without \"NOPERM\"."
	case "BusyLoadingError":
		return "redis.exceptions.BusyLoadingError, a ConnectionError subclass, so the client's connection retries apply."
	case "AuthenticationError":
		return "redis.exceptions.AuthenticationError (a ConnectionError subclass), raised while connecting."
	case "AuthenticationWrongNumberOfArgsError":
		return "redis.exceptions.AuthenticationWrongNumberOfArgsError: this server takes AUTH <password> only (no ACL user names)."
	case "ExecAbortError":
		return "redis.exceptions.ExecAbortError (a ResponseError)."
	case "MovedError", "AskError":
		return "redis.exceptions." + exc + "; RedisCluster follows it and refreshes its slot map, a plain Redis client raises it."
	case "TryAgainError":
		return "redis.exceptions.TryAgainError; RedisCluster retries it."
	case "ClusterDownError":
		return "redis.exceptions.ClusterDownError; RedisCluster re-initialises and retries it."
	case "MasterDownError":
		return "redis.exceptions.MasterDownError (a ClusterDownError subclass)."
	case "ClusterCrossSlotError":
		return "redis.exceptions.ClusterCrossSlotError (a ResponseError)."
	case "ConnectionError":
		return "redis.exceptions.ConnectionError (redis-py maps \"max number of clients reached\" to it)."
	case "ModuleError", "ExternalAuthProviderError":
		return "redis.exceptions." + exc + "."
	}
	switch code {
	case "ERR":
		return "redis.exceptions.ResponseError, its message without the leading \"ERR \"."
	case "":
		return "redis.exceptions.ResponseError with the whole text."
	}
	return "redis.exceptions.ResponseError with the whole text (redis-py has no class for " + code + ")."
}

// goRedisTyped names go-redis's typed check for a code (proto's
// parseTypedRedisError), and whether go-redis retries it by itself
// (shouldRetry in error.go: LOADING, READONLY, CLUSTERDOWN, TRYAGAIN,
// MASTERDOWN, NOREPLICAS, max clients).
var goRedisTyped = map[string]struct {
	check string
	retry bool
}{
	"LOADING":     {"redis.IsLoadingError", true},
	"READONLY":    {"redis.IsReadOnlyError", true},
	"CLUSTERDOWN": {"redis.IsClusterDownError", true},
	"TRYAGAIN":    {"redis.IsTryAgainError", true},
	"MASTERDOWN":  {"redis.IsMasterDownError", true},
	"NOREPLICAS":  {"redis.IsNoReplicasError", true},
	"NOAUTH":      {"redis.IsAuthError", false},
	"WRONGPASS":   {"redis.IsAuthError", false},
	"NOPERM":      {"redis.IsPermissionError", false},
	"EXECABORT":   {"redis.IsExecAbortError", false},
	"OOM":         {"redis.IsOOMError", false},
}

func goRedisNote(c Classification) string {
	if c.Source == SourceClient {
		switch c.Class {
		case Timeout:
			return "A net.Error with Timeout() true (\"i/o timeout\") or context.DeadlineExceeded; a read timeout is retried (MaxRetries, default 3) on a new connection, so a script that ends in time can run twice — a context deadline is not retried."
		case Connection:
			return "A net/io error (connection refused, EOF, reset; redis.ErrClosed once closed); dial errors and EOF are retried up to MaxRetries before you see it."
		}
		if c.Message == "" || c.Class == Unknown {
			return "Not a server reply: whatever the client returned."
		}
	}
	code := effectiveCode(c)
	switch {
	case code == "NOSCRIPT" && c.Class == NoScript:
		return "A redis.Error with redis.ErrNoScript's text; Script.Run and RunRO see the NOSCRIPT prefix and re-send the source with EVAL, so only a direct EvalSha returns it."
	case code == "NOSCRIPT":
		return "A redis.Error starting with NOSCRIPT, so Script.Run would take it for a cache miss and run the script again with EVAL."
	case code == "MOVED" || code == "ASK":
		check := "redis.IsMovedError"
		if code == "ASK" {
			check = "redis.IsAskError"
		}
		return "A ClusterClient follows it itself (up to MaxRedirects, default 3) and reloads its slot map; a plain Client returns it (" + check + ")."
	case code == "READONLY" || strings.Contains(c.Message, "-READONLY You can't write against a read only replica"):
		return "redis.IsReadOnlyError(err) is true; a Client drops the connection and retries up to MaxRetries, a ClusterClient reloads its slot map and retries, before you see it."
	case code == "ERR" && strings.HasPrefix(c.Message, "ERR max number of clients reached"):
		return "redis.IsMaxClientsError(err) is true; retried up to MaxRetries with backoff before you see it."
	}
	if t, ok := goRedisTyped[code]; ok {
		if t.retry {
			return t.check + "(err) is true; go-redis retries it up to MaxRetries (default 3) with backoff before returning it."
		}
		if c.Class == Auth {
			return t.check + "(err) is true; it comes from the connection handshake (HELLO/AUTH), so every command fails alike, without retries."
		}
		return t.check + "(err) is true; not retried."
	}
	if c.Class == Auth {
		return "A redis.Error from the connection handshake (HELLO/AUTH), so every command fails alike; redis.IsAuthError is false for this text, match the text."
	}
	if code == "" || code == "ERR" {
		return "A redis.Error whose Error() is this text (redis.HasErrorPrefix ignores a leading \"ERR \"); not retried."
	}
	return "A redis.Error whose Error() is this text (redis.HasErrorPrefix(err, \"" + code + "\")); not retried."
}
