package ldb

import (
	"errors"

	"luascope/redisx/resp"
)

var (
	// ErrEnded is returned by commands sent after the session ended: the
	// server has closed the connection, so start a new Session.
	ErrEnded = errors.New("ldb: the debugging session has ended")

	// ErrRunning is returned by commands sent while the reply to an earlier
	// step or continue is still due (its context ended first). The server
	// reads no command until the script stops, so call Wait, or Close.
	ErrRunning = errors.New("ldb: the script is running; Wait for it to stop")

	// ErrBadArgument wraps the refusal to send an argument the debugger
	// cannot take (empty, over 1024 bytes, over 1024 arguments, over 1 MiB
	// in all): the server would answer with a protocol error that aborts
	// the script.
	ErrBadArgument = errors.New("ldb: argument the debugger cannot take")

	// ErrLost wraps a connection that closed before <endsession>: the
	// process running the script died (a crash, a kill) or the network
	// failed. The session is over.
	ErrLost = errors.New("ldb: debugging connection lost before the session ended")

	// ErrReadOnlySync refuses SCRIPT DEBUG SYNC on a read-only target: the
	// server itself runs the script and keeps whatever it writes, which
	// read-only mode promises never happens. Fork mode rolls back, so it
	// stays allowed.
	ErrReadOnlySync = errors.New("ldb: read-only mode refuses SCRIPT DEBUG SYNC (it keeps the script's writes); debug in fork mode, whose changes are rolled back")
)

// ReplyError is an error reply to a command that prepares the session
// (HELLO, AUTH, SELECT, SCRIPT DEBUG) or to EVAL before any debugging
// began (an ACL denial, MOVED in a cluster, a failed fork). An error of
// the script itself is not a ReplyError: it comes as Event.Final.
type ReplyError struct {
	// Cmd is the command's name, e.g. "SCRIPT DEBUG".
	Cmd string
	// Reply is the reply exactly as received.
	Reply resp.Value
}

// Error escapes the server's text, since error strings end up on screens
// and in logs unescaped.
func (e *ReplyError) Error() string {
	if e.Reply.Kind == resp.Error {
		return "ldb: " + e.Cmd + ": " + resp.Escape(e.Reply.Str)
	}
	return "ldb: " + e.Cmd + ": unexpected reply " + resp.Text(e.Reply)
}
