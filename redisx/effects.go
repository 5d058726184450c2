package redisx

import (
	"context"
	"fmt"
	"strings"
	"time"

	"luascope/redisx/resp"
)

// KeyState is what a key looked like at one moment: enough to see what a
// script did to it, never the whole value (a preview of at most a few
// elements or 64 bytes), so a huge key costs nothing to look at.
type KeyState struct {
	Key     string `json:"key"`
	Exists  bool   `json:"exists"`
	Type    string `json:"type,omitempty"`
	TTLms   int64  `json:"ttl_ms"` // -1 no expiry, -2 missing (PTTL)
	Size    int64  `json:"size"`   // bytes (string) or elements
	Preview string `json:"preview,omitempty"`
	Err     string `json:"error,omitempty"`
}

// Effect is one key's change across a run.
type Effect struct {
	Key     string   `json:"key"`
	Before  KeyState `json:"before"`
	After   KeyState `json:"after"`
	Changes []string `json:"changes"` // empty when the key is unchanged
}

// MarshalJSON writes Key as Arg does (a key need not be UTF-8).
func (k KeyState) MarshalJSON() ([]byte, error) {
	type plain KeyState
	return resp.EncodeJSON(struct {
		Key Arg `json:"key"`
		plain
	}{Arg(k.Key), plain(k)})
}

// MarshalJSON writes Key as Arg does (a key need not be UTF-8).
func (e Effect) MarshalJSON() ([]byte, error) {
	type plain Effect
	return resp.EncodeJSON(struct {
		Key Arg `json:"key"`
		plain
	}{Arg(e.Key), plain(e)})
}

// previewLen bounds a preview: previews are read, not whole values.
const previewLen = 64

// keyNode is where a key lives: its slot's primary when known, else the
// seed (where MOVED will teach us better on the next run).
// The caller holds s.mu (it reads the slot map); *top caches one CLUSTER
// NODES answer for all the keys it is asked about.
func (s *Session) keyNodeLocked(ctx context.Context, key string, top **Topology) string {
	if !s.target.Cluster {
		return s.target.Addr
	}
	if addr, ok := s.slots[KeySlot(key)]; ok {
		return addr
	}
	if *top == nil {
		if t, err := s.Topology(ctx); err == nil {
			*top = t
		}
	}
	if *top != nil {
		if o, ok := (*top).Owner(KeySlot(key)); ok {
			return o.Addr
		}
	}
	return s.target.Addr
}

// KeyNode is the address of the node serving key: the server itself, or
// in a cluster the primary of the key's slot (from the slot map the runs
// learnt, else CLUSTER NODES). The debugger connects there.
func (s *Session) KeyNode(ctx context.Context, key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var top *Topology
	return s.keyNodeLocked(ctx, key, &top)
}

// Snapshot reads each key's type, TTL, size and a preview with read-only
// commands on a side connection (not steps of the run: they are not
// what the script sent). It is not atomic with the run: another client
// may write in between, which Effects cannot tell apart.
func (s *Session) Snapshot(ctx context.Context, keys []string) []KeyState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshotLocked(ctx, keys)
}

func (s *Session) snapshotLocked(ctx context.Context, keys []string) []KeyState {
	out := make([]KeyState, len(keys))
	var top *Topology
	for i, k := range keys {
		out[i] = s.snapshot(ctx, k, s.keyNodeLocked(ctx, k, &top))
	}
	return out
}

func (s *Session) snapshot(ctx context.Context, key, addr string) KeyState {
	st := KeyState{Key: key, TTLms: -2}
	do := func(args ...any) (*resp.Value, error) {
		v, err := s.OnNode(ctx, addr, args...)
		if err == nil && v.Kind == resp.Error {
			err = fmt.Errorf("%s", v.Str)
		}
		return v, err
	}
	t, err := do("TYPE", key)
	if err != nil {
		st.Err = err.Error()
		return st
	}
	st.Type = string(t.Str)
	if st.Type == "none" {
		st.Type = ""
		return st
	}
	st.Exists = true
	if v, err := do("PTTL", key); err == nil {
		st.TTLms = v.Int
	}
	var sizeCmd string
	var preview []any
	switch st.Type {
	case "string":
		sizeCmd, preview = "STRLEN", []any{"GETRANGE", key, 0, previewLen - 1}
	case "list":
		sizeCmd, preview = "LLEN", []any{"LRANGE", key, 0, 4}
	case "hash":
		sizeCmd, preview = "HLEN", []any{"HSCAN", key, 0, "COUNT", 5}
	case "set":
		sizeCmd, preview = "SCARD", []any{"SSCAN", key, 0, "COUNT", 5}
	case "zset":
		sizeCmd, preview = "ZCARD", []any{"ZRANGE", key, 0, 4, "WITHSCORES"}
	case "stream":
		sizeCmd, preview = "XLEN", []any{"XREVRANGE", key, "+", "-", "COUNT", 1}
	}
	if sizeCmd != "" {
		if v, err := do(sizeCmd, key); err == nil {
			st.Size = v.Int
		}
		if v, err := do(preview...); err == nil {
			st.Preview = previewText(st.Type, *v)
		}
	}
	return st
}

// previewText renders a preview on one escaped line.
func previewText(typ string, v resp.Value) string {
	if typ == "string" {
		return resp.Quote(v.Str)
	}
	if (typ == "hash" || typ == "set") && len(v.Elems) == 2 {
		v = v.Elems[1] // SCAN's [cursor, items]
	}
	parts := make([]string, 0, len(v.Elems))
	for _, e := range v.Elems {
		parts = append(parts, resp.Summary(e, 24))
	}
	s := strings.Join(parts, " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// Effects compares snapshots taken before and after a run.
func Effects(before, after []KeyState) []Effect {
	out := make([]Effect, 0, len(before))
	for i := range before {
		if i >= len(after) {
			break
		}
		b, a := before[i], after[i]
		e := Effect{Key: b.Key, Before: b, After: a, Changes: []string{}}
		switch {
		case !b.Exists && a.Exists:
			e.Changes = append(e.Changes, "created ("+a.Type+")")
			if a.TTLms >= 0 {
				e.Changes = append(e.Changes, "expires in "+ttlText(a.TTLms))
			}
		case b.Exists && !a.Exists:
			e.Changes = append(e.Changes, "deleted")
		case b.Exists && a.Exists:
			if b.Type != a.Type {
				e.Changes = append(e.Changes, "type "+b.Type+" → "+a.Type)
			}
			if b.Size != a.Size {
				e.Changes = append(e.Changes, fmt.Sprintf("size %d → %d", b.Size, a.Size))
			}
			if b.Preview != a.Preview && b.Size == a.Size {
				e.Changes = append(e.Changes, "value changed")
			}
		}
		if b.Exists && a.Exists && ttlChanged(b.TTLms, a.TTLms) {
			e.Changes = append(e.Changes, "ttl "+ttlText(b.TTLms)+" → "+ttlText(a.TTLms))
		}
		out = append(out, e)
	}
	return out
}

// ttlChanged ignores the clock ticking down between the two snapshots.
func ttlChanged(before, after int64) bool {
	if before < 0 || after < 0 {
		return before != after
	}
	return after > before+1000 || after < before-5000
}

func ttlText(ms int64) string {
	switch ms {
	case -1:
		return "none"
	case -2:
		return "missing"
	}
	return (time.Duration(ms) * time.Millisecond).Round(time.Second).String()
}
