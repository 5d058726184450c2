package ui

// The Cache & Functions view (alt+k): every node's script cache (INFO
// figures, evictions, generated scripts) and every node's Functions
// libraries with their code hashes, the drift between nodes flagged — what
// `luascope cache` and `luascope functions` print, in the terminal UI. It
// only reads (INFO, FUNCTION LIST), so it works on read-only and
// production connections too.

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
)

// healthKey opens the Cache & Functions view.
var healthKey = key.NewBinding(key.WithKeys("alt+k"), key.WithHelp("alt+k", "script cache and Functions on every node (drift)"))

// healthWarnAt is the count of cached scripts that looks generated, as
// luascope cache --warn-scripts' default.
const healthWarnAt = 1000

type healthLoadedMsg struct {
	stats []redisx.ScriptCacheStats
	fns   []redisx.NodeFunctions
	drift []redisx.Drift
	err   error
}

func healthCmd(s *redisx.Session) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var msg healthLoadedMsg
		msg.stats, msg.err = s.ScriptCacheByNodeStats(ctx)
		if msg.err != nil {
			return msg
		}
		msg.fns, msg.err = s.LibrariesByNode(ctx)
		if msg.err == nil {
			msg.drift = redisx.FindDrift(msg.fns)
		}
		return msg
	}
}

// openHealth starts reading every node; the view opens when it is done.
func (m Model) openHealth() (Model, tea.Cmd) {
	if m.session == nil {
		m.setStatus("not connected", true)
		return m, nil
	}
	m.setStatus("reading every node's script cache and Functions libraries…", false)
	return m, healthCmd(m.session)
}

// healthDoc is the view's text, as a detail view shows it (scroll, /, y).
func healthDoc(msg healthLoadedMsg) detailDoc {
	d := detailDoc{title: "Script cache and Functions, every node", what: "the report"}
	if msg.err != nil {
		d.add("error", sanitize(msg.err.Error()))
		return d
	}
	var warnings []string
	var cache strings.Builder
	// Each primary, then its replicas, as luascope cache and functions
	// list them.
	stats := redisx.PrimaryFirst(msg.stats, func(st redisx.ScriptCacheStats) redisx.ClusterNode { return st.Node })
	for _, st := range stats {
		role := st.Node.Role
		if role == "" {
			role = "server"
		}
		fmt.Fprintf(&cache, "%-21s %-8s", sanitize(st.Node.Addr), role)
		if st.Err != nil {
			fmt.Fprintf(&cache, " could not be read: %s\n", sanitize(st.Err.Error()))
			continue
		}
		fmt.Fprintf(&cache, " %s, %s of script memory", healthPlural(st.CachedScripts, "cached script", "cached scripts"), healthBytes(st.UsedMemoryScripts))
		if st.VMEval >= 0 {
			fmt.Fprintf(&cache, ", VMs: eval %s, functions %s", healthBytes(st.VMEval), healthBytes(st.VMFunctions))
		}
		if st.EvictedScripts >= 0 {
			fmt.Fprintf(&cache, ", %d evicted", st.EvictedScripts)
		}
		cache.WriteString("\n")
		warnings = append(warnings, st.Warnings(healthWarnAt)...)
	}
	d.add("script cache", strings.TrimRight(cache.String(), "\n"))
	for _, w := range warnings {
		d.add("warning", sanitize(w))
	}
	var fns strings.Builder
	var unread []string
	for _, n := range redisx.PrimaryFirst(msg.fns, func(n redisx.NodeFunctions) redisx.ClusterNode { return n.Node }) {
		fmt.Fprintf(&fns, "%s (%s)", sanitize(n.Node.Addr), cmpRole(n.Node.Role))
		switch {
		case n.Err != nil:
			unread = append(unread, sanitize(n.Node.Addr))
			fmt.Fprintf(&fns, ": could not be read: %s\n", sanitize(n.Err.Error()))
			continue
		case len(n.Libraries) == 0:
			fns.WriteString(": no libraries\n")
			continue
		}
		fns.WriteString("\n")
		libs := append([]redisx.Library(nil), n.Libraries...)
		sort.Slice(libs, func(i, j int) bool { return libs[i].Name < libs[j].Name })
		for _, l := range libs {
			var names []string
			// FUNCTION LIST's order is the server's hash table's, not the
			// same on two nodes: sorted, as luascope functions does.
			fs := slices.SortedFunc(slices.Values(l.Functions), func(a, b redisx.LibraryFunction) int { return strings.Compare(a.Name, b.Name) })
			for _, f := range fs {
				name := sanitize(f.Name)
				if len(f.Flags) > 0 {
					name += " [" + sanitize(strings.Join(f.Flags, ",")) + "]"
				}
				names = append(names, name)
			}
			fmt.Fprintf(&fns, "  %s %s code %s: %s\n", sanitize(l.Name), sanitize(l.Engine), redisx.LibraryHash(l)[:7], strings.Join(names, ", "))
		}
	}
	d.add("functions", strings.TrimRight(fns.String(), "\n"))
	switch {
	case len(unread) > 0:
		// Nothing is known of these nodes' libraries: never "none".
		line := plural(len(unread), "node") + " could not be read, so drift there is unknown: " + strings.Join(unread, ", ")
		if len(msg.drift) == 0 && len(unread) < len(msg.fns) {
			line += "; none among the nodes read"
		}
		d.add("drift", line)
	case len(msg.drift) == 0:
		d.add("drift", "none: every primary has the same libraries with the same code, and every replica its primary's")
	}
	for _, dr := range msg.drift {
		line := fmt.Sprintf("library %s, %s: %s", sanitize(dr.Library), dr.Kind, sanitize(strings.Join(dr.Nodes, ", ")))
		if dr.Primary != "" {
			line += " (primary " + sanitize(dr.Primary) + ")"
		}
		if len(dr.Hashes) > 0 {
			var hs []string
			for h, nodes := range dr.Hashes {
				hs = append(hs, h[:min(7, len(h))]+" on "+sanitize(strings.Join(nodes, ", ")))
			}
			sort.Strings(hs)
			line += "; code " + strings.Join(hs, "; ")
		}
		d.add("DRIFT", line)
	}
	d.add("", "luascope cache and luascope functions --check print the same (--json for scripts); luascope load --all --library FILE deploys a library to every primary (docs/functions.md)")
	return d
}

func cmpRole(r string) string {
	if r == "" {
		return "server"
	}
	return r
}

// healthPlural is "1 cached script", "2 cached scripts", or "- cached
// scripts" when the server does not report the figure.
func healthPlural(n int64, one, many string) string {
	if n < 0 {
		return "- " + many
	}
	return plural(int(n), one)
}

func healthBytes(n int64) string {
	switch {
	case n < 0:
		return "-"
	case n < 1024:
		return fmt.Sprintf("%dB", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1fK", float64(n)/1024)
	}
	return fmt.Sprintf("%.1fM", float64(n)/(1<<20))
}
