package ui

// The result tree's lazy row index.
//
// A reply can have a million elements, so the tree never builds a row per
// element. What it stores is the expansion state, as a sparse tree of
// expNodes that mirrors only the nodes the user (or the defaults) opened.
// Each open expNode caches how many rows its subtree shows and, for its
// opened children (sorted by child index), the prefix sums of the rows
// they add beyond their own. Mapping a row number to a node walks down
// from the root with a binary search over those children at each level:
// O(depth · log k) where k is the number of opened siblings, independent
// of how many collapsed siblings there are. Toggling a node marks only the
// expNodes on its path stale; they are re-measured on the next lookup,
// each in O(k).

import (
	"sort"

	"luascope/redisx/resp"
)

// nodeKind is what a row of the tree stands for.
type nodeKind uint8

const (
	nodeValue nodeKind = iota // a value: the reply itself or an element
	nodePair                  // a map entry with a scalar key: "key => value", children are the value's
	nodeEntry                 // a map entry with an aggregate key: children are "key:" and "value:"
	nodeAttr                  // a RESP3 attribute that came before its value
)

// tnode is a node of the displayed tree, made on the fly from the reply:
// nothing per element is stored.
type tnode struct {
	kind nodeKind
	v    *resp.Value // the value shown; for nodeAttr the attribute
	key  *resp.Value // nodePair and nodeEntry: the map key
}

// missingValue stands for the value of a map whose last key has none
// (hand-built values only; Encode writes a null there too).
var missingValue = resp.Value{Kind: resp.Nil}

// attrDepth counts the attributes chained in front of v.
func attrDepth(v *resp.Value) int {
	d := 0
	for a := v.Attr; a != nil; a = a.Attr {
		d++
	}
	return d
}

// elemCount is the number of element rows of v: items, or map pairs.
func elemCount(v *resp.Value) int {
	switch v.Kind {
	case resp.Array, resp.Set, resp.Push:
		return len(v.Elems)
	case resp.Map, resp.Attribute:
		return (len(v.Elems) + 1) / 2
	}
	return 0
}

// count is the number of children: attributes first, then elements.
func (n tnode) count() int {
	switch n.kind {
	case nodeEntry:
		return 2
	case nodeAttr:
		return (len(n.v.Elems) + 1) / 2
	}
	if n.v.Attr == nil {
		return elemCount(n.v)
	}
	return attrDepth(n.v) + elemCount(n.v)
}

// child returns child i (0 ≤ i < count()).
func (n tnode) child(i int) tnode {
	switch n.kind {
	case nodeEntry:
		if i == 0 {
			return tnode{kind: nodeValue, v: n.key}
		}
		return tnode{kind: nodeValue, v: n.v}
	case nodeAttr:
		return pairNode(n.v, i)
	}
	v := n.v
	if v.Attr != nil {
		d := attrDepth(v)
		if i < d { // the earliest attribute is the deepest in the chain and comes first
			a := v.Attr
			for k := d - 1 - i; k > 0; k-- {
				a = a.Attr
			}
			return tnode{kind: nodeAttr, v: a}
		}
		i -= d
	}
	switch v.Kind {
	case resp.Array, resp.Set, resp.Push:
		return tnode{kind: nodeValue, v: &v.Elems[i]}
	}
	return pairNode(v, i)
}

// pairNode is the i-th key/value pair of a map or attribute.
func pairNode(m *resp.Value, i int) tnode {
	key := &m.Elems[2*i]
	val := &missingValue
	if 2*i+1 < len(m.Elems) {
		val = &m.Elems[2*i+1]
	}
	if key.IsAggregate() || key.Attr != nil {
		return tnode{kind: nodeEntry, v: val, key: key}
	}
	return tnode{kind: nodePair, v: val, key: key}
}

// expNode is the expansion state of one node that was opened at least
// once. A closed expNode is kept while it remembers opened descendants,
// so re-opening a node restores what was open inside it.
type expNode struct {
	open  bool
	stale bool       // rows and pre must be re-measured
	kids  []int      // child indexes that have state, ascending
	sub   []*expNode // their state, parallel to kids
	rows  int        // rows shown by this subtree, its own included (open and not stale)
	pre   []int      // pre[j]: rows added by sub[:j] beyond one row each; len(kids)+1 entries
}

// extra is how many rows the node shows beyond its own.
func (e *expNode) extra() int {
	if e == nil || !e.open {
		return 0
	}
	return e.rows - 1
}

// find returns the position of child c in kids and whether it is there.
func (e *expNode) find(c int) (int, bool) {
	m := sort.SearchInts(e.kids, c)
	return m, m < len(e.kids) && e.kids[m] == c
}

// treeIndex is a reply with its expansion state: everything the tree
// needs to map rows to nodes.
type treeIndex struct {
	root tnode
	exp  *expNode

	errSearched bool
	errPath     []int // virtual path of the first error, nil if none
	errFound    bool
}

// autoExpandRows is the size up to which a new reply is shown fully
// expanded; bigger replies open only the root.
const autoExpandRows = 1000

// expandAllNodes caps how many nodes ExpandAll opens (breadth first), so a
// million nested arrays cannot make one key press allocate without bound.
const expandAllNodes = 100_000

func newTreeIndex(v *resp.Value) *treeIndex {
	x := &treeIndex{root: tnode{kind: nodeValue, v: v}}
	if fullRows(x.root, autoExpandRows+1) <= autoExpandRows {
		x.expandAll(expandAllNodes)
	} else {
		x.collapseAll()
	}
	return x
}

// fullRows counts the rows of n with everything expanded, stopping once
// the count passes limit.
func fullRows(n tnode, limit int) int {
	cnt := n.count()
	if cnt >= limit {
		return limit + 1
	}
	rows := 1
	for i := range cnt {
		rows += fullRows(n.child(i), limit-rows)
		if rows > limit {
			return rows
		}
	}
	return rows
}

// collapseAll forgets every opened node but keeps the root open.
func (x *treeIndex) collapseAll() {
	x.exp = &expNode{open: true, stale: true}
}

// expandAll opens every node that has children, breadth first, up to
// limit nodes.
func (x *treeIndex) expandAll(limit int) {
	type item struct {
		n tnode
		e *expNode
	}
	x.exp = &expNode{open: true, stale: true}
	queue := []item{{x.root, x.exp}}
	budget := limit - 1
	for len(queue) > 0 && budget > 0 {
		it := queue[0]
		queue = queue[1:]
		cnt := it.n.count()
		for c := 0; c < cnt && budget > 0; c++ {
			ch := it.n.child(c)
			if ch.count() == 0 {
				continue
			}
			sub := &expNode{open: true, stale: true}
			it.e.kids = append(it.e.kids, c)
			it.e.sub = append(it.e.sub, sub)
			queue = append(queue, item{ch, sub})
			budget--
		}
	}
}

// total is the number of rows the tree shows.
func (x *treeIndex) total() int { return measureExp(x.exp, x.root) }

// measureExp returns the rows of n's subtree, re-measuring stale state.
func measureExp(e *expNode, n tnode) int {
	if !e.open {
		return 1
	}
	if !e.stale {
		return e.rows
	}
	acc := 0
	e.pre = append(e.pre[:0], 0)
	for j, c := range e.kids {
		acc += measureExp(e.sub[j], n.child(c)) - 1
		e.pre = append(e.pre, acc)
	}
	e.rows = 1 + n.count() + acc
	e.stale = false
	return e.rows
}

// rowInfo is one located row.
type rowInfo struct {
	n      tnode
	parent tnode // valid when depth > 0
	idx    int   // child index in parent
	depth  int
	open   bool
}

// locate finds row (0 ≤ row < total()) and appends the node's path of
// child indexes to path.
func (x *treeIndex) locate(row int, path []int) (rowInfo, []int) {
	x.total()
	info := rowInfo{n: x.root}
	e := x.exp
	for row > 0 && e != nil && e.open {
		o := row - 1
		// the last opened child that starts at or before o
		j := sort.Search(len(e.kids), func(j int) bool { return e.kids[j]+e.pre[j] > o }) - 1
		var c int
		var sub *expNode
		if j < 0 {
			c, row = o, 0
		} else {
			start := e.kids[j] + e.pre[j]
			ext := e.sub[j].extra()
			if o <= start+ext {
				c, sub, row = e.kids[j], e.sub[j], o-start
			} else {
				c, row = e.kids[j]+(o-start-ext), 0
			}
		}
		if c >= info.n.count() { // out of range: stay on the last good node
			break
		}
		info.parent, info.idx = info.n, c
		info.n = info.n.child(c)
		info.depth++
		path = append(path, c)
		e = sub
	}
	info.open = e != nil && e.open && row == 0 && info.n.count() > 0
	return info, path
}

// rowOf returns the row of the node at path and how many leading path
// elements are visible; when not all are, the row is that of the deepest
// visible ancestor.
func (x *treeIndex) rowOf(path []int) (row, visible int) {
	x.total()
	e := x.exp
	for k, c := range path {
		if e == nil || !e.open {
			return row, k
		}
		m, ok := e.find(c)
		row += 1 + c + e.pre[m]
		if ok {
			e = e.sub[m]
		} else {
			e = nil
		}
	}
	return row, len(path)
}

// isOpen reports whether the node at path is expanded.
func (x *treeIndex) isOpen(path []int) bool {
	e := x.exp
	for _, c := range path {
		m, ok := e.find(c)
		if !ok {
			return false
		}
		e = e.sub[m]
	}
	return e.open
}

// setOpen opens or closes the node at path. Only the expNodes on the path
// are marked stale.
func (x *treeIndex) setOpen(path []int, open bool) {
	e := x.exp
	e.stale = true
	var parent *expNode
	pos := 0
	for _, c := range path {
		m, ok := e.find(c)
		if !ok {
			if !open {
				return // never opened: nothing to close
			}
			e.kids = append(e.kids, 0)
			copy(e.kids[m+1:], e.kids[m:])
			e.kids[m] = c
			e.sub = append(e.sub, nil)
			copy(e.sub[m+1:], e.sub[m:])
			e.sub[m] = &expNode{}
		}
		parent, pos = e, m
		e = e.sub[m]
		e.stale = true
	}
	e.open = open
	if !open && parent != nil && len(e.kids) == 0 { // nothing to remember: drop it
		parent.kids = append(parent.kids[:pos], parent.kids[pos+1:]...)
		parent.sub = append(parent.sub[:pos], parent.sub[pos+1:]...)
	}
}

// firstError returns the virtual path of the first error reply, depth
// first (attributes are not searched, as in resp.Value.FirstError). The
// search runs once per reply and allocates only for the path found.
func (x *treeIndex) firstError() ([]int, bool) {
	if !x.errSearched {
		x.errSearched = true
		var rev []int
		if findError(x.root.v, &rev) {
			x.errFound = true
			for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
				rev[i], rev[j] = rev[j], rev[i]
			}
			x.errPath = virtualPath(x.root.v, rev)
		}
	}
	return x.errPath, x.errFound
}

// findError is resp.Value.FirstError without an allocation per element:
// the path is appended, deepest index first, only on the way back up.
func findError(v *resp.Value, rev *[]int) bool {
	if v.Kind == resp.Error {
		return true
	}
	for i := range v.Elems {
		if findError(&v.Elems[i], rev) {
			*rev = append(*rev, i)
			return true
		}
	}
	return false
}

// virtualPath turns a path of Elems indexes (resp's convention: map keys
// even, values odd) into the tree's child indexes, where attributes come
// first and a map shows one child per pair.
func virtualPath(v *resp.Value, elems []int) []int {
	out := make([]int, 0, len(elems)+1)
	for _, i := range elems {
		base := attrDepth(v)
		switch v.Kind {
		case resp.Array, resp.Set, resp.Push:
			out = append(out, base+i)
			v = &v.Elems[i]
		case resp.Map, resp.Attribute:
			out = append(out, base+i/2)
			key := &v.Elems[i/2*2]
			if key.IsAggregate() || key.Attr != nil { // nodeEntry: key is child 0, value child 1
				out = append(out, i%2)
				v = &v.Elems[i]
				continue
			}
			if i%2 == 0 { // the key itself: its pair row shows it
				return out
			}
			v = &v.Elems[i]
		default:
			return out
		}
	}
	return out
}
