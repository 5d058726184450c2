package classify

import (
	"fmt"
	"strings"

	"luascope/redisx/resp"
)

// finish fills the hint and the client notes once class and fields are
// known. key selects a variant of the class's hint ("" for the default).
// They are luascope's sentences but quote the message (a redirect's
// address, a command's name), so they are made printable here: a
// program that prints them from --json (jq -r .error.hint) gets no
// escape sequence from the server either.
func finish(c Classification, key string) Classification {
	c.Hint = resp.Printable(hint(c, key))
	c.Clients = Clients{RedisPy: resp.Printable(redisPyNote(c)), GoRedis: resp.Printable(goRedisNote(c))}
	return c
}

// at is " at line N" when the message names a line.
func at(c Classification) string {
	if c.Line > 0 {
		return fmt.Sprintf(" at line %d", c.Line)
	}
	return ""
}

func hint(c Classification, key string) string {
	n := strings.ToLower(c.Message)
	switch c.Class {
	case NoScript:
		if key == "function" {
			return "No library on this server registers that function: FUNCTION LOAD the library first (functions persist and replicate, unlike the script cache)."
		}
		return "This server's script cache does not hold that SHA (restart, failover, SCRIPT FLUSH or another node): send the source with EVAL or SCRIPT LOAD it, then EVALSHA again."
	case Compile:
		switch key {
		case "function":
			return "FUNCTION LOAD refused the library" + at(c) + ": fix it and load it again (nothing was loaded)."
		case "shebang-eol":
			return "The script is a #! line alone: Redis needs a newline after it, then the body (an empty body is fine)."
		case "shebang":
			return "The #! line is wrong: use #!lua with flags from no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys."
		}
		return "The Lua did not compile" + at(c) + ": fix the syntax there (nothing ran and nothing was cached)."
	case Runtime:
		return runtimeHint(c, n)
	case Command:
		return commandHint(c, key)
	case Script:
		switch key {
		case "nosuchkey":
			if c.Prefix == "ERR" {
				return "The script itself returned this error (error_reply / {err=…}); the script ran — reloading the cache will not help (a redis.call RENAME or LSET on a missing key says the same)."
			}
			return "The script itself returned this error (error_reply / {err=…}); the script ran — reloading the cache will not help."
		case "nosuchkey-raised":
			if c.Prefix == "ERR" {
				return raised(c, " (a redis.call RENAME or LSET on a missing key says the same)")
			}
			return raised(c, "")
		case "raised":
			return raised(c, "")
		}
		return "The script itself returned this error (error_reply / {err=…}); the script ran — reloading the cache will not help."
	case Busy:
		return "A script has run past busy-reply-threshold and the server only accepts SCRIPT KILL, FUNCTION KILL or SHUTDOWN NOSAVE: kill it (if it has not written) or wait for it."
	case Killed:
		return "SCRIPT KILL / FUNCTION KILL stopped the script before it wrote anything: make it finish sooner (smaller batches) and run it again."
	case Unkillable:
		return "The running script has already written, so Redis will not kill it: wait for it, or SHUTDOWN NOSAVE and lose writes since the last save."
	case OOM:
		if key == "flag" {
			return "Memory is over maxmemory and the script does not declare allow-oom: free memory or raise maxmemory (or add flags=allow-oom / no-writes if it only reads or must run anyway)."
		}
		return "Memory is over maxmemory so writes are refused (the script's first write was stopped before anything changed): free memory, raise maxmemory or use an eviction policy."
	case ReadOnly:
		if key == "flag" {
			return "This node is a read-only replica and the script may write: run it on the primary, or declare #!lua flags=no-writes if it only reads."
		}
		return "This node is a read-only replica: run scripts that write on the primary (read-only scripts can use #!lua flags=no-writes and EVAL_RO on replicas)."
	case WriteDenied:
		if key == "flag" {
			return "EVAL_RO / FCALL_RO only run scripts that declare no-writes: add #!lua flags=no-writes (if it really only reads) or call EVAL / FCALL."
		}
		return "This run may not write (EVAL_RO, FCALL_RO or a no-writes flag)" + at(c) + ": remove the write, or run it with EVAL / FCALL without the no-writes flag."
	case NoPerm:
		what := "that command or key"
		if c.Command != "" {
			what = "'" + c.Command + "'"
		}
		return "The ACL user may not run " + what + " (inside a script each redis.call is checked too): grant it with ACL SETUSER or run as another user; ACL LOG shows the refusal."
	case Auth:
		if key == "nopass" {
			return "The server has no password set for this user: drop the password from the client, or configure requirepass / ACL users."
		}
		return "Authenticate with the right user and password (AUTH, HELLO … AUTH, go-redis Options.Username/Password) and check that the user is on."
	case CrossSlot:
		return "In a cluster all keys of one command or script must share a hash slot: pass them in KEYS and group them with a {hash tag}."
	case Moved:
		return "The slot is served by " + orNode(c.Addr) + ": use a cluster client (it follows MOVED) or send the call to that node."
	case Ask:
		return "The slot is migrating to " + orNode(c.Addr) + ": send ASKING and the call to that node (cluster clients do this)."
	case TryAgain:
		return "The keys' slot is in the middle of a migration: retry after a short pause."
	case ClusterDown:
		return "The cluster cannot serve this slot right now (failover, or no node owns it): check CLUSTER INFO and retry later."
	case MasterDown:
		if strings.Contains(n, "can not execute the command on a stale replica") {
			return "The script may run on a stale replica (it is allow-stale), but a command it called may not: only commands marked safe on stale data (INFO, for one) answer there. Read from the primary, or wait for the replica's link."
		}
		return "This replica lost its primary and does not serve stale data: wait for the link, use the primary, or declare read-only scripts allow-stale."
	case Loading:
		return "The server is still loading its dataset: retry when INFO persistence shows loading:0."
	case Arguments:
		return argumentsHint(c, n)
	case Timeout:
		if key == "handshake" {
			return "The server accepted the connection but did not answer HELLO in time, so no script was sent: it may be overloaded, paused (a long fork, DEBUG SLEEP), behind a proxy that is down, or not Redis at all (a TLS port without --tls?). --timeout waits longer."
		}
		return "No reply in time: the script may still be running on the server (and go-redis may have sent it again) — raise the read timeout or make the script shorter."
	case Connection:
		if key == "maxclients" {
			return "The server refused the connection at maxclients: close idle connections or raise maxclients."
		}
		if key == "protocol" {
			return "The server sent bytes that are not a Redis reply, or a header promising more than any server sends: luascope dropped the connection instead of trusting it. Is this port really Redis (not a proxy, TLS port or other service)? The script may or may not have run."
		}
		if key == "dial" {
			return "The client could not connect, so nothing was sent and the script did not run: check the address, that the server runs, firewalls and TLS."
		}
		return "The client could not reach the server or the connection broke: check the address, that the server runs, and TLS; the script may or may not have run."
	}
	switch key {
	case "pasted":
		return "This does not look like a Redis error: paste the error line itself (redis-cli's \"(error) …\", the client exception's message, or a server log line)."
	case "notbusy":
		return "No script is running, so there is nothing to kill."
	case "nocluster":
		return "The script declares no-cluster: run it on a standalone server, or remove the flag."
	case "nil":
		return "redis.Nil is a nil reply (a script returning nil or false, GET of a missing key), not an error."
	}
	if c.Message == "" {
		return "No error text was given."
	}
	return "Not an error luascope knows: read it as it is; if your script returns error_reply or {err=…}, it may be the script's own error."
}

// raised is the hint for an error the script raised with error({err=…}).
func raised(c Classification, also string) string {
	return "The script raised this error on purpose" + at(c) + " (error({err=…}) or error(redis.error_reply(…))): it was found and ran, the cache is fine — reloading it will not help" + also + "."
}

// orWord is w, or else def when w is empty.
func orWord(w, def string) string {
	if w == "" {
		return def
	}
	return w
}

func orNode(addr string) string {
	if addr == "" {
		return "another node"
	}
	return addr
}

func runtimeHint(c Classification, n string) string {
	l := at(c)
	switch {
	case strings.Contains(n, "nonexistent global variable"):
		return "The script reads an undeclared global" + l + ": declare it with local (Redis forbids globals) or fix the spelling; KEYS and ARGV are the only inputs."
	case strings.Contains(n, "attempt to modify a readonly table"):
		return "The script assigns a global or changes a table Redis protects (redis, string, cjson, _G…)" + l + ", which Redis 7+ forbids: declare the variable with local and keep your own values in your own tables."
	case strings.Contains(n, "attempt to call"):
		return "The script calls something that is nil" + l + ": check the name (redis.call, redis.pcall, cjson.encode…) and that this server's Lua API has it."
	case strings.Contains(n, "attempt to index"):
		return "The script indexes a nil value" + l + ": a missing KEYS/ARGV entry, or redis.call returned false for a missing key."
	case strings.Contains(n, "attempt to perform arithmetic") || strings.Contains(n, "attempt to compare"):
		return "Arithmetic or comparison on a non-number" + l + ": ARGV values and replies are strings (convert with tonumber) and a missing key reads as false."
	case strings.Contains(n, "attempt to concatenate"):
		return "Concatenation of a nil or boolean" + l + ": redis.call returns false for a missing key; test it or use tostring."
	case strings.Contains(n, "stack overflow"):
		return "The script recursed too deep" + l + ": make the recursion finite or iterate instead."
	}
	return "Lua failed while running" + l + ": fix the script there; writes made before that line are not rolled back."
}

func commandHint(c Classification, key string) string {
	l := at(c)
	call := "a redis.call"
	if c.Command != "" {
		call = "redis.call('" + c.Command + "')"
	}
	inScript := c.Source == SourceRedisCall
	switch key {
	case "wrongtype":
		if inScript {
			return "The key used" + l + " holds another type than the command expects (check TYPE); the script stopped there and earlier writes stay."
		}
		return "The key holds another type than the command expects: check TYPE key."
	case "glue":
		return "The script called Redis incorrectly" + l + " (unknown command, wrong arity, non-string argument or a command scripts may not run): fix that redis.call."
	case "misconf":
		return "The server cannot persist (RDB/AOF error) and refuses writes: fix the disk problem (see the server log) or check stop-writes-on-bgsave-error."
	case "noreplicas":
		return "Too few replicas are connected for min-replicas-to-write: bring replicas back or lower that setting."
	case "block":
		return "A script may not block: " + strings.ToUpper(orWord(c.Command, "XREAD")) + " with BLOCK was refused" + l + " (Redis 7.4+ and Valkey run it without blocking): drop BLOCK and read what is there, or block in the client instead of the script."
	case "clusterdb":
		if inScript {
			return "A cluster has only database 0, so " + call + " was refused" + l + ": keep every key in database 0 (use key prefixes or hash tags instead of databases)."
		}
		return "A cluster has only database 0: drop SELECT (and the client's db option, redis-cli -n, /db in the URL) and use key prefixes instead of databases; a script's redis.call('select') is refused the same way."
	}
	if inScript {
		return call + " failed" + l + " and ended the script (earlier writes stay): fix its arguments, or use redis.pcall to handle the error in Lua."
	}
	return "The command failed: check its arguments and the key's type."
}

func argumentsHint(c Classification, n string) string {
	switch {
	case strings.Contains(n, "bad number of keys provided"):
		return "FCALL's numkeys (the argument after the function name) must be an integer: FCALL name numkeys key… arg…."
	case strings.HasPrefix(strings.TrimPrefix(n, "err "), "value is not an integer"):
		return "numkeys (the argument after the script or SHA) must be an integer — or, if the script returned redis.pcall's error, the command inside it failed."
	case strings.Contains(n, "number of keys"):
		return "numkeys must be between 0 and the number of arguments after it: list the keys first, then ARGV."
	case c.Command != "":
		return "Wrong arguments for '" + c.Command + "': check the command's syntax (EVAL script numkeys key… arg…)."
	}
	return "The command was called with bad arguments: check its syntax (EVAL script numkeys key… arg…)."
}
