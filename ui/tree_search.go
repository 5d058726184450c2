package ui

// Search in the result tree and its raw view.
//
// The tree searches the reply, not its rows: a walk over the nodes in the
// order the tree shows them (attributes, then elements; a map's pairs),
// expanded or not, comparing each node's key and value with the query
// without drawing anything. Matches are kept as paths of child indexes in
// one flat slice, so a million matches are two slices, and moving to one
// opens its ancestors in the lazy index (tree_index.go) and asks rowOf
// for its row. The raw view searches its wire lines the same way.

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx/resp"
)

// treeMatches are the nodes that match, in display order (pre-order),
// each as its path of child indexes: match i is flat[end[i-1]:end[i]].
type treeMatches struct {
	flat []int
	end  []int
}

func (m *treeMatches) len() int { return len(m.end) }

func (m *treeMatches) path(i int) []int {
	start := 0
	if i > 0 {
		start = m.end[i-1]
	}
	return m.flat[start:m.end[i]]
}

// comparePaths orders two paths as the tree shows them: a node before its
// descendants, siblings by index.
func comparePaths(a, b []int) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// after is the first match that comes after p (or, with orAt, at p),
// wrapping around to the first; -1 when there is none at all.
func (m *treeMatches) after(p []int, orAt bool) int {
	n := m.len()
	if n == 0 {
		return -1
	}
	i := sort.Search(n, func(i int) bool {
		c := comparePaths(m.path(i), p)
		return c > 0 || (orAt && c == 0)
	})
	return i % n
}

// before is the last match before p, wrapping around to the last.
func (m *treeMatches) before(p []int) int {
	n := m.len()
	if n == 0 {
		return -1
	}
	i := sort.Search(n, func(i int) bool { return comparePaths(m.path(i), p) >= 0 })
	return (i - 1 + n) % n
}

// at is the index of the match at p, or -1.
func (m *treeMatches) at(p []int) int {
	n := m.len()
	i := sort.Search(n, func(i int) bool { return comparePaths(m.path(i), p) >= 0 })
	if i < n && comparePaths(m.path(i), p) == 0 {
		return i
	}
	return -1
}

// findTreeMatches walks every node under root in display order and keeps
// those s matches. It draws nothing and allocates only for the matches.
func findTreeMatches(root tnode, s *searchBar) *treeMatches {
	out := &treeMatches{}
	if !s.Active() {
		return out
	}
	var num []byte // an integer's digits, reused
	m := s.m
	match := func(n tnode) bool { return nodeMatches(n, m, &num) }
	type frame struct {
		n         tnode
		next, cnt int
	}
	var path []int
	if match(root) {
		out.end = append(out.end, 0)
	}
	stack := []frame{{root, 0, root.count()}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.next >= f.cnt {
			stack = stack[:len(stack)-1]
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
			continue
		}
		i := f.next
		f.next++
		ch := f.n.child(i)
		path = append(path, i)
		if match(ch) {
			out.flat = append(out.flat, path...)
			out.end = append(out.end, len(out.flat))
		}
		if c := ch.count(); c > 0 {
			stack = append(stack, frame{ch, 0, c})
		} else {
			path = path[:len(path)-1]
		}
	}
	return out
}

// narrowTreeMatches keeps the matches of old that m matches too: each is
// found again from its path, so the cost is that of the old matches.
func narrowTreeMatches(old *treeMatches, root tnode, m matcher) *treeMatches {
	out := &treeMatches{}
	var num []byte
	for i := range old.len() {
		p := old.path(i)
		n := root
		for _, c := range p {
			n = n.child(c)
		}
		if nodeMatches(n, m, &num) {
			out.flat = append(out.flat, p...)
			out.end = append(out.end, len(out.flat))
		}
	}
	return out
}

// narrowRawMatches keeps the lines of old that m matches too.
func narrowRawMatches(old []int, r *rawIndex, m matcher) []int {
	var out []int
	for _, i := range old {
		if l, _ := r.line(i); m.matchBytes(l) {
			out = append(out, i)
		}
	}
	return out
}

// nodeMatches reports whether a node's own text holds the query: a
// pair's key or its value, a value; attributes and entries with an
// aggregate key have none (their keys and values are children of their
// own). num is a buffer for an integer's digits.
func nodeMatches(n tnode, m matcher, num *[]byte) bool {
	switch n.kind {
	case nodeAttr, nodeEntry:
		return false
	case nodePair:
		if valueMatches(n.key, m, num) {
			return true
		}
	}
	return valueMatches(n.v, m, num)
}

// valueMatches compares a scalar's text as the tree shows it (without its
// type badge) with the query; aggregates have no text of their own.
func valueMatches(v *resp.Value, s matcher, num *[]byte) bool {
	switch v.Kind {
	case resp.Bulk, resp.Status, resp.Error, resp.BigNumber, resp.Verbatim:
		return s.matchBytes(v.Str)
	case resp.Integer:
		*num = strconv.AppendInt((*num)[:0], v.Int, 10)
		return s.matchBytes(*num)
	case resp.Double:
		return s.matches(strings.TrimPrefix(resp.Summary(*v, 0), "(double) "))
	case resp.Boolean:
		return s.matches(strconv.FormatBool(v.Bool))
	case resp.Nil:
		return s.matches("(nil)")
	}
	return false
}

// findRawMatches is the wire lines that match, ascending.
func findRawMatches(r *rawIndex, s *searchBar) []int {
	var out []int
	if !s.Active() {
		return out
	}
	m := s.m
	for i := range r.lines() {
		if l, _ := r.line(i); m.matchBytes(l) {
			out = append(out, i)
		}
	}
	return out
}

// treeSearch is the tree's search state: the bar, and the matches of the
// view shown, found again when the query, the reply or the view changes.
type treeSearch struct {
	bar     searchBar
	tree    *treeMatches // nil: not searched yet
	raw     []int        // wire lines that match (raw view)
	rawDone bool
	rawCur  int   // index in raw of the current match; -1 none
	from    []int // the cursor's path when "/" was pressed: typing searches from there
	fromRaw int   // the raw view's first line then
}

// resetMatches forgets the matches (a new query or reply).
func (s *treeSearch) resetMatches() {
	s.tree, s.raw, s.rawDone, s.rawCur = nil, nil, false, -1
}

// searchKey handles "/", n, N and the prompt's keys; handled is false for
// keys the search does not take.
func (t *Tree) searchKey(km tea.KeyMsg) (handled bool) {
	k := commonKeys(t.common)
	s := &t.search
	switch {
	case s.bar.Typing():
		before, tree, raw, rawDone := s.bar.m.fold, s.tree, s.raw, s.rawDone
		if _, changed := s.bar.Update(km); changed {
			s.resetMatches()
			// A query that only grew keeps a subset of the matches it
			// had: check those again instead of the whole reply.
			if now := s.bar.m.fold; before != "" && strings.Contains(now, before) {
				if tree != nil {
					s.tree = narrowTreeMatches(tree, t.idx.root, s.bar.m)
				}
				if rawDone {
					s.raw, s.rawDone = narrowRawMatches(raw, t.raw, s.bar.m), true
				}
			}
			if s.bar.Active() {
				t.gotoMatch(0, true)
			}
		}
	case key.Matches(km, k.Search):
		s.bar.Open()
		s.resetMatches()
		_, s.from = t.idx.locate(t.cursor, nil)
		s.fromRaw = t.rawOff
	case !s.bar.Active():
		return false
	case key.Matches(km, k.NextMatch):
		t.gotoMatch(1, false)
	case key.Matches(km, k.PrevMatch):
		t.gotoMatch(-1, false)
	case key.Matches(km, searchCancel):
		s.bar.Clear()
		s.resetMatches()
	default:
		return false
	}
	t.fix()
	t.syncSearch()
	return true
}

// gotoMatch moves to the next (dir 1) or previous (-1) match from the
// cursor, or with dir 0 to the first at or after where "/" was pressed,
// revealing it: its ancestors open, the view centred on it.
func (t *Tree) gotoMatch(dir int, fromStart bool) {
	s := &t.search
	if t.rawMode {
		m := t.rawMatches()
		if len(m) == 0 {
			return
		}
		var i int
		switch {
		case fromStart:
			i = sort.SearchInts(m, s.fromRaw) % len(m)
		case dir > 0 && s.rawCur >= 0:
			i = (s.rawCur + 1) % len(m)
		case dir < 0 && s.rawCur >= 0:
			i = (s.rawCur - 1 + len(m)) % len(m)
		case dir > 0:
			i = sort.SearchInts(m, t.rawOff) % len(m)
		default:
			i = (sort.SearchInts(m, t.rawOff) - 1 + len(m)) % len(m)
		}
		s.rawCur = i
		t.rawOff = clampOff(m[i]-t.bodyHeight()/2, t.raw.lines(), t.bodyHeight())
		return
	}
	m := t.treeMatches()
	var i int
	switch {
	case fromStart:
		i = m.after(s.from, true)
	case dir > 0:
		_, p := t.idx.locate(t.cursor, nil)
		i = m.after(p, false)
	default:
		_, p := t.idx.locate(t.cursor, nil)
		i = m.before(p)
	}
	if i < 0 {
		return
	}
	t.reveal(slices.Clone(m.path(i)))
}

// reveal opens the ancestors of the node at path and puts the cursor on
// it, centred.
func (t *Tree) reveal(path []int) {
	for i := range path {
		if !t.idx.isOpen(path[:i]) {
			t.idx.setOpen(path[:i], true)
		}
	}
	t.cursor, _ = t.idx.rowOf(path)
	t.offset = t.cursor - t.bodyHeight()/2 // centre it; fix clamps
}

// treeMatches are the tree view's matches, found on first need.
func (t *Tree) treeMatches() *treeMatches {
	if t.search.tree == nil {
		t.search.tree = findTreeMatches(t.idx.root, &t.search.bar)
	}
	return t.search.tree
}

// rawMatches are the raw view's matching lines, found on first need.
func (t *Tree) rawMatches() []int {
	if !t.search.rawDone {
		if t.raw == nil {
			t.raw = newRawIndex(t.reply)
		}
		t.search.raw, t.search.rawDone = findRawMatches(t.raw, &t.search.bar), true
	}
	return t.search.raw
}

// syncSearch tells the bar the count and whether the cursor (the raw
// view: the last match moved to) is on a match.
func (t *Tree) syncSearch() {
	s := &t.search
	if !s.bar.Active() || t.idx == nil {
		return
	}
	if t.rawMode {
		m := t.rawMatches()
		cur := 0
		if s.rawCur >= 0 && s.rawCur < len(m) {
			cur = s.rawCur + 1
		}
		s.bar.SetCount(cur, len(m))
		return
	}
	m := t.treeMatches()
	_, p := t.idx.locate(t.cursor, nil)
	s.bar.SetCount(m.at(p)+1, m.len())
}

// rowMatches reports whether a drawn tree row is a match, so that only
// matches are marked (a badge such as "(integer)" is not what was found).
func (t Tree) rowMatches(n tnode) bool {
	if !t.search.bar.Active() {
		return false
	}
	var num []byte
	return nodeMatches(n, t.search.bar.m, &num)
}

// rawLineMatch reports whether wire line i is a match, and the current one.
func (t Tree) rawLineMatch(i int) (match, current bool) {
	s := t.search
	if !s.bar.Active() || !s.rawDone {
		return false, false
	}
	j, ok := slices.BinarySearch(s.raw, i)
	return ok, ok && j == s.rawCur
}
