// Package classify turns the error a Redis or Valkey server (or a client
// library) reports for a Lua script into a Classification: what kind of
// failure it is, where it came from, the script SHA and line it names, one
// sentence on what to do, and what redis-py and go-redis make of it.
//
// The point is teaching, so the classes follow the questions a person asks
// when a script fails: did the script run at all (noscript, compile,
// busy…), did Lua itself fail (runtime), did a command the script called
// fail (command), or did the script report the error on purpose (script)?
// The classic misdiagnosis is reading `no such key script: 8716…` as "the
// script is missing from the cache"; it is an error the script raised
// itself, and reloading the cache changes nothing.
//
// # What the server sends (Redis 7.0+ and Valkey)
//
// An error that ends a script carries a trailer naming the script:
//
//	<message> script: <sha or function name>, on @user_script:<line>.
//
// Redis 6.x and older wrapped the same information around the front:
//
//	ERR Error running script (call to f_<sha>): @user_script:<line>: <message>
//
// Classify takes the trailer or the envelope off and reads the message:
//
//   - runtime: the message starts with Lua's own location, `user_script:N:`
//     (after "ERR "). Lua adds that location to every error it raises from a
//     string: a nil call, a global read or write, bad arithmetic, and also
//     error("text") from the script. A plain error("text") is therefore a
//     runtime error by its text; scripts that mean to fail should use
//     error({err=…}) or return redis.error_reply(…).
//   - command: the message is one a Redis command (called with redis.call)
//     or the scripting glue itself produces: an error code of the command
//     family (WRONGTYPE, BUSYKEY, NOGROUP, EXECABORT, MISCONF…), an ERR text
//     known to come from commands ("wrong number of arguments for 'get'
//     command", "value is not an integer or out of range", "syntax error",
//     "… in 'set' command"…) or the scripting glue ("Unknown Redis command
//     called from script", "Wrong number of args calling Redis command from
//     script", "Lua redis lib command arguments must be strings or
//     integers", and Valkey's "Unknown command called from script"…).
//     OOM, READONLY, ACL, cluster and read-only-script refusals raised by
//     redis.call get their own classes (oom, readonly, noperm, crossslot,
//     write_denied…) with source redis.call.
//   - script: anything else that carries the trailer (the server appends it
//     to whatever error({err=…}) raised, e.g. `no such key script: …`), and
//     a reply without trailer whose first word is not a Redis error code
//     (`return redis.error_reply('no such key')` arrives as `no such key`:
//     since 7.0 error_reply takes the first word as the code). `no such key`
//     is always classed script, with or without "ERR": RENAME and LSET of a
//     missing key say "ERR no such key" too, and the hint says so.
//
// Without a trailer, EVAL's own argument errors ("Number of keys can't be
// greater than number of args", "value is not an integer or out of range",
// "wrong number of arguments for 'eval' command") are class arguments; the
// same texts with a trailer come from a command the script called.
//
// Classify also accepts what people paste: redis-cli lines ("(error) …"),
// RESP lines ("-ERR …"), redis-py exception lines (whose message has lost
// its "ERR " or its code, e.g. "redis.exceptions.NoScriptError: No matching
// script. Please use EVAL."), go-redis error strings, wrapped Go errors
// ("eval: ERR …"), redis-server log lines and whole tracebacks (the last
// line that says something wins). ClassifyError does the same for Go
// errors and recognises timeouts and connection failures by type.
package classify
