package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
)

// ErrNoServer is returned when neither redis-server nor valkey-server is on
// PATH; its text says what to install because it is what a user of
// luascope --sandbox (or a contributor running the tests) sees first.
var ErrNoServer = errors.New("redis-server not found on PATH: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or valkey-server")

// ErrUnsupported is returned by Start, StartPair and StartCluster on a
// system that is not Unix (Windows): like ErrNoServer, its text is what a
// user who asked for a sandbox sees, so it says what to do instead.
var ErrUnsupported = errors.New("the sandbox needs a Unix system; name a server with -h/-p or -u")

// EnvBinary names the environment variable that picks the server binary
// every sandbox starts (a path, or a name on PATH): how the same tests
// run on Redis 7.0, Redis 8.0 and Valkey 8.1 (make test-servers), and how
// a user's luascope --sandbox runs on the server they will deploy.
const EnvBinary = "LUASCOPE_REDIS_SERVER"

// FindBinary returns the server to run when Options.Binary is empty: the
// one $LUASCOPE_REDIS_SERVER names when it is set, else redis-server on
// PATH, else valkey-server (same flags and protocol). A variable that
// names nothing runnable is an error rather than a quiet fallback to
// PATH: a test run meant for Valkey must not pass on Redis.
func FindBinary() (string, error) {
	if v := os.Getenv(EnvBinary); v != "" {
		p, err := LookBinary(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", EnvBinary, err)
		}
		return p, nil
	}
	for _, name := range []string{"redis-server", "valkey-server"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoServer
}

// LookBinary resolves a server binary a user named (--server-bin,
// $LUASCOPE_REDIS_SERVER): a path to an executable file (a wrapper
// script from tools/servers.sh is one), or a bare name found on PATH.
func LookBinary(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		// exec's and os's wrappings repeat the name.
		var ee *exec.Error
		if errors.As(err, &ee) {
			err = ee.Err
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("server binary %q: %w", name, err)
	}
	return p, nil
}

// EnvServersDir names the directory tools/servers.sh installs servers
// under (its bin/ holds one wrapper per server); the default is
// ${XDG_CACHE_HOME:-~/.cache}/luascope/servers, as the script has it.
const EnvServersDir = "LUASCOPE_SERVERS_DIR"

// ServersDir is the directory of tools/servers.sh's servers (EnvServersDir),
// "" when no home directory is known.
func ServersDir() string {
	if d := os.Getenv(EnvServersDir); d != "" {
		return d
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "luascope", "servers")
}

// Discover lists the server binaries this machine has, for comparing a
// script across them when the user named none: $LUASCOPE_REDIS_SERVER,
// redis-server and valkey-server on PATH, then every wrapper
// tools/servers.sh installed (ServersDir()/bin, in name order). Each is
// an absolute path, listed once even when reached twice (a symlink, or
// the variable naming a PATH entry). Nothing is started: a listed binary
// may still fail to run, which the sandbox then reports.
func Discover() []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		abs, err := filepath.Abs(p)
		if err != nil {
			return
		}
		id := abs
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			id = r
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, abs)
		}
	}
	if v := os.Getenv(EnvBinary); v != "" {
		if p, err := LookBinary(v); err == nil {
			add(p)
		}
	}
	for _, name := range []string{"redis-server", "valkey-server"} {
		if p, err := exec.LookPath(name); err == nil {
			add(p)
		}
	}
	if d := ServersDir(); d != "" {
		entries, _ := os.ReadDir(filepath.Join(d, "bin"))
		for _, e := range entries {
			p := filepath.Join(d, "bin", e.Name())
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				add(p)
			}
		}
	}
	return out
}
