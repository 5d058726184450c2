package suite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"luascope/redisx/sandbox"
)

// BenchmarkSuite1000 is the figure: 1,000 trivial cases (each on
// an emptied server: FLUSHALL, SCRIPT FLUSH, FUNCTION FLUSH, then EVALSHA,
// NOSCRIPT, SCRIPT LOAD, EVALSHA) with -j 2, sandboxes started included.
// One op is the whole suite: go test -run '^$' -bench Suite1000 -benchtime 3x ./redisx/suite/
func BenchmarkSuite1000(b *testing.B) {
	if _, err := sandbox.FindBinary(); err != nil {
		b.Skip(err)
	}
	dir := b.TempDir()
	var t strings.Builder
	t.WriteString("script = \"s.lua\"\n")
	for i := range 1000 {
		fmt.Fprintf(&t, "[[case]]\nname = \"case %d\"\nkeys = [\"k%d\"]\nexpect = \"(integer) 1\"\n", i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.lua"), []byte("return 1"), 0o644); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "s.test.toml")
	if err := os.WriteFile(path, []byte(t.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		f, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		res := Run(context.Background(), []*File{f}, Options{Jobs: 2}, nil)
		if c := Count(res); c.Passed != 1000 {
			b.Fatalf("%+v", c)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/1000, "ms/case")
}
