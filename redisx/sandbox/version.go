package sandbox

import (
	"strconv"
	"strings"
)

// The flavors Server.Flavor reports.
const (
	Redis  = "redis"
	Valkey = "valkey"
)

// AtLeast reports whether the server's Version is at least version (e.g.
// "7.2"), so a test can skip what an older server cannot do (CLIENT
// SETINFO and some error texts are 7.2+) instead of failing on it. It
// compares numbers only: Valkey 8.1 is "at least 7.2" (it forked from
// Redis 7.2.4), but not at least Redis 8.0 in what it says; use Is for
// that.
func (s *Server) AtLeast(version string) bool {
	return versionAtLeast(s.Version(), version)
}

// Is reports whether the server is of flavor (Redis or Valkey) and at
// least version ("" for any version): Is(Redis, "8.0") is Redis 8.0 and
// newer, never Valkey.
func (s *Server) Is(flavor, version string) bool {
	return s.Flavor() == flavor && (version == "" || s.AtLeast(version))
}

// Describe is "redis 7.0.15" or "valkey 8.1.1", for test names and
// messages that must say which server they ran on.
func (s *Server) Describe() string {
	return s.Flavor() + " " + s.Version()
}

func versionAtLeast(have, want string) bool {
	h := strings.Split(have, ".")
	for i, w := range strings.Split(want, ".") {
		wn, _ := strconv.Atoi(w)
		hn := 0
		if i < len(h) {
			hn, _ = strconv.Atoi(h[i])
		}
		if hn != wn {
			return hn > wn
		}
	}
	return true
}
