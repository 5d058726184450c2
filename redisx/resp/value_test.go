package resp

import (
	"math"
	"reflect"
	"testing"
	"unsafe"
)

func TestKindString(t *testing.T) {
	want := map[Kind]string{
		Integer: "integer", Bulk: "bulk", Status: "status", Error: "error", Nil: "nil",
		Array: "array", Map: "map", Set: "set", Double: "double", Boolean: "boolean",
		BigNumber: "bignum", Verbatim: "verbatim", Attribute: "attribute", Push: "push",
		0: "kind(0)", 15: "kind(15)",
	}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), s)
		}
		if got, ok := kindByName(s); k.valid() && (!ok || got != k) {
			t.Errorf("kindByName(%q) = %v, %v", s, got, ok)
		}
	}
}

// Value is the element type of every large reply; keep it from growing.
func TestValueSize(t *testing.T) {
	if size := unsafe.Sizeof(Value{}); size > 96 {
		t.Errorf("Value is %d bytes, want at most 96", size)
	}
}

func TestLenAndIsAggregate(t *testing.T) {
	tests := []struct {
		v         Value
		n         int
		aggregate bool
	}{
		{integer(5), 0, false},
		{bulk("abc"), 3, false},
		{status("OK"), 2, false},
		{errv("ERR"), 3, false},
		{bignum("123"), 3, false},
		{verbatim("txt", "ab"), 2, false},
		{null('$'), 0, false},
		{double("1.5"), 0, false},
		{boolean(true), 0, false},
		{array(integer(1), integer(2)), 2, true},
		{set(integer(1)), 1, true},
		{push(), 0, true},
		{dict(bulk("a"), integer(1), bulk("b"), integer(2)), 2, true},
		{*attr(bulk("a"), integer(1)), 1, true},
	}
	for _, tc := range tests {
		if got := tc.v.Len(); got != tc.n {
			t.Errorf("%s: Len() = %d, want %d", tc.v.Kind, got, tc.n)
		}
		if got := tc.v.IsAggregate(); got != tc.aggregate {
			t.Errorf("%s: IsAggregate() = %v", tc.v.Kind, got)
		}
	}
}

func TestFirstError(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		path []int
		ok   bool
	}{
		{"scalar", integer(1), nil, false},
		{"itself", errv("ERR"), nil, true},
		{"in array", array(status("OK"), errv("ERR"), errv("second")), []int{1}, true},
		{"nested first", array(array(integer(1), array(blobErr("deep"))), errv("later")), []int{0, 1, 0}, true},
		{"map value", dict(bulk("a"), integer(1), bulk("b"), errv("x")), []int{3}, true},
		{"none", array(array(), dict(bulk("a"), bulk("b"))), nil, false},
		{"attribute ignored", withAttr(integer(1), attr(bulk("e"), errv("x"))), nil, false},
	}
	for _, tc := range tests {
		path, ok := tc.v.FirstError()
		if ok != tc.ok || !reflect.DeepEqual(path, tc.path) && len(path)+len(tc.path) > 0 {
			t.Errorf("%s: FirstError() = %v, %v; want %v, %v", tc.name, path, ok, tc.path, tc.ok)
		}
	}
}

func TestEqual(t *testing.T) {
	same := []struct{ a, b Value }{
		{bulk(""), Value{Kind: Bulk}},
		{Value{Kind: Nil}, null('_')},
		{Value{Kind: Double, Float: 1.5}, double("1.5")},
		{Value{Kind: Double, Float: math.NaN()}, double("nan")},
		{Value{Kind: Integer, Int: 1, Str: []byte("ignored")}, integer(1)},
		{array(), Value{Kind: Array, Elems: []Value{}}},
	}
	for _, tc := range same {
		if !tc.a.Equal(tc.b) || !tc.b.Equal(tc.a) {
			t.Errorf("%#v and %#v should be equal", tc.a, tc.b)
		}
	}
	different := []struct{ a, b Value }{
		{bulk("a"), status("a")},
		{null('$'), null('*')},
		{errv("x"), blobErr("x")},
		{double("1.5"), double("1.50")},
		{Value{Kind: Double, Float: 0}, Value{Kind: Double, Float: math.Copysign(0, -1)}},
		{verbatim("txt", "a"), verbatim("mkd", "a")},
		{array(integer(1)), array(integer(2))},
		{array(integer(1)), set(integer(1))},
		{integer(1), withAttr(integer(1), attr())},
		{withAttr(integer(1), attr(bulk("a"), bulk("b"))), withAttr(integer(1), attr(bulk("a"), bulk("c")))},
	}
	for _, tc := range different {
		if tc.a.Equal(tc.b) || tc.b.Equal(tc.a) {
			t.Errorf("%#v and %#v should differ", tc.a, tc.b)
		}
	}
}
