package redisx

import (
	"context"
	"slices"
	"sort"

	"luascope/redisx/resp"
)

// LibrariesByNode runs FUNCTION LIST WITHCODE on every node, primaries and
// replicas, at once, in topology order. Functions live in each shard's
// data: a client that loads a library on one random shard leaves the
// others without it, and only asking every node shows that. The error is
// for the topology; a node that fails (or a server older than 7.0, which
// has no FUNCTION) has its own Err.
func (s *Session) LibrariesByNode(ctx context.Context) ([]NodeFunctions, error) {
	nodes, err := s.adminNodes(ctx, false)
	if err != nil {
		return nil, err
	}
	return functionLists(nodes, s.OnAll(ctx, addrsOf(nodes), "FUNCTION", "LIST", "WITHCODE")), nil
}

// LibraryHash is the SHA1 of a library's code as FUNCTION LIST WITHCODE
// returns it, which is byte for byte what FUNCTION LOAD was given: equal
// hashes mean the same library, whatever its functions' names.
func LibraryHash(l Library) string { return SHA1(l.Code) }

// Drift kinds, the values of Drift.Kind.
const (
	// DriftMissing is a library that some primaries have and this one
	// lacks: an FCALL routed to its slots fails.
	DriftMissing = "missing"
	// DriftCode is a library whose code differs between primaries: the
	// same FCALL runs different code depending on the key's slot.
	DriftCode = "code"
	// DriftReplicaMissing is a library the primary has and its replica
	// lacks (replication broken or still catching up).
	DriftReplicaMissing = "replica-missing"
	// DriftReplicaExtra is a library a replica has and its primary lacks.
	DriftReplicaExtra = "replica-extra"
	// DriftReplicaCode is a library whose code on a replica differs from
	// its primary's.
	DriftReplicaCode = "replica-code"
)

// Drift is one disagreement between nodes about a Functions library.
type Drift struct {
	Library string `json:"library"`
	Kind    string `json:"kind"`
	// Nodes are the nodes at fault: the primaries lacking the library,
	// every primary that has it (DriftCode), or the replica.
	Nodes []string `json:"nodes"`
	// Primary is the replica's primary, for the replica kinds.
	Primary string `json:"primary,omitempty"`
	// Hashes maps each code hash (LibraryHash) to the nodes holding that
	// code, for DriftCode and DriftReplicaCode.
	Hashes map[string][]string `json:"hashes,omitempty"`
}

// FindDrift compares the libraries of every node that answered: each
// library must be on every primary with the same code, and each replica
// must hold exactly its primary's libraries. Nodes with Err are left out
// (nothing is known of them; callers report them separately), so the
// result is about what was seen. A replica right after a FUNCTION LOAD
// may lag its primary for a moment: a replica drift that disappears on
// a second look was replication in flight.
func FindDrift(nodes []NodeFunctions) []Drift {
	type held struct {
		byName map[string]string // library → code hash
	}
	have := map[string]held{} // by node ID, else addr
	var primaries []NodeFunctions
	for _, n := range nodes {
		if n.Err != nil {
			continue
		}
		h := held{byName: map[string]string{}}
		for _, l := range n.Libraries {
			h.byName[l.Name] = LibraryHash(l)
		}
		have[nodeRef(n.Node)] = h
		if n.Node.Role == "primary" {
			primaries = append(primaries, n)
		}
	}
	var out []Drift
	// Across primaries: the union of names, each checked on every primary.
	names := map[string]bool{}
	for _, p := range primaries {
		for name := range have[nodeRef(p.Node)].byName {
			names[name] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, name := range sorted {
		var missing []string
		hashes := map[string][]string{}
		for _, p := range primaries {
			h, ok := have[nodeRef(p.Node)].byName[name]
			if !ok {
				missing = append(missing, p.Node.Addr)
				continue
			}
			hashes[h] = append(hashes[h], p.Node.Addr)
		}
		if len(missing) > 0 {
			out = append(out, Drift{Library: name, Kind: DriftMissing, Nodes: missing})
		}
		if len(hashes) > 1 {
			var at []string
			for _, addrs := range hashes {
				at = append(at, addrs...)
			}
			slices.Sort(at)
			out = append(out, Drift{Library: name, Kind: DriftCode, Nodes: at, Hashes: hashes})
		}
	}
	// Each replica against its own primary.
	byID := map[string]ClusterNode{}
	for _, n := range nodes {
		if n.Node.ID != "" {
			byID[n.Node.ID] = n.Node
		}
	}
	for _, n := range nodes {
		if n.Err != nil || n.Node.Role != "replica" || n.Node.PrimaryID == "" {
			continue
		}
		p, ok := byID[n.Node.PrimaryID]
		if !ok {
			continue
		}
		ph, ok := have[nodeRef(p)]
		if !ok {
			continue // the primary did not answer: nothing to compare with
		}
		rh := have[nodeRef(n.Node)]
		all := map[string]bool{}
		for name := range ph.byName {
			all[name] = true
		}
		for name := range rh.byName {
			all[name] = true
		}
		libs := make([]string, 0, len(all))
		for name := range all {
			libs = append(libs, name)
		}
		sort.Strings(libs)
		for _, name := range libs {
			pHash, inP := ph.byName[name]
			rHash, inR := rh.byName[name]
			d := Drift{Library: name, Nodes: []string{n.Node.Addr}, Primary: p.Addr}
			switch {
			case inP && !inR:
				d.Kind = DriftReplicaMissing
			case inR && !inP:
				d.Kind = DriftReplicaExtra
			case pHash != rHash:
				d.Kind = DriftReplicaCode
				d.Hashes = map[string][]string{pHash: {p.Addr}, rHash: {n.Node.Addr}}
			default:
				continue
			}
			out = append(out, d)
		}
	}
	return out
}

// nodeRef names a node for FindDrift's maps: its cluster ID, or its
// address on a server that is not a cluster.
func nodeRef(n ClusterNode) string {
	if n.ID != "" {
		return n.ID
	}
	return n.Addr
}

// OnAllPrimaries sends args to every primary at once (the server itself
// when it is not a cluster), as LoadOnAllPrimaries does for SCRIPT LOAD:
// `luascope load --all --library` sends FUNCTION LOAD REPLACE this way,
// since each shard holds its own functions. A failed primary whose slots
// moved to its replica is skipped. Read-only sessions refuse what OnNode
// refuses.
func (s *Session) OnAllPrimaries(ctx context.Context, args ...any) ([]NodeReply, error) {
	nodes, err := s.adminNodes(ctx, true)
	if err != nil {
		return nil, err
	}
	return s.OnAll(ctx, addrsOf(nodes), args...), nil
}

// PrimaryFirst orders nodes as a person reads a cluster: each primary in
// the order given (the topology's: by address), then its replicas, then anything
// whose primary is not listed. node says which node an element is about.
// luascope functions, luascope cache and the TUI's alt+k all list nodes
// this way, so their reports read alike.
func PrimaryFirst[T any](nodes []T, node func(T) ClusterNode) []T {
	out := make([]T, 0, len(nodes))
	placed := make([]bool, len(nodes))
	for i, p := range nodes {
		if node(p).Role != "primary" {
			continue
		}
		out, placed[i] = append(out, p), true
		for j, r := range nodes {
			if !placed[j] && node(r).Role == "replica" && node(p).ID != "" && node(r).PrimaryID == node(p).ID {
				out, placed[j] = append(out, r), true
			}
		}
	}
	for i, n := range nodes {
		if !placed[i] {
			out = append(out, n)
		}
	}
	return out
}

// LibraryOf asks the nodes at addrs, one at a time, for FUNCTION LIST
// WITHCODE until one has a library that registers function, and returns
// it with the node that answered. It is for a BUSY node, which refuses
// FUNCTION LIST while its function runs: another node (a primary that is
// not busy, or the busy one's replica) holds the same library unless there
// is drift, so its copy is the best account of the running code. Nodes
// that fail or lack it are passed over; ok is false when none has it.
func (s *Session) LibraryOf(ctx context.Context, function string, addrs []string) (lib Library, from string, ok bool) {
	for _, addr := range addrs {
		v, err := s.OnNode(ctx, addr, "FUNCTION", "LIST", "WITHCODE")
		if err != nil || v.Kind == resp.Error {
			continue
		}
		libs, err := parseFunctionList(*v)
		if err != nil {
			continue
		}
		for _, l := range libs {
			for _, f := range l.Functions {
				if f.Name == function {
					return l, addr, true
				}
			}
		}
	}
	return Library{}, "", false
}
