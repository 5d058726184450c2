package redisx

import (
	"context"
	"errors"
	"strings"
	"sync"

	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// admin is what a session learns from its side commands (the admin
// connection itself is one of the session's conns).
type admin struct {
	// cmdMu guards cmdRO, the server's readonly flag per command name
	// ("get", "object|encoding"), learnt once per session by
	// CommandReadOnly.
	cmdMu sync.Mutex
	cmdRO map[string]bool
	// denied holds the NOPERM reply per command ("script|exists"): asked
	// again, the server would refuse again and add to ACL LOG each time
	// (SCRIPT EXISTS follows every run). Kept for the session's life; a
	// new connection asks again.
	denied map[string]*resp.Value
}

// Admin sends one command on the session's second connection and returns
// the exact reply. In read-only mode it sends only what is known to leave
// the data alone (see readOnlyAllowed) and refuses the rest with
// ErrReadOnlyAdmin, since read-only must really not change the server.
func (s *Session) Admin(ctx context.Context, args ...any) (*resp.Value, error) {
	if s.ro.Load() && !readOnlyAllowed(args) {
		return nil, ErrReadOnlyAdmin
	}
	if refused := s.deniedBefore(args); refused != nil {
		return refused, nil
	}
	n, err := s.adminNode()
	if err != nil {
		return nil, err
	}
	r := n.do(ctx, args...)
	if r.err != nil {
		return nil, r.err
	}
	s.rememberDenial(args, r.value)
	return r.value, nil
}

// deniedBefore is the NOPERM reply this session already got for the
// command of args, or nil.
func (s *Session) deniedBefore(args []any) *resp.Value {
	s.adm.cmdMu.Lock()
	defer s.adm.cmdMu.Unlock()
	return s.adm.denied[commandKey(args)]
}

// rememberDenial keeps v when it denies the command itself (not one key
// or channel, which another call may be allowed): luascope's own side
// commands are then not asked again, and ACL LOG does not grow with
// every run.
func (s *Session) rememberDenial(args []any, v *resp.Value) {
	if v == nil || v.Kind != resp.Error || classify.Classify(string(v.Str)).Class != classify.NoPerm ||
		strings.Contains(string(v.Str), "key") || strings.Contains(string(v.Str), "channel") {
		return
	}
	s.adm.cmdMu.Lock()
	defer s.adm.cmdMu.Unlock()
	if s.adm.denied == nil {
		s.adm.denied = map[string]*resp.Value{}
	}
	s.adm.denied[commandKey(args)] = v
}

// commandKey names a command as ACL does: "script|exists", "get".
func commandKey(args []any) string {
	if len(args) == 0 {
		return ""
	}
	cmd, _ := args[0].(string)
	name := strings.ToLower(cmd)
	switch name {
	case "script", "function", "cluster", "config", "client", "acl", "command", "object", "memory", "xinfo":
		if len(args) > 1 {
			sub, _ := args[1].(string)
			name += "|" + strings.ToLower(sub)
		}
	}
	return name
}

// ErrReadOnlyAdmin is returned in read-only mode for any command Admin or
// OnNode is not sure leaves the data alone: SCRIPT FLUSH/KILL, FUNCTION
// changes, SHUTDOWN, an example's setup (DEL, SET, …).
var ErrReadOnlyAdmin = errors.New("refused in read-only mode: this would change the server")

// readOnlyAllowed reports whether read-only mode may send args on a side
// connection. It is a list of what luascope itself sends there (cache and
// topology questions, the effects snapshot's reads), not a list of
// writes: a command nobody thought about is refused, not let through.
// SCRIPT LOAD is allowed because it changes no data and EVAL_RO caches
// the script anyway; SCRIPT SHOW (Valkey 8) only reads the cache.
func readOnlyAllowed(args []any) bool {
	if len(args) == 0 {
		return false
	}
	cmd, _ := args[0].(string)
	sub := ""
	if len(args) > 1 {
		sub, _ = args[1].(string)
	}
	switch cmd, sub = upper(cmd), upper(sub); cmd {
	case "SCRIPT":
		return sub == "EXISTS" || sub == "LOAD" || sub == "SHOW"
	case "FUNCTION":
		return sub == "LIST" || sub == "STATS" || sub == "DUMP"
	case "CLUSTER":
		switch sub {
		case "NODES", "SLOTS", "SHARDS", "INFO", "MYID", "KEYSLOT", "COUNTKEYSINSLOT", "REPLICAS", "LINKS":
			return true
		}
		return false
	case "COMMAND":
		return sub != ""
	case "SLOWLOG":
		return sub == "GET" || sub == "LEN"
	case "CONFIG":
		return sub == "GET"
	}
	return readOnlyCommands()[cmd]
}

// readOnlyCommands are single-word commands that only read.
var readOnlyCommands = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"PING": true, "ECHO": true, "INFO": true, "TIME": true, "ROLE": true, "DBSIZE": true,
		"TYPE": true, "EXISTS": true, "TTL": true, "PTTL": true,
		"GET": true, "MGET": true, "STRLEN": true, "GETRANGE": true,
		"LLEN": true, "LRANGE": true, "LINDEX": true,
		"HLEN": true, "HGET": true, "HMGET": true, "HGETALL": true, "HSCAN": true,
		"SCARD": true, "SISMEMBER": true, "SMEMBERS": true, "SSCAN": true,
		"ZCARD": true, "ZSCORE": true, "ZRANGE": true, "ZSCAN": true,
		"XLEN": true, "XRANGE": true, "XREVRANGE": true,
	}
})

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

// ScriptExists asks the server whether its cache holds sha.
func (s *Session) ScriptExists(ctx context.Context, sha string) (bool, error) {
	v, err := s.Admin(ctx, "SCRIPT", "EXISTS", sha)
	if err != nil {
		return false, err
	}
	if v.Kind == resp.Error {
		return false, errors.New(string(v.Str))
	}
	return len(v.Elems) == 1 && v.Elems[0].Int == 1, nil
}

// SetReadOnly switches read-only mode for later runs and admin actions.
// It never waits for a running script, so the UI can call it any time.
func (s *Session) SetReadOnly(ro bool) { s.ro.Store(ro) }

// ReadOnly reports whether the session refuses writes.
func (s *Session) ReadOnly() bool { return s.ro.Load() }
