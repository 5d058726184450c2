package redisx

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/resp"
)

// logMu guards debugLog and serialises the lines written to it: round
// trips on several nodes log from several goroutines.
var logMu sync.Mutex

// debugLog is the --debug-log file, or nil: no log.
var debugLog io.Writer

// quietLogger receives go-redis's internal log lines. By default they
// are dropped: go-redis prints dial failures to stderr, which would tear
// through the TUI and repeat what the classified error already says.
type quietLogger struct{ w io.Writer }

func (l quietLogger) Printf(_ context.Context, format string, v ...any) {
	if l.w == nil {
		return
	}
	logMu.Lock()
	defer logMu.Unlock()
	fmt.Fprintf(l.w, "go-redis: "+format+"\n", v...)
}

func init() { redis.SetLogger(quietLogger{}) }

// SetDebugLog writes every round trip a session sends (command, node,
// time, reply), and go-redis's internal log, to w (the --debug-log file),
// or nothing when w is nil. Passwords are masked (maskSecrets); go-redis
// never logs them. Keys and arguments are written, shortened: the file is
// for the person who asked for it, who sees them in the trace anyway.
func SetDebugLog(w io.Writer) {
	logMu.Lock()
	debugLog = w
	logMu.Unlock()
	redis.SetLogger(quietLogger{w: w})
}

// maxLoggedReply bounds the reply summary of one logged round trip.
const maxLoggedReply = 120

// logRoundTrip writes one round trip to the debug log, when there is one.
func logRoundTrip(addr string, args []any, r reply) {
	logMu.Lock()
	defer logMu.Unlock()
	if debugLog == nil {
		return
	}
	cmd := strings.Join(escapeAll(maskSecrets(rawArgs(args))), " ")
	var got string
	switch {
	case r.err != nil:
		got = "failed: " + resp.Printable(r.err.Error())
	case r.value == nil:
		got = "no reply"
	default:
		got = resp.Summary(*r.value, maxLoggedReply)
	}
	fmt.Fprintf(debugLog, "%s %s %s: %s -> %s\n", time.Now().Format("15:04:05.000"),
		resp.Printable(addr), r.dur.Round(time.Microsecond), cmd, got)
}

// maskSecrets replaces the passwords a command may carry with "(secret)":
// AUTH's, HELLO … AUTH's, MIGRATE … AUTH/AUTH2's, ACL SETUSER's >pass and
// #hash rules, and CONFIG SET of requirepass or masterauth. It returns a
// copy; args are as rawArgs made them.
func maskSecrets(args []string) []string {
	out := append([]string(nil), args...)
	const secret = "(secret)"
	name := func(i int) string {
		if i < len(out) {
			return strings.ToUpper(out[i])
		}
		return ""
	}
	maskFrom := func(from, n int) {
		for i := from; i < len(out) && i < from+n; i++ {
			out[i] = secret
		}
	}
	switch name(0) {
	case "AUTH":
		maskFrom(1, len(out))
	case "HELLO":
		for i := 1; i < len(out); i++ {
			if name(i) == "AUTH" {
				maskFrom(i+2, 1) // AUTH username password
			}
		}
	case "MIGRATE":
		for i := 1; i < len(out); i++ {
			switch name(i) {
			case "AUTH":
				maskFrom(i+1, 1) // AUTH password
			case "AUTH2":
				maskFrom(i+2, 1) // AUTH2 username password
			}
		}
	case "ACL":
		if name(1) == "SETUSER" {
			for i := 3; i < len(out); i++ {
				if strings.HasPrefix(out[i], ">") || strings.HasPrefix(out[i], "<") || strings.HasPrefix(out[i], "#") || strings.HasPrefix(out[i], "!") {
					out[i] = out[i][:1] + secret
				}
			}
		}
	case "CONFIG":
		if name(1) == "SET" {
			for i := 2; i+1 < len(out); i += 2 {
				switch name(i) {
				case "REQUIREPASS", "MASTERAUTH":
					out[i+1] = secret
				}
			}
		}
	}
	return out
}
