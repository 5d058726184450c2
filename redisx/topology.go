package redisx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"luascope/redisx/resp"
)

// SlotRange is an inclusive range of hash slots.
type SlotRange struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// ClusterNode is one line of CLUSTER NODES: what the cluster view shows
// and what routing, per-node script caches and batches need.
type ClusterNode struct {
	ID        string      `json:"id"`
	Addr      string      `json:"addr"` // host:port clients use
	Role      string      `json:"role"` // "primary" or "replica"
	PrimaryID string      `json:"primary_id,omitempty"`
	Slots     []SlotRange `json:"slots"`
	// Importing/Migrating are slots in transit: "[slot->-id]" / "[slot-<-id]".
	Migrating map[int]string `json:"migrating,omitempty"`
	Importing map[int]string `json:"importing,omitempty"`
	Link      string         `json:"link"` // "connected" or "disconnected"
	Flags     []string       `json:"flags"`
	Epoch     int64          `json:"epoch"`
	Myself    bool           `json:"myself"`
}

// MarshalJSON writes the node; its text fields come from the server, so
// any that is not UTF-8 is {"hex":"…"} (resp.ByteString), as in every
// --json output, rather than losing bytes to U+FFFD.
func (n ClusterNode) MarshalJSON() ([]byte, error) {
	type plain ClusterNode
	valid := utf8.ValidString(n.ID) && utf8.ValidString(n.Addr) && utf8.ValidString(n.PrimaryID) && utf8.ValidString(n.Link)
	for _, f := range n.Flags {
		valid = valid && utf8.ValidString(f)
	}
	if valid {
		return resp.EncodeJSON(plain(n))
	}
	flags := make([]resp.ByteString, len(n.Flags))
	for i, f := range n.Flags {
		flags[i] = resp.ByteString(f)
	}
	return resp.EncodeJSON(struct {
		plain
		ID        resp.ByteString   `json:"id"`
		Addr      resp.ByteString   `json:"addr"`
		PrimaryID resp.ByteString   `json:"primary_id,omitempty"`
		Link      resp.ByteString   `json:"link"`
		Flags     []resp.ByteString `json:"flags"`
	}{plain(n), resp.ByteString(n.ID), resp.ByteString(n.Addr), resp.ByteString(n.PrimaryID), resp.ByteString(n.Link), flags})
}

// Failing reports whether the cluster considers the node down (fail) or
// suspects it (fail?, shown as pfail).
func (n ClusterNode) Failing() bool {
	for _, f := range n.Flags {
		if f == "fail" || f == "fail?" {
			return true
		}
	}
	return false
}

// ShortID is the first 8 characters of the node ID, as people quote it.
func (n ClusterNode) ShortID() string {
	if len(n.ID) > 8 {
		return n.ID[:8]
	}
	return n.ID
}

// Topology is a cluster's nodes and who serves each slot.
type Topology struct {
	Nodes []ClusterNode `json:"nodes"`
	// owner[slot] is the index in Nodes of the primary serving it, or -1.
	owner []int
}

// Owner returns the primary serving slot, or false when none does
// (CLUSTERDOWN Hash slot not served).
func (t *Topology) Owner(slot int) (ClusterNode, bool) {
	if slot < 0 || slot >= SlotCount || t.owner == nil || t.owner[slot] < 0 {
		return ClusterNode{}, false
	}
	return t.Nodes[t.owner[slot]], true
}

// Reachable returns the addresses of the nodes not marked failing, in
// address order: the ones worth asking something, every role.
func (t *Topology) Reachable() []string {
	var out []string
	for _, n := range t.Nodes {
		if !n.Failing() {
			out = append(out, n.Addr)
		}
	}
	return out
}

// Primaries returns the primaries, in address order.
func (t *Topology) Primaries() []ClusterNode {
	var out []ClusterNode
	for _, n := range t.Nodes {
		if n.Role == "primary" {
			out = append(out, n)
		}
	}
	return out
}

// PrimariesBySlot returns the primaries by their lowest slot (slotless
// ones last, in address order), the order in which a slot map names them
// A, B, C… from left to right.
func (t *Topology) PrimariesBySlot() []ClusterNode {
	ps := t.Primaries()
	first := func(n ClusterNode) int {
		lo := SlotCount
		for _, r := range n.Slots {
			lo = min(lo, r.Start)
		}
		return lo
	}
	sort.SliceStable(ps, func(i, j int) bool { return first(ps[i]) < first(ps[j]) })
	return ps
}

// slotMapLetters name primaries in a slot map, the CLI's and the UI's
// alike: 62 of them, then '+' (the JSON and the node list say more).
const slotMapLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// SlotMapLetter is the letter of the i-th primary of PrimariesBySlot in a
// slot map: A to Z, a to z, 0 to 9, then '+'.
func SlotMapLetter(i int) byte {
	if i >= 0 && i < len(slotMapLetters) {
		return slotMapLetters[i]
	}
	return '+'
}

// SlotMapLetters is how many primaries SlotMapLetter names before '+'.
const SlotMapLetters = len(slotMapLetters)

// ParseClusterNodes reads the text of CLUSTER NODES (Redis 3 to 8,
// Valkey). Addresses without a host (":7000@17000", a node that does not
// know its own IP yet) get seedHost.
func ParseClusterNodes(text, seedHost string) (*Topology, error) {
	t := &Topology{owner: make([]int, SlotCount)}
	for i := range t.owner {
		t.owner[i] = -1
	}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 {
			if len(f) == 0 {
				continue
			}
			return nil, fmt.Errorf("CLUSTER NODES: short line %q", line)
		}
		n := ClusterNode{ID: f[0], Link: f[7], Flags: strings.Split(f[2], ",")}
		addr := f[1]
		if i := strings.IndexAny(addr, "@,"); i >= 0 {
			addr = addr[:i]
		}
		if strings.HasPrefix(addr, ":") {
			addr = seedHost + addr
		}
		n.Addr = addr
		n.Epoch, _ = strconv.ParseInt(f[6], 10, 64)
		n.Role = "replica"
		for _, fl := range n.Flags {
			switch fl {
			case "master":
				n.Role = "primary"
			case "myself":
				n.Myself = true
			}
		}
		if f[3] != "-" {
			n.PrimaryID = f[3]
		}
		for _, s := range f[8:] {
			if strings.HasPrefix(s, "[") {
				body := strings.Trim(s, "[]")
				if slot, id, ok := strings.Cut(body, "->-"); ok {
					if n.Migrating == nil {
						n.Migrating = map[int]string{}
					}
					v, _ := strconv.Atoi(slot)
					n.Migrating[v] = id
				} else if slot, id, ok := strings.Cut(body, "-<-"); ok {
					if n.Importing == nil {
						n.Importing = map[int]string{}
					}
					v, _ := strconv.Atoi(slot)
					n.Importing[v] = id
				}
				continue
			}
			a, b, isRange := strings.Cut(s, "-")
			start, err := strconv.Atoi(a)
			if err != nil {
				return nil, fmt.Errorf("CLUSTER NODES: bad slot %q", s)
			}
			end := start
			if isRange {
				if end, err = strconv.Atoi(b); err != nil {
					return nil, fmt.Errorf("CLUSTER NODES: bad slot range %q", s)
				}
			}
			if start < 0 || end >= SlotCount || end < start {
				return nil, fmt.Errorf("CLUSTER NODES: slot range %q out of bounds", s)
			}
			n.Slots = append(n.Slots, SlotRange{start, end})
		}
		if n.Slots == nil {
			n.Slots = []SlotRange{}
		}
		t.Nodes = append(t.Nodes, n)
	}
	sort.Slice(t.Nodes, func(i, j int) bool { return t.Nodes[i].Addr < t.Nodes[j].Addr })
	for i, n := range t.Nodes {
		if n.Role != "primary" {
			continue
		}
		for _, r := range n.Slots {
			for s := r.Start; s <= r.End; s++ {
				t.owner[s] = i
			}
		}
	}
	return t, nil
}

// ErrNotCluster is returned by cluster-only actions on a standalone server.
var ErrNotCluster = errors.New("not a cluster: the server has cluster_enabled:0")

// Topology asks the seed node (on the admin connection) for CLUSTER NODES.
func (s *Session) Topology(ctx context.Context) (*Topology, error) {
	if s.info.Mode != "cluster" {
		return nil, ErrNotCluster
	}
	v, err := s.Admin(ctx, "CLUSTER", "NODES")
	if err != nil {
		return nil, fmt.Errorf("CLUSTER NODES on %s: %w", s.target.Addr, err)
	}
	if v.Kind == resp.Error {
		// Wrapped as a reply so that callers can classify it (NOPERM).
		return nil, fmt.Errorf("CLUSTER NODES on %s: %w", s.target.Addr, &replyError{msg: resp.Escape(v.Str)})
	}
	host, _, _ := net.SplitHostPort(s.target.Addr)
	return ParseClusterNodes(string(v.Str), host)
}
