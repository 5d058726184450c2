package classify

import (
	"regexp"
	"testing"
)

// TestLazyPatternsCompile compiles every pattern the package defers, as
// regexp.MustCompile at init used to.
func TestLazyPatternsCompile(t *testing.T) {
	if len(lazyPatterns) == 0 {
		t.Fatal("no patterns registered")
	}
	for _, l := range lazyPatterns {
		if _, err := regexp.Compile(l.expr); err != nil {
			t.Errorf("%q: %v", l.expr, err)
		}
	}
}
