package redisx

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"

	"luascope/redisx/resp"
)

// ScriptCacheStats is one node's script cache as INFO reports it. A
// field the server does not report is -1: used_memory_vm_eval and
// used_memory_vm_functions are Redis/Valkey 7.0+, evicted_scripts Redis
// 8.0+ and Valkey 8.1+.
type ScriptCacheStats struct {
	Node ClusterNode `json:"-"`
	// CachedScripts is number_of_cached_scripts: EVAL and SCRIPT LOAD
	// scripts in the cache (Functions are not counted).
	CachedScripts int64 `json:"number_of_cached_scripts"`
	// UsedMemoryScripts is used_memory_scripts: the cache's overhead
	// (scripts and Functions' code), in bytes.
	UsedMemoryScripts int64 `json:"used_memory_scripts"`
	// VMEval and VMFunctions are the two Lua VMs' memory in bytes.
	VMEval      int64 `json:"used_memory_vm_eval"`
	VMFunctions int64 `json:"used_memory_vm_functions"`
	// EvictedScripts counts scripts the server dropped from a full cache
	// (Redis 8 evicts EVAL-sent scripts past 500; SCRIPT LOAD ones stay).
	EvictedScripts int64 `json:"evicted_scripts"`
	Err            error `json:"-"`
}

// ScriptCacheByNodeStats asks every node, primaries and replicas, for its
// script cache figures (INFO memory and INFO stats, two round trips so a
// server before 7.0, which takes one section only, answers too), in
// topology order. The error is for the topology; a node that fails has
// its own Err.
func (s *Session) ScriptCacheByNodeStats(ctx context.Context) ([]ScriptCacheStats, error) {
	nodes, err := s.adminNodes(ctx, false)
	if err != nil {
		return nil, err
	}
	addrs := addrsOf(nodes)
	mem := s.OnAll(ctx, addrs, "INFO", "memory")
	stats := s.OnAll(ctx, addrs, "INFO", "stats")
	out := make([]ScriptCacheStats, len(nodes))
	for i := range nodes {
		c := &out[i]
		c.Node = nodes[i]
		c.CachedScripts, c.UsedMemoryScripts, c.VMEval, c.VMFunctions, c.EvictedScripts = -1, -1, -1, -1, -1
		for _, r := range []NodeReply{mem[i], stats[i]} {
			if c.Err = ReplyErr(r, "INFO"); c.Err != nil {
				break
			}
			if r.Reply.Kind != resp.Bulk && r.Reply.Kind != resp.Verbatim {
				c.Err = fmt.Errorf("INFO on %s: unexpected reply %s", r.Addr, resp.Summary(*r.Reply, 60))
				break
			}
			for k, v := range infoFields(string(r.Reply.Str)) {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					continue
				}
				switch k {
				case "number_of_cached_scripts":
					c.CachedScripts = n
				case "used_memory_scripts":
					c.UsedMemoryScripts = n
				case "used_memory_vm_eval":
					c.VMEval = n
				case "used_memory_vm_functions":
					c.VMFunctions = n
				case "evicted_scripts":
					c.EvictedScripts = n
				}
			}
		}
	}
	return out, nil
}

// infoFields reads INFO's "name:value" lines; section headers and blank
// lines are skipped.
func infoFields(text string) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[k] = v
		}
	}
	return out
}

// ScriptsExistByNode asks every node, primaries and replicas, which of
// shas its script cache holds (one SCRIPT EXISTS per node with all of
// them), in topology order; Cached[i] answers shas[i].
func (s *Session) ScriptsExistByNode(ctx context.Context, shas []string) ([]NodeScripts, error) {
	nodes, err := s.adminNodes(ctx, false)
	if err != nil {
		return nil, err
	}
	args := []any{"SCRIPT", "EXISTS"}
	for _, sha := range shas {
		args = append(args, sha)
	}
	replies := s.OnAll(ctx, addrsOf(nodes), args...)
	out := make([]NodeScripts, len(nodes))
	for i, r := range replies {
		out[i].Node = nodes[i]
		if out[i].Err = ReplyErr(r, "SCRIPT EXISTS"); out[i].Err != nil {
			continue
		}
		v := r.Reply
		if v.Kind != resp.Array || len(v.Elems) != len(shas) {
			out[i].Err = fmt.Errorf("SCRIPT EXISTS on %s: unexpected reply %s", r.Addr, resp.Summary(*v, 60))
			continue
		}
		out[i].Cached = make([]bool, len(shas))
		for j, e := range v.Elems {
			out[i].Cached[j] = e.Kind == resp.Integer && e.Int == 1
		}
	}
	return out, nil
}

// NodeScripts is one node's answer to SCRIPT EXISTS for several SHAs.
type NodeScripts struct {
	Node   ClusterNode
	Cached []bool
	Err    error
}

// Warnings says what is wrong with the node's cache, if anything: scripts
// evicted (Redis 8 drops EVAL-sent scripts from a full cache), or warnAt
// cached scripts or more (> 0), the mark of scripts generated with values
// written into their text. Shared by luascope cache and the terminal UI.
func (st ScriptCacheStats) Warnings(warnAt int64) []string {
	var out []string
	if st.EvictedScripts > 0 {
		out = append(out, fmt.Sprintf("%s: %d scripts evicted from the cache: EVALSHA of an evicted script fails with NOSCRIPT; "+
			"scripts sent with EVAL are evicted first, so the cache is full of one-off scripts (values written into the body?)",
			st.Node.Addr, st.EvictedScripts))
	}
	if warnAt > 0 && st.CachedScripts >= warnAt {
		out = append(out, fmt.Sprintf("%s: %d cached scripts look generated (EVAL with values written into the body): "+
			"pass values as KEYS and ARGV so one script serves every call; SCRIPT FLUSH frees them",
			st.Node.Addr, st.CachedScripts))
	}
	return out
}
