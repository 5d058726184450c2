package incident

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"luascope/redisx"
	"luascope/redisx/resp"
)

// SlowEntry is one SLOWLOG GET entry. Redis keeps at most 32 words of a
// command (the last then says "... (N more arguments)") and 128 bytes of
// each word ("... (N more bytes)" after them): see Call.
type SlowEntry struct {
	Node     string        `json:"node"`
	ID       int64         `json:"id"`
	Time     time.Time     `json:"time"`
	Duration time.Duration `json:"-"`
	// Words is the command as logged (raw bytes; escape to show).
	Words      []string `json:"-"`
	Client     string   `json:"client,omitempty"`
	ClientName string   `json:"client_name,omitempty"`
}

// NodeSlowLog is one node's slow log, newest first, or why it has none.
type NodeSlowLog struct {
	Node    string
	Entries []SlowEntry
	Err     error
}

// SlowLog asks every node in addrs for its newest count entries (SLOWLOG
// GET count), in parallel; one node's failure is its own Err.
func SlowLog(ctx context.Context, s *redisx.Session, addrs []string, count int) []NodeSlowLog {
	replies := s.OnAll(ctx, addrs, "SLOWLOG", "GET", strconv.Itoa(count))
	out := make([]NodeSlowLog, len(replies))
	for i, r := range replies {
		out[i].Node = r.Addr
		switch {
		case r.Err != nil:
			out[i].Err = r.Err
		case r.Reply.Kind == resp.Error:
			out[i].Err = redisx.ReplyErr(r, "SLOWLOG GET")
		default:
			out[i].Entries, out[i].Err = ParseSlowLog(*r.Reply, r.Addr)
		}
	}
	return out
}

// ParseSlowLog reads SLOWLOG GET's reply: per entry id, unix time,
// microseconds, the command's words, and (Redis 4+) client address and
// name.
func ParseSlowLog(v resp.Value, node string) ([]SlowEntry, error) {
	if v.Kind != resp.Array && v.Kind != resp.Set {
		return nil, fmt.Errorf("SLOWLOG GET on %s: unexpected reply %s", node, resp.Summary(v, 60))
	}
	out := make([]SlowEntry, 0, len(v.Elems))
	for _, e := range v.Elems {
		if e.Kind != resp.Array || len(e.Elems) < 4 || e.Elems[3].Kind != resp.Array {
			return nil, fmt.Errorf("SLOWLOG GET on %s: unexpected entry %s", node, resp.Summary(e, 60))
		}
		se := SlowEntry{Node: node, ID: e.Elems[0].Int, Time: time.Unix(e.Elems[1].Int, 0).UTC(),
			Duration: time.Duration(e.Elems[2].Int) * time.Microsecond}
		for _, w := range e.Elems[3].Elems {
			se.Words = append(se.Words, string(w.Str))
		}
		if len(e.Elems) >= 6 {
			se.Client, se.ClientName = string(e.Elems[4].Str), string(e.Elems[5].Str)
		}
		out = append(out, se)
	}
	return out, nil
}

// Call is a slow-log entry read as a script call.
type Call struct {
	// Command is the command's name in capitals: EVAL, EVALSHA, EVAL_RO,
	// EVALSHA_RO, FCALL, FCALL_RO.
	Command string `json:"command"`
	// SHA is the script's SHA1: EVALSHA's argument, or the SHA1 of an
	// EVAL body the log kept whole; "" for a cut body and for functions.
	SHA string `json:"sha,omitempty"`
	// Body is an EVAL's script as logged; BodyCut says the log kept only
	// its first 128 bytes.
	Body    string `json:"-"`
	BodyCut bool   `json:"body_cut,omitempty"`
	// Function is FCALL's function name.
	Function string `json:"function,omitempty"`
	// Keys and Args as logged (raw bytes; escape to show).
	Keys []string `json:"-"`
	Args []string `json:"-"`
	// Cut says the log shortened the words: more than 32, or a word
	// longer than 128 bytes.
	Cut bool `json:"cut,omitempty"`
}

// maxLoggedBytes is how much of one word SLOWLOG keeps (Redis's
// SLOWLOG_ENTRY_MAX_STRING).
const maxLoggedBytes = 128

// The log's marks of what it cut, compiled on first use: luascope's
// start-up budget has no room for regexps that most commands never use.
var (
	moreBytes = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\.\.\. \(\d+ more bytes\)$`) })
	moreArgs  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\.\.\. \(\d+ more arguments\)$`) })
)

// cutWord reports whether the log shortened w, and returns the part kept.
func cutWord(w string) (string, bool) {
	if len(w) > maxLoggedBytes && moreBytes().MatchString(w[maxLoggedBytes:]) {
		return w[:maxLoggedBytes], true
	}
	return w, false
}

// ScriptCall reads words as a script call; false for any other command.
func ScriptCall(words []string) (Call, bool) {
	if len(words) < 2 {
		return Call{}, false
	}
	c := Call{Command: strings.ToUpper(words[0])}
	switch c.Command {
	case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO":
	default:
		return Call{}, false
	}
	rest := words
	if n := len(rest); n > 0 && moreArgs().MatchString(rest[n-1]) {
		c.Cut, rest = true, rest[:n-1]
	}
	first, cut := cutWord(rest[1])
	switch c.Command {
	case "EVAL", "EVAL_RO":
		c.Body, c.BodyCut = first, cut
		if !cut {
			c.SHA = redisx.SHA1(first)
		}
	case "EVALSHA", "EVALSHA_RO":
		c.SHA = strings.ToLower(first)
	default:
		c.Function = first
	}
	c.Cut = c.Cut || cut
	if len(rest) < 3 {
		return c, true
	}
	nk, err := strconv.Atoi(rest[2])
	if err != nil || nk < 0 {
		c.Args = slices.Clone(rest[2:])
		return c, true
	}
	tail := rest[3:]
	nk = min(nk, len(tail))
	c.Keys, c.Args = slices.Clone(tail[:nk]), slices.Clone(tail[nk:])
	for _, w := range tail {
		if _, cut := cutWord(w); cut {
			c.Cut = true
		}
	}
	return c, true
}
