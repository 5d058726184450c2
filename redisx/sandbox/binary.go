package sandbox

import (
	"errors"
	"os/exec"
)

// ErrNoServer is returned when neither redis-server nor valkey-server is on
// PATH; its text says what to install because it is what a user of
// luascope --sandbox (or a contributor running the tests) sees first.
var ErrNoServer = errors.New("redis-server not found on PATH: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or valkey-server")

// ErrUnsupported is returned by Start, StartPair and StartCluster on a
// system that is not Unix (Windows): like ErrNoServer, its text is what a
// user who asked for a sandbox sees, so it says what to do instead.
var ErrUnsupported = errors.New("the sandbox needs a Unix system; name a server with -h/-p or -u")

// FindBinary returns the server to run when Options.Binary is empty:
// redis-server on PATH, else valkey-server (same flags and protocol).
func FindBinary() (string, error) {
	for _, name := range []string{"redis-server", "valkey-server"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoServer
}
