package redisx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// ServerInfo is what luascope learns about a server on connect and shows
// in the status bar and in --json output.
type ServerInfo struct {
	Version  string `json:"version"`
	Flavor   string `json:"flavor"` // "redis" or "valkey"
	Mode     string `json:"mode"`   // "standalone", "replica", "cluster" or "sentinel"
	Protocol int    `json:"protocol"`
	Role     string `json:"role"` // "master" or "slave", as INFO says it
	Addr     string `json:"addr"`
}

// ConnectError says that a server could not be reached or would not let
// us in. The CLI maps it to exit status 3. Target is already redacted.
type ConnectError struct {
	Target string
	Err    error
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("connect to %s: %s", e.Target, connectReason(e.Err))
}

// Unwrap lets callers errors.Is the underlying network error.
func (e *ConnectError) Unwrap() error { return e.Err }

func connectReason(err error) string {
	c := classify.ClassifyError(err)
	msg := err.Error()
	switch c.Class {
	case classify.Auth:
		return "authentication failed: " + msg
	case classify.Timeout:
		return "timed out: " + msg
	}
	if strings.Contains(msg, "tls:") || strings.Contains(msg, "x509:") {
		return "TLS failed: " + msg
	}
	return msg
}

// node is one exploring connection to one server: a go-redis client
// with a single pooled connection, no automatic retries and a tap.
type node struct {
	addr   string
	client *redis.Client
	tap    *tap
	// mu makes a round trip and its tap window one unit: the admin
	// connection is shared by commands the UI starts concurrently.
	mu sync.Mutex
}

func newNode(t Target) (*node, error) {
	opt, err := t.Options()
	if err != nil {
		return nil, err
	}
	return newNodeWith(t.Addr, opt), nil
}

// reply is the outcome of one round trip on a node.
type reply struct {
	value  *resp.Value // nil when no reply arrived
	err    error       // client-side failure (network, timeout); nil for error replies
	conn   string      // local address of the connection used
	dialed bool        // the round trip had to open a new connection first
	dur    time.Duration
	// errNode is the node the round trip went to, for messages about it.
	errNode string
}

// do sends one command and returns the exact reply read off the wire.
func (n *node) do(ctx context.Context, args ...any) reply {
	n.mu.Lock()
	defer n.mu.Unlock()
	_, dialsBefore := n.tap.localAddr()
	n.tap.arm()
	start := time.Now()
	err := n.client.Do(ctx, args...).Err()
	dur := time.Since(start)
	raw := n.tap.disarm()
	local, dialsAfter := n.tap.localAddr()
	r := reply{conn: local, dialed: dialsAfter != dialsBefore, dur: dur}
	if err != nil && !errors.Is(err, redis.Nil) && !isRedisError(err) {
		r.err = err
		if isDialError(err) {
			// No connection was made: the last one's address would mislead.
			r.conn = ""
		}
		return r
	}
	if v, ok := lastReply(raw); ok {
		r.value = &v
		return r
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		// The tap missed the bytes (should not happen): fall back to go-redis's text.
		v := resp.Value{Kind: resp.Error, Str: []byte(err.Error())}
		r.value = &v
		return r
	}
	r.err = fmt.Errorf("no reply decoded from %d bytes read", len(raw))
	return r
}

// lastReply picks the reply to our command out of what the tap saw: a
// fresh connection's handshake replies (HELLO, AUTH, SELECT) come first
// and RESP3 push messages may arrive in between, so it is the last value
// that is not a push.
func lastReply(raw []byte) (resp.Value, bool) {
	// Usually the tap holds exactly the one reply: no slice needed.
	if v, n, err := resp.Parse(raw); err == nil && n == len(raw) && v.Kind != resp.Push {
		return v, true
	}
	vals, err := resp.ParseAll(raw)
	if err != nil && len(vals) == 0 {
		return resp.Value{}, false
	}
	for i := len(vals) - 1; i >= 0; i-- {
		if vals[i].Kind != resp.Push {
			return vals[i], true
		}
	}
	return resp.Value{}, false
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func isRedisError(err error) bool {
	var re redis.Error
	return errors.As(err, &re)
}

func (n *node) close() error { return n.client.Close() }

// Session is a connection to one deployment: a standalone server, a
// replica, or a cluster reached through a seed node. Runs on a session
// are serialised; the TUI keeps one session and reconnects through it.
type Session struct {
	target Target
	info   ServerInfo

	mu    sync.Mutex // serialises runs and guards slots
	seed  *node
	nmu   sync.Mutex // guards nodes, so Close never waits for a running script
	nodes map[string]*node
	slots map[int]string // cluster slot → node address, learned from MOVED
	adm   admin
	ro    atomic.Bool // read-only mode; atomic so the UI never waits on a run to change it
}

// Connect dials the target, checks that it answers (and lets us in), and
// learns its version, mode and protocol. Errors are *ConnectError.
func Connect(ctx context.Context, t Target) (*Session, error) {
	n, err := newNode(t)
	if err != nil {
		return nil, &ConnectError{Target: t.String(), Err: err}
	}
	s := &Session{target: t, seed: n, nodes: map[string]*node{t.Addr: n}, slots: map[int]string{}}
	s.ro.Store(t.ReadOnly)
	if err := s.handshake(ctx); err != nil {
		_ = n.close()
		return nil, &ConnectError{Target: t.String(), Err: err}
	}
	return s, nil
}

func (s *Session) handshake(ctx context.Context) error {
	n := s.seed
	n.tap.arm()
	err := n.client.Ping(ctx).Err()
	raw := n.tap.disarm()
	if err != nil {
		return err
	}
	s.info = ServerInfo{Protocol: 2, Addr: s.target.Addr, Flavor: "redis", Mode: "standalone"}
	if s.target.Protocol == 3 {
		// HELLO 3 answers with a map; a server too old for RESP3 refuses
		// it and go-redis falls back to RESP2.
		if vals, _ := resp.ParseAll(raw); len(vals) > 0 && vals[0].Kind == resp.Map {
			s.info.Protocol = 3
		}
	}
	r := n.do(ctx, "INFO")
	if r.err != nil {
		return r.err
	}
	if r.value != nil && r.value.Kind != resp.Error {
		s.info.apply(string(r.value.Str))
	}
	if s.info.Mode == "cluster" {
		s.target.Cluster = true
	}
	return nil
}

// apply reads the fields luascope shows out of an INFO reply.
func (i *ServerInfo) apply(info string) {
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		switch k {
		case "redis_version":
			if i.Version == "" {
				i.Version = v
			}
		case "valkey_version":
			i.Version, i.Flavor = v, "valkey"
		case "server_name":
			if v == "valkey" {
				i.Flavor = "valkey"
			}
		case "redis_mode", "server_mode":
			if v == "sentinel" || v == "cluster" {
				i.Mode = v
			}
		case "cluster_enabled":
			if v == "1" {
				i.Mode = "cluster"
			}
		case "role":
			i.Role = v
			if v == "slave" && i.Mode == "standalone" {
				i.Mode = "replica"
			}
		}
	}
}

// Info is what the server told us on connect.
func (s *Session) Info() ServerInfo { return s.info }

// Target is the session's target (print it: it redacts itself).
func (s *Session) Target() Target {
	t := s.target
	t.ReadOnly = s.ro.Load()
	return t
}

// Close closes every connection of the session. It does not wait for a
// running script: the run ends with a connection error instead, which is
// what quitting during a long script should do.
func (s *Session) Close() error {
	s.nmu.Lock()
	defer s.nmu.Unlock()
	var errs []error
	for _, n := range s.nodes {
		errs = append(errs, n.close())
	}
	s.adm.mu.Lock()
	if s.adm.n != nil {
		errs = append(errs, s.adm.n.close())
	}
	s.adm.mu.Unlock()
	errs = append(errs, s.closeClusterNodes())
	return errors.Join(errs...)
}

// nodeFor returns (creating on first use) the exploring connection to addr.
func (s *Session) nodeFor(addr string) (*node, error) {
	s.nmu.Lock()
	defer s.nmu.Unlock()
	if n, ok := s.nodes[addr]; ok {
		return n, nil
	}
	n, err := newNode(s.target.WithAddr(addr))
	if err != nil {
		return nil, err
	}
	s.nodes[addr] = n
	return n, nil
}
