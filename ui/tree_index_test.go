package ui

import (
	"math/rand/v2"
	"slices"
	"testing"

	"luascope/redisx/resp"
)

// treeTestRandomValue builds a random reply with every aggregate shape
// the index handles: arrays, sets, maps with scalar and aggregate keys,
// odd maps, attributes (chained), empty aggregates.
func treeTestRandomValue(r *rand.Rand, depth int) resp.Value {
	var v resp.Value
	if depth <= 0 || r.IntN(3) == 0 {
		v = resp.Value{Kind: resp.Integer, Int: r.Int64N(100)}
	} else {
		n := r.IntN(5)
		elems := make([]resp.Value, 0, 2*n)
		switch r.IntN(4) {
		case 0, 1:
			for range n {
				elems = append(elems, treeTestRandomValue(r, depth-1))
			}
			v = resp.Value{Kind: resp.Array, Elems: elems}
		case 2:
			for range n {
				elems = append(elems, treeTestRandomValue(r, depth-1), treeTestRandomValue(r, depth-1))
			}
			if n > 0 && r.IntN(4) == 0 {
				elems = elems[:len(elems)-1] // odd map
			}
			v = resp.Value{Kind: resp.Map, Elems: elems}
		default:
			for range n {
				elems = append(elems, treeTestRandomValue(r, depth-1))
			}
			v = resp.Value{Kind: resp.Set, Elems: elems}
		}
	}
	for depth > 0 && r.IntN(6) == 0 {
		a := resp.Value{Kind: resp.Attribute, Elems: []resp.Value{{Kind: resp.Bulk, Str: []byte("a")}, treeTestRandomValue(r, depth-1)}}
		a.Attr = v.Attr
		v.Attr = &a
	}
	return v
}

// treeTestFlatten is the obvious O(n) flattening the lazy index must agree with.
func treeTestFlatten(x *treeIndex) [][]int {
	var rows [][]int
	var visit func(n tnode, path []int)
	visit = func(n tnode, path []int) {
		rows = append(rows, slices.Clone(path))
		if n.count() > 0 && x.isOpen(path) {
			for c := range n.count() {
				visit(n.child(c), append(path, c))
			}
		}
	}
	visit(x.root, nil)
	return rows
}

func TestTreeIndexMatchesNaiveFlattening(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		v := treeTestRandomValue(r, 5)
		x := newTreeIndex(&v)
		for op := range 40 {
			rows := treeTestFlatten(x)
			if got := x.total(); got != len(rows) {
				t.Fatalf("round %d op %d: total %d, flattening has %d", round, op, got, len(rows))
			}
			for i, want := range rows {
				_, path := x.locate(i, nil)
				if !slices.Equal(path, want) {
					t.Fatalf("round %d op %d: locate(%d) = %v, want %v", round, op, i, path, want)
				}
				if row, vis := x.rowOf(want); row != i || vis != len(want) {
					t.Fatalf("round %d op %d: rowOf(%v) = %d,%d, want %d", round, op, want, row, vis, i)
				}
			}
			switch k := r.IntN(10); {
			case k == 0:
				x.collapseAll()
			case k == 1:
				x.expandAll(expandAllNodes)
			default:
				_, path := x.locate(r.IntN(len(rows)), nil)
				x.setOpen(path, !x.isOpen(path))
			}
		}
	}
}

func TestTreeIndexErrorPath(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		v := treeTestRandomValue(r, 4)
		// plant an error somewhere reachable through Elems
		target := &v
		for target.IsAggregate() && len(target.Elems) > 0 {
			target = &target.Elems[r.IntN(len(target.Elems))]
		}
		*target = resp.Value{Kind: resp.Error, Str: []byte("ERR planted")}
		x := newTreeIndex(&v)
		path, ok := x.firstError()
		want, wantOK := v.FirstError()
		if ok != wantOK {
			t.Fatalf("found %v, resp says %v", ok, wantOK)
		}
		// walk the virtual path: it must end on a row that shows that error
		n := x.root
		for _, c := range path {
			n = n.child(c)
		}
		shown := n.v
		if n.kind == nodePair && len(want) > 0 && want[len(want)-1]%2 == 0 {
			shown = n.key // an error used as a map key shows in its pair row
		}
		if shown.Kind != resp.Error {
			t.Fatalf("virtual path %v (elems %v) ends on %v", path, want, shown.Kind)
		}
	}
}
