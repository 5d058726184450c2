package main

// What `luascope cache --check` says of the nodes it could not read (a
// BUSY server, a denied SCRIPT EXISTS, no answer): whether they cache a
// script is unknown, which is neither cached nor missing.

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
	noun := func(n int) string {
		if n == 1 {
			return "node"
		}
		return "nodes"
	}
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
		c := errs[addr]
		fmt.Fprintf(&b, "  %s: %s: %s\n", esc(addr), c.Class, esc(c.Message))
	}
	return b.String()
}
