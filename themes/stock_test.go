package themes

import (
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles"
)

// TestStockStylesMatchChroma checks the copies of chroma's styles that
// luascope's own derive from against chroma's registry (which only the
// tests import: its init parses every style chroma has), token type by
// token type, so a chroma bump that changes them is noticed.
func TestStockStylesMatchChroma(t *testing.T) {
	for name, entries := range stockStyles {
		ours := chroma.MustNewStyle(name, entries)
		theirs, ok := styles.Registry[name]
		if !ok {
			t.Errorf("chroma has no style %q any more", name)
			continue
		}
		types := map[chroma.TokenType]bool{}
		for _, tt := range append(ours.Types(), theirs.Types()...) {
			types[tt] = true
		}
		for tt := range types {
			if a, b := ours.Get(tt), theirs.Get(tt); a != b {
				t.Errorf("%s: %s is %q here, %q in chroma", name, tt, a, b)
			}
		}
	}
}

// TestChromaStyleUnknownName: a name no theme uses gets luascope's dark
// style rather than nil.
func TestChromaStyleUnknownName(t *testing.T) {
	if s := (Theme{Chroma: "no-such-style"}).ChromaStyle(true); s == nil || s.Name != chromaDark {
		t.Fatalf("got %v, want %s", s, chromaDark)
	}
}
