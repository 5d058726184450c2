package redisx

import (
	"errors"
	"sync"

	"github.com/redis/go-redis/v9"
)

// conns is every connection a Session uses, owned by it as go-redis's
// ClusterClient owns its nodes: made on first use, one per address and
// purpose, and all closed by Session.Close. There are four purposes,
// because each must not wait for the others:
//
//   - nodes: the run path, one tapped node per address (the seed
//     included). Runs are serialised by Session.mu, so the trace sees
//     one round trip at a time.
//   - admin (Session.adm): a second tapped connection to the seed, for
//     what must not queue behind a running script (SCRIPT KILL on the
//     connection waiting for the script would be useless; SCRIPT EXISTS
//     follows every run).
//   - peers: a tapped connection per node for OnNode and OnAll, so the
//     cluster view can ask any node anything during a run.
//   - clients: NodeClient's guarded go-redis clients, for batch workers,
//     which pipeline and need go-redis values rather than wire replies.
//
// mu is never held during a round trip, so Close never waits for a
// running script; each node serialises its own round trips (node.sem).
type conns struct {
	mu      sync.Mutex
	closed  bool
	nodes   map[string]*node
	admin   *node
	peers   map[string]*node
	clients map[string]*redis.Client
}

// errSessionClosed is returned when a connection is asked for after the
// session was closed: a new one would outlive the session unclosed.
var errSessionClosed = errors.New("session closed")

// nodeFor returns (creating on first use) the run path's connection to addr.
func (s *Session) nodeFor(addr string) (*node, error) {
	c := &s.conns
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.nodes[addr]; ok {
		return n, nil
	}
	if c.closed {
		return nil, errSessionClosed
	}
	n, err := newNode(s.target.WithAddr(addr))
	if err != nil {
		return nil, err
	}
	c.nodes[addr] = n
	return n, nil
}

// nodeAddrs lists the addresses the run path has connections to.
func (s *Session) nodeAddrs() []string {
	c := &s.conns
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.nodes))
	for addr := range c.nodes {
		out = append(out, addr)
	}
	return out
}

// adminNode returns (creating on first use) the admin connection.
func (s *Session) adminNode() (*node, error) {
	c := &s.conns
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.admin != nil {
		return c.admin, nil
	}
	if c.closed {
		return nil, errSessionClosed
	}
	n, err := newNode(s.target)
	if err != nil {
		return nil, err
	}
	c.admin = n
	return n, nil
}

// peer returns (creating on first use) OnNode's connection to addr.
func (s *Session) peer(addr string) (*node, error) {
	c := &s.conns
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errSessionClosed
	}
	if n, ok := c.peers[addr]; ok {
		return n, nil
	}
	opt, err := s.targetFor(addr).Options()
	if err != nil {
		return nil, err
	}
	n := newNodeWith(addr, opt)
	if c.peers == nil {
		c.peers = map[string]*node{}
	}
	c.peers[addr] = n
	return n, nil
}

// NodeClient returns the session's go-redis client for the node at addr
// (the seed's own target, or the same credentials and TLS at another
// address), creating it on first use. It is for callers that pipeline
// many commands, such as package batch: it has no tap, so replies are
// go-redis values, but it keeps the RESP guard, so no reply header can
// make it allocate without bound. One pooled connection, no silent
// retries (see Target.Options). The session owns it: do not close it;
// Session.Close does, and NodeClient fails after that.
func (s *Session) NodeClient(addr string) (*redis.Client, error) {
	c := &s.conns
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errSessionClosed
	}
	if cl, ok := c.clients[addr]; ok {
		return cl, nil
	}
	opt, err := s.targetFor(addr).Options()
	if err != nil {
		return nil, err
	}
	cl := newGuardedClient(opt)
	if c.clients == nil {
		c.clients = map[string]*redis.Client{}
	}
	c.clients[addr] = cl
	return cl, nil
}

// targetFor is the target of the node at addr: the session's own target
// for the seed (which may be a unix socket), else the same credentials
// and TLS at another TCP address.
func (s *Session) targetFor(addr string) Target {
	if addr == s.target.Addr {
		return s.target
	}
	return s.target.WithAddr(addr)
}

// Close closes every connection of the session (see conns). It does not
// wait for a running script: the run ends with a connection error
// instead, which is what quitting during a long script should do. Later
// calls that need a new connection fail with "session closed".
func (s *Session) Close() error {
	c := &s.conns
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for _, n := range c.nodes {
		errs = append(errs, n.close())
	}
	if c.admin != nil {
		errs = append(errs, c.admin.close())
	}
	for _, n := range c.peers {
		errs = append(errs, n.close())
	}
	for _, cl := range c.clients {
		errs = append(errs, cl.Close())
	}
	c.peers, c.clients = nil, nil
	return errors.Join(errs...)
}
