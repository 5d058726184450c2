package sandbox

import (
	"strconv"
	"strings"
)

// AtLeast reports whether the server's Version is at least version (e.g.
// "7.2"), so a test can skip what an older server cannot do (CLIENT
// SETINFO and some error texts are 7.2+) instead of failing on it.
func (s *Server) AtLeast(version string) bool {
	have := strings.Split(s.Version(), ".")
	for i, w := range strings.Split(version, ".") {
		want, _ := strconv.Atoi(w)
		h := 0
		if i < len(have) {
			h, _ = strconv.Atoi(have[i])
		}
		if h != want {
			return h > want
		}
	}
	return true
}
