package redisx

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// maxParallel bounds how many nodes OnAll talks to at once: a big cluster
// must not open hundreds of sockets in one burst.
const maxParallel = 16

// OnNode sends one command to the node at addr on a connection of its own
// and returns the exact reply; an error reply is a value, not an error.
// It never waits for a running script, so the cluster view can ask any
// node anything during a run. In read-only mode it refuses what Admin
// refuses (SCRIPT FLUSH/KILL, FUNCTION changes, any write); SCRIPT LOAD
// is allowed, since it changes no data.
func (s *Session) OnNode(ctx context.Context, addr string, args ...any) (*resp.Value, error) {
	name := commandName(args)
	if s.ro.Load() && !readOnlyAllowed(args) {
		return nil, fmt.Errorf("%s on %s: %w", name, addr, ErrReadOnlyAdmin)
	}
	if refused := s.deniedBefore(args); refused != nil {
		return refused, nil // the same user is denied it on every node
	}
	n, err := s.peer(addr)
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w", name, addr, err)
	}
	r := n.do(ctx, args...)
	if r.err != nil {
		return nil, fmt.Errorf("%s on %s: %w", name, addr, r.err)
	}
	s.rememberDenial(args, r.value)
	return r.value, nil
}

// commandName is "SCRIPT LOAD" for args SCRIPT LOAD …, for error texts.
func commandName(args []any) string {
	if len(args) == 0 {
		return "command"
	}
	name := upper(fmt.Sprint(args[0]))
	switch name {
	case "SCRIPT", "FUNCTION", "CLUSTER", "CONFIG", "CLIENT":
		if len(args) > 1 {
			name += " " + upper(fmt.Sprint(args[1]))
		}
	}
	return resp.Escape([]byte(name))
}

// NodeReply is one node's answer to a command sent to many nodes: the
// exact reply (an error reply included), or Err when none came.
type NodeReply struct {
	Addr  string
	Reply *resp.Value
	Err   error
}

// OnAll sends the same command to every address at once (at most
// maxParallel at a time) and returns the replies in the order of addrs:
// one dead node costs its own error, not the others' answers.
func (s *Session) OnAll(ctx context.Context, addrs []string, args ...any) []NodeReply {
	out := make([]NodeReply, len(addrs))
	sem := make(chan struct{}, maxParallel)
	var wg sync.WaitGroup
	for i, addr := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			v, err := s.OnNode(ctx, addr, append([]any(nil), args...)...)
			out[i] = NodeReply{Addr: addr, Reply: v, Err: err}
		}()
	}
	wg.Wait()
	return out
}

// ServerTopology is Topology for any deployment: a cluster's nodes from
// CLUSTER NODES, or, for a server not in cluster mode, one node with no
// slots (a primary unless the server is a replica), so the per-node
// views and `luascope load` work everywhere.
func (s *Session) ServerTopology(ctx context.Context) (*Topology, error) {
	if s.info.Mode == "cluster" {
		return s.Topology(ctx)
	}
	n := ClusterNode{Addr: s.target.Addr, Role: "primary", Slots: []SlotRange{}, Link: "connected",
		Flags: []string{"myself", "master"}, Myself: true}
	if s.info.Role == "slave" {
		n.Role, n.Flags = "replica", []string{"myself", "slave"}
	}
	return &Topology{Nodes: []ClusterNode{n}}, nil
}

// adminNodes is every node of the topology, or only the primaries; a
// server not in cluster mode is its own primary whatever its role. A
// primary that failed and lost all its slots to a failover is left out
// of the primaries: CLUSTER NODES keeps listing it as "master,fail"
// until it returns (as a replica) or is forgotten, and it serves nothing.
func (s *Session) adminNodes(ctx context.Context, primariesOnly bool) ([]ClusterNode, error) {
	top, err := s.ServerTopology(ctx)
	if err != nil {
		if classify.ClassifyError(err).Class == classify.NoPerm {
			// Every node can only be found from the topology; there is no
			// MOVED to learn from when nothing is routed by key.
			return nil, fmt.Errorf("finding every node needs CLUSTER NODES, which this ACL user may not run: grant it +cluster|nodes or use another user (%w)", err)
		}
		return nil, err
	}
	if !primariesOnly || s.info.Mode != "cluster" {
		return top.Nodes, nil
	}
	var out []ClusterNode
	for _, n := range top.Primaries() {
		if n.Failing() && len(n.Slots) == 0 {
			continue
		}
		out = append(out, n)
	}
	return out, nil
}

func addrsOf(nodes []ClusterNode) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Addr
	}
	return out
}

// ReplyErr turns a node's error reply into a Go error (escaped: it ends up on
// a terminal), or passes the client error through.
func ReplyErr(r NodeReply, name string) error {
	if r.Err != nil {
		return r.Err
	}
	if r.Reply == nil {
		return fmt.Errorf("%s on %s: no reply", name, r.Addr)
	}
	if r.Reply.Kind == resp.Error {
		// The reply stays a server reply under the context: classify
		// reads its own code (BUSY, NOPERM), not the command's name.
		return fmt.Errorf("%s on %s: %w", name, r.Addr, &replyError{msg: resp.Escape(r.Reply.Str)})
	}
	return nil
}

// NodeScript says whether one node's script cache holds a SHA. The cache
// is per server and not kept across restarts or failovers, which is why
// EVALSHA can fail on one node and work on the next.
type NodeScript struct {
	Node   ClusterNode
	Cached bool
	Err    error
}

// ScriptCacheByNode asks every node, primaries and replicas, whether its
// script cache holds sha (SCRIPT EXISTS), in topology (address) order.
// The error is for the topology; a node that fails has its own Err.
func (s *Session) ScriptCacheByNode(ctx context.Context, sha string) ([]NodeScript, error) {
	nodes, err := s.adminNodes(ctx, false)
	if err != nil {
		return nil, err
	}
	replies := s.OnAll(ctx, addrsOf(nodes), "SCRIPT", "EXISTS", sha)
	out := make([]NodeScript, len(nodes))
	for i, r := range replies {
		out[i].Node = nodes[i]
		if out[i].Err = ReplyErr(r, "SCRIPT EXISTS"); out[i].Err != nil {
			continue
		}
		v := r.Reply
		if v.Kind != resp.Array || len(v.Elems) != 1 || v.Elems[0].Kind != resp.Integer {
			out[i].Err = fmt.Errorf("SCRIPT EXISTS on %s: unexpected reply %s", r.Addr, resp.Summary(*v, 60))
			continue
		}
		out[i].Cached = v.Elems[0].Int == 1
	}
	return out, nil
}

// LoadOnAllPrimaries sends SCRIPT LOAD src to every primary at once, so
// that EVALSHA finds the script whichever shard a key hashes to (a
// failed primary whose slots moved to its replica is skipped). Each
// reply is the SHA (a bulk string) or the node's error reply. Read-only
// sessions may do it: the script cache is not data.
func (s *Session) LoadOnAllPrimaries(ctx context.Context, src string) ([]NodeReply, error) {
	nodes, err := s.adminNodes(ctx, true)
	if err != nil {
		return nil, err
	}
	return s.OnAll(ctx, addrsOf(nodes), "SCRIPT", "LOAD", src), nil
}

// Library is one Redis Functions library as FUNCTION LIST describes it.
type Library struct {
	Name      string            `json:"library_name"`
	Engine    string            `json:"engine"`
	Functions []LibraryFunction `json:"functions"`
	// Code is the library's source (FUNCTION LIST WITHCODE only).
	Code string `json:"library_code,omitempty"`
}

// LibraryFunction is one function of a library; Flags are the ones
// FCALL_RO and clusters care about (no-writes, allow-oom, …).
type LibraryFunction struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Flags       []string `json:"flags"`
}

// NodeFunctions is one primary's libraries. Functions are replicated to a
// primary's replicas but never across shards, so each primary is asked.
type NodeFunctions struct {
	Node      ClusterNode
	Libraries []Library
	Err       error
}

// functionsByNode runs FUNCTION LIST on every primary at once (as
// LoadOnAllPrimaries picks them; Redis 7+: older servers answer with an
// error, kept in Err).
func (s *Session) functionsByNode(ctx context.Context) ([]NodeFunctions, error) {
	nodes, err := s.adminNodes(ctx, true)
	if err != nil {
		return nil, err
	}
	return functionLists(nodes, s.OnAll(ctx, addrsOf(nodes), "FUNCTION", "LIST")), nil
}

// functionLists reads each node's FUNCTION LIST reply (one per node, in
// order); a node's error or unreadable reply is its own Err.
func functionLists(nodes []ClusterNode, replies []NodeReply) []NodeFunctions {
	out := make([]NodeFunctions, len(nodes))
	for i, r := range replies {
		out[i].Node = nodes[i]
		if out[i].Err = ReplyErr(r, "FUNCTION LIST"); out[i].Err != nil {
			continue
		}
		libs, err := parseFunctionList(*r.Reply)
		if err != nil {
			out[i].Err = fmt.Errorf("FUNCTION LIST on %s: %w", r.Addr, err)
			continue
		}
		out[i].Libraries = libs
	}
	return out
}

// parseFunctionList reads FUNCTION LIST's reply: over RESP2 an array of
// flat key/value arrays, over RESP3 an array of maps (flags a set).
func parseFunctionList(v resp.Value) ([]Library, error) {
	if v.Kind != resp.Array && v.Kind != resp.Set {
		return nil, fmt.Errorf("unexpected reply %s", resp.Summary(v, 60))
	}
	libs := []Library{}
	for _, lv := range v.Elems {
		var lib Library
		lib.Functions = []LibraryFunction{}
		err := eachPair(lv, func(k string, val resp.Value) error {
			switch k {
			case "library_name":
				lib.Name = string(val.Str)
			case "engine":
				lib.Engine = string(val.Str)
			case "library_code":
				lib.Code = string(val.Str)
			case "functions":
				for _, fv := range val.Elems {
					f := LibraryFunction{Flags: []string{}}
					err := eachPair(fv, func(k string, val resp.Value) error {
						switch k {
						case "name":
							f.Name = string(val.Str)
						case "description":
							f.Description = string(val.Str) // nil has no Str
						case "flags":
							for _, fl := range val.Elems {
								f.Flags = append(f.Flags, string(fl.Str))
							}
						}
						return nil
					})
					if err != nil {
						return err
					}
					lib.Functions = append(lib.Functions, f)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		libs = append(libs, lib)
	}
	return libs, nil
}

// eachPair walks a map, or an array holding key, value, key, value….
func eachPair(v resp.Value, f func(key string, val resp.Value) error) error {
	if (v.Kind != resp.Map && v.Kind != resp.Array) || len(v.Elems)%2 != 0 {
		return fmt.Errorf("expected key/value pairs, got %s", resp.Summary(v, 60))
	}
	for i := 0; i < len(v.Elems); i += 2 {
		if err := f(string(v.Elems[i].Str), v.Elems[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// HashTag returns the part of key that KeySlot hashes when a {hash tag}
// applies (the bytes between the first `{` and the first `}` after it,
// when there is at least one), so a view can show why two keys share a
// slot.
func HashTag(key string) (tag string, ok bool) {
	s := strings.IndexByte(key, '{')
	if s < 0 {
		return "", false
	}
	e := strings.IndexByte(key[s+1:], '}')
	if e <= 0 {
		return "", false
	}
	return key[s+1 : s+1+e], true
}

// Libraries lists the seed node's Redis Functions with their code
// (FUNCTION LIST WITHCODE), for the library browser.
func (s *Session) Libraries(ctx context.Context) ([]Library, error) {
	v, err := s.Admin(ctx, "FUNCTION", "LIST", "WITHCODE")
	if err != nil {
		return nil, fmt.Errorf("FUNCTION LIST: %w", err)
	}
	if v.Kind == resp.Error {
		return nil, fmt.Errorf("FUNCTION LIST: %s", resp.Escape(v.Str))
	}
	return parseFunctionList(*v)
}
