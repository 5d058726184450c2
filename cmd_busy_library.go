package main

import (
	"context"
	"slices"

	"luascope/redisx"
	"luascope/redisx/incident"
)

// librariesElsewhere fills in the source of each busy node's running
// function that no FILE or history entry gave: a BUSY node refuses
// FUNCTION LIST, but another node (not busy) has the library unless
// there is drift. One FUNCTION LIST WITHCODE per node asked, in order,
// until one has it; only when the source is otherwise unknown.
func librariesElsewhere(ctx context.Context, s *redisx.Session, doc *busyJSON, addrs []string) {
	var busy []string
	for _, n := range doc.Nodes {
		if n.Busy() {
			busy = append(busy, n.Node)
		}
	}
	var free []string
	for _, a := range addrs {
		if !slices.Contains(busy, a) {
			free = append(free, a)
		}
	}
	if len(free) == 0 {
		return
	}
	for i := range doc.Nodes {
		n := &doc.Nodes[i]
		if !n.Busy() || n.Kind != incident.Function || n.Name == "" || n.Source != nil {
			continue
		}
		// n.Name is escaped for output, which leaves a function's name
		// as it is: letters, digits and underscores (FUNCTION LOAD's rule).
		if lib, from, ok := s.LibraryOf(ctx, n.Name, free); ok {
			n.Source = &sourceJSON{From: "server", Detail: "FUNCTION LIST WITHCODE on " + esc(from) +
				", a node not busy: its copy of library " + esc(lib.Name) + " (luascope functions says whether every node has the same)",
				FirstLine: esc(firstLine(lib.Code))}
		}
	}
}
