package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/BurntSushi/toml"

	"luascope/themes"
)

// Error is one problem in the config file. Load joins several (errors.Join)
// so that every mistake is reported at once; errors.As finds the first.
type Error struct {
	Path string
	Line int // 1-based; 0 when the decoder does not say
	Msg  string
}

// Error formats as path:line: msg, the form editors jump to.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Load reads the config file at path. A missing file is not an error (no
// config is a valid config). Syntax errors, unknown keys, unknown themes
// or strategies and passwords in URLs are, each as an *Error.
func Load(path string) (Config, error) {
	data, err := readCapped(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, nil
	}
	if err != nil {
		return Config{}, err
	}
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return Config{}, decodeError(path, err)
	}
	var problems []error
	for _, msg := range undecoded(md.Undecoded()) {
		problems = append(problems, &Error{Path: path, Msg: msg})
	}
	for _, msg := range c.validate() {
		problems = append(problems, &Error{Path: path, Msg: msg})
	}
	if len(problems) > 0 {
		return Config{}, errors.Join(problems...)
	}
	return c, nil
}

// MaxSize bounds what Load reads: a real config is a few KiB, and a path
// such as /dev/zero or a log named by mistake must fail at once instead of
// filling memory (scripts are capped the same way, at 64 MiB).
const MaxSize = 1 << 20

// readCapped reads the file at path, refusing one larger than MaxSize.
func readCapped(path string) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO nobody writes to would wait for ever;
	// this way it reads as empty. Reads still wait for data that comes
	// (Go's poller), so --config <(…) works.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err) // still fs.ErrNotExist for Load
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, &Error{Path: path, Msg: fmt.Sprintf("larger than %d MiB, the limit for a config file: is this the right file?", MaxSize>>20)}
	}
	return data, nil
}

// lineInMessage finds the line the toml package puts in type errors,
// which are not ParseErrors.
var lineInMessage = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^toml: line (\d+)( \(last key "[^"]*"\))?: `) })

// decodeError turns the toml package's errors into path:line: message
// without quoting the offending source line, which may hold a secret.
func decodeError(path string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.LastKey != "" {
			msg = fmt.Sprintf("%s (after key %s)", msg, pe.LastKey)
		}
		return &Error{Path: path, Line: pe.Position.Line, Msg: msg}
	}
	msg := err.Error()
	if m := lineInMessage().FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		rest := msg[len(m[0]):]
		if m[2] != "" {
			rest += " (key" + strings.TrimSuffix(strings.TrimPrefix(m[2], " (last key"), ")") + ")"
		}
		return &Error{Path: path, Line: line, Msg: rest}
	}
	return &Error{Path: path, Msg: strings.TrimPrefix(msg, "toml: ")}
}

var (
	topKeys  = []string{"theme", "strategy", "history", "mouse", "compare_servers", "connections"}
	connKeys = []string{"url", "user", "label", "password_env", "readonly", "cluster", "production"}
)

// undecoded explains the keys the file has and Config does not, so a typo
// such as "readonyl = true" is caught instead of silently ignored.
func undecoded(keys []toml.Key) []string {
	var msgs []string
	var reported []toml.Key
	for _, k := range keys {
		if slices.ContainsFunc(reported, func(p toml.Key) bool { return isPrefix(p, k) }) {
			continue // inside an unknown table already reported
		}
		reported = append(reported, k)
		last := k[len(k)-1]
		known := topKeys
		if len(k) == 3 && k[0] == "connections" {
			known = connKeys
		}
		switch {
		case last == "password" || last == "pass" || last == "requirepass":
			msgs = append(msgs, fmt.Sprintf("%s: passwords are not read from the config file; set password_env = \"SOME_VAR\" and export SOME_VAR, or use --askpass", k))
		case len(k) == 1 || len(k) == 3:
			msg := fmt.Sprintf("unknown key %s", k)
			if s := suggest(last, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			} else {
				msg += fmt.Sprintf(" (keys: %s)", strings.Join(known, ", "))
			}
			msgs = append(msgs, msg)
		default:
			msgs = append(msgs, fmt.Sprintf("unknown key %s", k))
		}
	}
	return msgs
}

func isPrefix(p, k toml.Key) bool {
	return len(p) < len(k) && slices.Equal(p, k[:len(p)])
}

// suggest returns the known key closest to a typo, if it is close.
func suggest(typo string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := distance(strings.ToLower(typo), k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance, enough to catch a key's typos.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// envName is a portable environment variable name.
var envName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

// validate checks values the TOML types cannot: names from fixed lists and
// URLs that must not carry a password. Messages never quote a value that
// might be a secret.
func (c Config) validate() []string {
	var msgs []string
	if c.Theme != "" {
		if _, err := themes.Get(c.Theme); err != nil {
			msgs = append(msgs, "theme: "+err.Error())
		}
	}
	if c.Strategy != "" && !slices.Contains(strategies, c.Strategy) {
		msgs = append(msgs, fmt.Sprintf("strategy: unknown strategy %q (strategies: %s)", c.Strategy, strings.Join(strategies, ", ")))
	}
	for i, b := range c.CompareServers {
		if strings.TrimSpace(b) == "" {
			msgs = append(msgs, fmt.Sprintf("compare_servers[%d]: empty; name a server binary (a path, or redis-server / valkey-server on PATH)", i+1))
		}
	}
	for _, name := range c.ConnectionNames() {
		conn := c.Connections[name]
		where := "connections." + toml.Key{name}.String()
		if conn.URL == "" {
			msgs = append(msgs, where+": url is required (redis://host:port/db, rediss://… or unix:///path)")
		} else if msg := checkURL(conn); msg != "" {
			msgs = append(msgs, where+".url: "+msg)
		}
		if conn.PasswordEnv != "" && !envName().MatchString(conn.PasswordEnv) {
			msgs = append(msgs, where+".password_env: must name an environment variable (like PROD_REDIS_PASSWORD), not hold the password itself")
		}
	}
	return msgs
}

// checkURL returns what is wrong with a connection's URL, or "". A parse
// error's own text quotes the URL, so it is not passed on.
func checkURL(conn Connection) string {
	u, err := url.Parse(conn.URL)
	if err != nil {
		return "not a valid URL (want redis://[user@]host[:port][/db], rediss://… or unix:///path)"
	}
	if _, has := u.User.Password(); has {
		return "contains a password: remove it from the URL and set password_env = \"SOME_VAR\" (then export SOME_VAR), or use --askpass"
	}
	q := u.Query()
	if q.Has("password") {
		return "contains a password parameter: remove it and set password_env = \"SOME_VAR\" (then export SOME_VAR), or use --askpass"
	}
	switch u.Scheme {
	case "redis", "rediss":
		if u.Host == "" {
			return "no host (want redis://host:port)"
		}
	case "unix":
		if u.Path == "" {
			return "no socket path (want unix:///path/to/redis.sock)"
		}
	default:
		return fmt.Sprintf("scheme %q is not redis, rediss or unix", u.Scheme)
	}
	if name := u.User.Username(); name != "" && conn.User != "" && name != conn.User {
		return fmt.Sprintf("user %q in the URL differs from user = %q", name, conn.User)
	}
	return ""
}
