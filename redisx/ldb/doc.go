// Package ldb is a client for the Lua debugger built into Redis (LDB), the
// protocol that `redis-cli --ldb` speaks, for a front-end that steps
// through a script, sets breakpoints and inspects variables.
//
// The debugger does not fit a request/response client such as go-redis:
// step and continue get no reply until the script stops again, which may
// be much later, and the session ends with two replies (an <endsession>
// log, then the script's normal reply) after which the server closes the
// connection. So a Session dials its own connection, writes each command
// as a RESP array and reads the replies itself with resp.Reader.
//
// A session, as verified against redis-server 7.0.15:
//
//   - SCRIPT DEBUG YES (ModeFork: the server forks, the child runs the
//     script, its writes are thrown away when it exits, the server keeps
//     serving) or SCRIPT DEBUG SYNC (ModeSync: the server itself runs the
//     script and serves no one else until it ends; writes are kept). Both
//     are per connection and refused inside a pipeline.
//   - EVAL script numkeys key... arg... starts the session. The first
//     reply is the stop before the first line that runs. EVALSHA is
//     refused while debugging, and FCALL cannot be debugged. EVAL_RO
//     starts a session too (luascope's read-only mode uses it): the
//     script, eval and redis commands then get "Write commands are not
//     allowed from read-only scripts" for every write, in the fork too.
//   - Each reply is an array of simple strings, one log line each (see
//     Line). Commands are Redis commands on the same connection: step,
//     next (the same as step), continue, list, whole, print, break, trace,
//     eval, redis, maxlen, abort, help, and their one-letter forms.
//   - The debugger reads one command at a time and drops whatever else was
//     in its buffer, so commands are never pipelined. Every argument must
//     be 1 to 1024 bytes and a command at most 1024 arguments: anything
//     else is a "protocol error" that aborts the script. Session checks
//     arguments before sending them and returns ErrBadArgument instead.
//   - The end: a reply whose last line is <endsession>, then the script's
//     reply (a runtime error, an abort or a compile error arrives there, as
//     an error reply), then the server closes the connection. A new
//     session needs a new connection (Start dials, authenticates and
//     selects the database again).
//   - If the client goes away while the script is stopped, the script
//     resumes without further stops and runs to its end (in sync mode its
//     writes are kept); it is killed only if it then runs past the busy
//     threshold (busy-reply-threshold / lua-time-limit). Close therefore
//     aborts a stopped script first.
//
// Server bugs this package works around, both in 7.0.15: removing a
// breakpoint other than the last one set ("break -N") corrupts the
// breakpoint list, so ClearBreak clears all and sets the others again; and
// an "eval" whose code raises a non-string error, such as the table that a
// failing redis.call raises, crashes the process running the script (the
// forked child, or in sync mode the server), so Eval wraps the code to turn
// such errors into strings.
//
// In a cluster, connect to the node that owns the slot of the script's
// keys (Options.Addr); following MOVED is the caller's job.
//
// Every text that comes from the server is kept raw: a script can log any
// bytes, so never print Line.Text, Var.Value or a Final reply without
// escaping it (resp.Escape, resp.Text).
package ldb
