package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/adrg/xdg"
)

// Config is the whole file. Zero values mean "not set": the caller applies
// its own defaults, so a flag can still override the file.
type Config struct {
	Theme    string `toml:"theme"`    // a themes.Names() name
	Strategy string `toml:"strategy"` // one of Strategies()
	// History is whether runs are recorded; nil (not set) means yes, so
	// pointer rather than bool tells "history = false" from absence.
	History *bool `toml:"history"`
	// Mouse makes the terminal UI take the mouse (clicks, the wheel), as
	// --mouse does; off by default, since it takes text selection away
	// from the terminal.
	Mouse bool `toml:"mouse"`
	// CompareServers are the server binaries the terminal UI's Compare
	// view (alt+v) runs the script on, each in a fresh sandbox: paths
	// (~/ is the home directory) or names on PATH. Empty: every server
	// the machine has (redis-server and valkey-server on PATH, and those
	// tools/servers.sh installed).
	CompareServers []string              `toml:"compare_servers"`
	Connections    map[string]Connection `toml:"connections"`
}

// Connection is a named server from [connections.NAME], chosen with
// --connection NAME (or in the TUI) instead of retyping flags.
type Connection struct {
	// URL is redis://, rediss:// or unix://, without a password.
	URL  string `toml:"url"`
	User string `toml:"user"` // ACL user (AUTH user password)
	// Label is shown as a badge; Connection fills in the name when empty.
	Label string `toml:"label"`
	// PasswordEnv names the environment variable holding the password, so
	// the file can be shared or committed without secrets.
	PasswordEnv string `toml:"password_env"`
	// ReadOnly sends EVAL_RO/EVALSHA_RO/FCALL_RO by default: the server
	// itself refuses writes, a stronger guard than a confirmation.
	ReadOnly bool `toml:"readonly"`
	// Cluster follows MOVED/ASK like redis-cli -c (also detected).
	Cluster bool `toml:"cluster"`
	// Production makes the UI ask before every run that is not read-only,
	// whatever the label says.
	Production bool `toml:"production"`
}

// HistoryEnabled applies the default (record runs) to an unset History.
func (c Config) HistoryEnabled() bool { return c.History == nil || *c.History }

// ErrUnknownConnection is wrapped by Connection's error so the CLI can
// report a mistyped --connection as a usage error.
var ErrUnknownConnection = errors.New("unknown connection")

// Connection returns the named connection with its label defaulted to the
// name, so a connection called "prod" is treated as production even when
// the label was left out. The error lists the defined names.
func (c Config) Connection(name string) (Connection, error) {
	conn, ok := c.Connections[name]
	if !ok {
		names := c.ConnectionNames()
		defined := "none are defined"
		if len(names) > 0 {
			defined = "defined: " + strings.Join(names, ", ")
		}
		return Connection{}, fmt.Errorf("%w %q in the config file (%s)", ErrUnknownConnection, name, defined)
	}
	if conn.Label == "" {
		conn.Label = name
	}
	return conn, nil
}

// ConnectionNames lists the defined connections, sorted, for pickers and
// error messages.
func (c Config) ConnectionNames() []string {
	names := make([]string, 0, len(c.Connections))
	for n := range c.Connections {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// IsProduction reports a connection where a mistake is costly: production
// = true, or a label of "prod" or "production" (any case). The UI asks for
// confirmation before every run on it that is not read-only.
func (c Connection) IsProduction() bool {
	if c.Production {
		return true
	}
	l := strings.TrimSpace(c.Label)
	return strings.EqualFold(l, "prod") || strings.EqualFold(l, "production")
}

// Password reads the password from the variable PasswordEnv names; ""
// with no error when the connection has none. getenv is a parameter so
// tests need not touch the process environment. An unset or empty
// variable is an error, because connecting without the password would
// fail later with a less helpful NOAUTH.
func (c Connection) Password(getenv func(string) string) (string, error) {
	if c.PasswordEnv == "" {
		return "", nil
	}
	p := getenv(c.PasswordEnv)
	if p == "" {
		return "", fmt.Errorf("password_env: $%s is not set or empty", c.PasswordEnv)
	}
	return p, nil
}

// DefaultPath is $XDG_CONFIG_HOME/luascope/config.toml (~/.config/… when
// the variable is unset). Unlike the history path it creates nothing:
// reading config must not leave directories behind.
func DefaultPath() (string, error) {
	if xdg.ConfigHome == "" {
		return "", errors.New("config path: no config directory (set XDG_CONFIG_HOME or HOME)")
	}
	return filepath.Join(xdg.ConfigHome, "luascope", "config.toml"), nil
}
