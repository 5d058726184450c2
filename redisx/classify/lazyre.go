package classify

import (
	"regexp"
	"sync"
)

// lazyRegexp is a regexp compiled on first use. Compiling the package's
// twenty-odd patterns at init cost every command 0.4 ms and 210 KB
// before main (a fifth of the init budget, see init_test.go), while most
// runs classify nothing. It has the methods the package uses, so the
// patterns read as regexps where they are used.
type lazyRegexp struct {
	once sync.Once
	expr string
	re   *regexp.Regexp
}

// lazyPatterns lists every pattern, so a test can compile them all: a
// typo would otherwise panic only when the pattern is first used.
var lazyPatterns []*lazyRegexp

func lazyRE(expr string) *lazyRegexp {
	l := &lazyRegexp{expr: expr}
	lazyPatterns = append(lazyPatterns, l)
	return l
}

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re
}

func (l *lazyRegexp) MatchString(s string) bool { return l.get().MatchString(s) }

func (l *lazyRegexp) FindStringSubmatch(s string) []string { return l.get().FindStringSubmatch(s) }

func (l *lazyRegexp) FindStringIndex(s string) []int { return l.get().FindStringIndex(s) }

func (l *lazyRegexp) FindStringSubmatchIndex(s string) []int {
	return l.get().FindStringSubmatchIndex(s)
}

func (l *lazyRegexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return l.get().FindAllStringSubmatchIndex(s, n)
}

func (l *lazyRegexp) ReplaceAllString(src, repl string) string {
	return l.get().ReplaceAllString(src, repl)
}
