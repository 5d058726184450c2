package redisx

import (
	"context"
	"errors"
	"sync"

	"luascope/redisx/resp"
)

// admin is a second connection per session for actions that must not
// queue behind a running script: SCRIPT KILL is useless on the connection
// that waits for the script, and SCRIPT EXISTS is asked after every run.
type admin struct {
	mu sync.Mutex
	n  *node
}

func (s *Session) adminNode() (*node, error) {
	s.adm.mu.Lock()
	defer s.adm.mu.Unlock()
	if s.adm.n == nil {
		n, err := newNode(s.target)
		if err != nil {
			return nil, err
		}
		s.adm.n = n
	}
	return s.adm.n, nil
}

// Admin sends one command on the session's second connection and returns
// the exact reply. It refuses writes to the script cache in read-only
// mode, since read-only must really not change the server.
func (s *Session) Admin(ctx context.Context, args ...any) (*resp.Value, error) {
	if s.ro.Load() && adminWrites(args) {
		return nil, ErrReadOnlyAdmin
	}
	n, err := s.adminNode()
	if err != nil {
		return nil, err
	}
	r := n.do(ctx, args...)
	if r.err != nil {
		return nil, r.err
	}
	return r.value, nil
}

// ErrReadOnlyAdmin is returned for SCRIPT FLUSH/KILL and FUNCTION changes
// in read-only mode.
var ErrReadOnlyAdmin = errors.New("refused in read-only mode: this would change the server")

func adminWrites(args []any) bool {
	if len(args) < 2 {
		return false
	}
	cmd, _ := args[0].(string)
	sub, _ := args[1].(string)
	switch upper(cmd) {
	case "SCRIPT":
		return upper(sub) == "FLUSH" || upper(sub) == "KILL"
	case "FUNCTION":
		switch upper(sub) {
		case "LOAD", "DELETE", "FLUSH", "RESTORE", "KILL":
			return true
		}
	case "SHUTDOWN":
		return true
	}
	return false
}

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
