package lint

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Server names the server a script is meant for, so that lint can say
// what that server lacks (a command, an option, a global of a newer
// release). The zero value is an unknown server: no such findings.
type Server struct {
	// Flavor is "redis" or "valkey".
	Flavor string
	// Version is the server's own version, "7.0.15" (Valkey's
	// valkey_version, not the 7.2.4 it reports for compatibility).
	Version string
}

// Known reports whether s names a flavor and a version lint can use.
func (s Server) Known() bool {
	_, _, ok := s.parse()
	return ok
}

// String is "redis 7.0.15", as findings name the server.
func (s Server) String() string { return s.Flavor + " " + s.Version }

// parse returns the flavor index (0 Redis, 1 Valkey) and the version.
func (s Server) parse() (int, version, bool) {
	f := flavorIndex(s.Flavor)
	if f < 0 {
		return 0, 0, false
	}
	v, err := parseVersion(s.Version)
	if err != nil {
		return 0, 0, false
	}
	return f, v, true
}

func flavorIndex(flavor string) int {
	switch flavor {
	case "redis":
		return 0
	case "valkey":
		return 1
	}
	return -1
}

// flavorTitle is how messages name a flavor.
var flavorTitle = [2]string{"Redis", "Valkey"}

// oldest are the oldest versions lint takes as targets: the since table
// leaves out what Redis had by 6.0, and Valkey began as Redis 7.2.4.
var oldest = [2]version{0x060000, 0x070200}

// ParseServer reads a target server as the CLI's --server takes it:
// "redis-7.0", "valkey-8.1", "redis 7.4.2", or a bare version ("7.4.0",
// taken as Redis). A missing patch is 0. Versions older than lint knows
// (Redis 6.0, Valkey 7.2) are refused, as is anything else. The
// version is kept as written ("7.0"), as findings show it.
func ParseServer(s string) (Server, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	flavor, ver := "redis", t
	for _, f := range []string{"redis", "valkey"} {
		if rest, ok := strings.CutPrefix(t, f); ok {
			flavor, ver = f, strings.TrimLeft(rest, "-_ /:@")
			break
		}
	}
	ver = strings.TrimPrefix(ver, "v")
	v, err := parseVersion(ver)
	if err != nil {
		return Server{}, fmt.Errorf("server %q: want redis-VERSION, valkey-VERSION or VERSION (e.g. redis-7.0, valkey-8.1, 7.4.0)", s)
	}
	f := flavorIndex(flavor)
	if v < oldest[f] {
		return Server{}, fmt.Errorf("server %q: lint knows %s from %s on", s, flavorTitle[f], oldest[f])
	}
	return Server{Flavor: flavor, Version: ver}, nil
}

// version is a server version packed as major<<16 | minor<<8 | patch,
// so that versions compare as numbers (tools/gensince writes them so).
type version uint32

// never is the since of what a flavor does not have.
const never version = 1<<32 - 1

// parseVersion reads "7.0.15", "7.4" or "8.0.2-rc1" (the suffix is
// ignored: a release candidate has its release's commands).
func parseVersion(s string) (version, error) {
	s, _, _ = strings.Cut(s, "-")
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("version %q: want MAJOR.MINOR[.PATCH]", s)
	}
	var v version
	for i := 0; i < 3; i++ {
		n := 0
		if i < len(parts) {
			var err error
			if n, err = strconv.Atoi(parts[i]); err != nil || n < 0 || n > 255 {
				return 0, fmt.Errorf("version %q: %q is not a number 0-255", s, parts[i])
			}
		}
		v = v<<8 | version(n)
	}
	return v, nil
}

func (v version) String() string {
	return fmt.Sprintf("%d.%d.%d", v>>16, v>>8&0xff, v&0xff)
}

// cmdSince is when a command appeared in Redis and in Valkey, with
// the tokens of its arguments that came later than the command.
type cmdSince struct {
	since [2]version // [Redis, Valkey]; never: not in that flavor
	// lead is how many plain arguments (key, value…) come before the
	// first option: a literal there is data, not a token.
	lead   int
	tokens []tokenSince
}

// tokenSince is when an argument token (GET of SET, NX of EXPIRE)
// appeared in each flavor.
type tokenSince struct {
	token string
	since [2]version
}

// since is the generated table (since_gen.go), built on first use.
var since = sync.OnceValue(sinceTable)

// lacks reports whether a server of flavor f and version v lacks what
// appeared in since s (per flavor). It is false where lint cannot tell:
// a version past the table's horizon may have gained what its flavor
// lacked.
func lacks(f int, v version, s [2]version) bool {
	return s[f] > v && (s[f] != never || v <= sinceHorizon[f])
}

// lackMsg says why target (flavor f, version v) lacks what, which
// appeared in since s: "HEXPIRE is new in Redis 7.4.0: this server
// (redis 7.0)".
func lackMsg(target Server, f int, what string, s [2]version) string {
	other := 1 - f
	switch {
	case s[f] != never:
		return fmt.Sprintf("%s is new in %s %s: this server (%s)", what, flavorTitle[f], s[f], target)
	case s[other] != never:
		return fmt.Sprintf("%s is not in %s (%s has it since %s): this server (%s)", what, flavorTitle[f], flavorTitle[other], s[other], target)
	}
	return fmt.Sprintf("%s is not in %s: this server (%s)", what, flavorTitle[f], target)
}

// unknownCommandText is what the target's server says when a script
// calls a command it does not have (checked on 7.0.15, 8.0.2, 8.1.1).
func unknownCommandText(target Server) string {
	if target.Flavor == "valkey" {
		return "ERR Unknown command called from script"
	}
	return "ERR Unknown Redis command called from script"
}
