package main

// What `luascope cache --check` says beyond each script's nodes: the
// nodes it could not read (a BUSY server, a denied SCRIPT EXISTS, no
// answer), for which whether they cache a script is unknown, neither
// cached nor missing; and how to fill the caches that lack a script.

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"luascope/redisx/classify"
)

// cachedOnText is "cached on 2 of 3 nodes", saying how many nodes could
// not be read rather than counting them among the nodes that lack it.
func cachedOnText(cached, nodes, unread int) string {
	noun := func(n int) string { return plural(n, "node", "nodes") }
	read := nodes - unread
	switch {
	case unread == 0:
		return fmt.Sprintf("cached on %d of %d %s", cached, nodes, noun(nodes))
	case read == 0:
		return fmt.Sprintf("unknown: %d %s could not be read", unread, noun(unread))
	}
	return fmt.Sprintf("cached on %d of the %d %s read, unknown on %d that could not be read", cached, read, noun(read), unread)
}

// unreadText lists the nodes that could not be read, each with its
// class and the escaped error, under a heading that says what that means.
func unreadText(errs map[string]*classify.Classification) string {
	if len(errs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("could not be read (whether they cache the scripts is unknown):\n")
	for _, addr := range slices.Sorted(maps.Keys(errs)) {
		b.WriteString(unreadLine(addr, errs[addr]))
	}
	return b.String()
}

// unreadLine is one node that could not be read, under the "could not be
// read" heading of cache, cache --check and functions: its address, its
// error's class and the error, escaped.
func unreadLine(addr string, c *classify.Classification) string {
	return fmt.Sprintf("  %s: %s: %s\n", esc(addr), c.Class, esc(c.Message))
}

// checkHints says how to load a missing script where it is missing. A
// replica never gets scripts from its primary: not SCRIPT LOAD, not EVAL,
// not a full sync (checked on Redis 7.0.15, 8.0.2 and Valkey 8.1.1), so
// load --all, which goes to the primaries, does nothing for it; SCRIPT
// LOAD sent to the replica itself does (a read-only replica accepts it).
// The replicas' hint comes with --replicas (replicas), when they count.
func checkHints(doc cacheCheckJSON, replicas bool) string {
	if doc.AllCached {
		return ""
	}
	var primaries, missingReplicas bool
	for _, sc := range doc.Scripts {
		primaries = primaries || len(sc.MissingPrimary) > 0
		missingReplicas = missingReplicas || len(sc.MissingReplicas) > 0
	}
	var b strings.Builder
	if primaries {
		b.WriteString("hint: luascope load --all FILE loads a script on every primary\n")
	}
	if replicas && missingReplicas {
		b.WriteString("hint: a replica never gets scripts from its primary (SCRIPT LOAD, EVAL and a full sync leave its cache alone): " +
			"load it on each replica listed, luascope load -h HOST -p PORT FILE (a replica accepts SCRIPT LOAD), " +
			"or let clients fall back from EVALSHA_RO to EVAL_RO on NOSCRIPT\n")
	}
	return b.String()
}
