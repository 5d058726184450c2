package sandbox

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// directive splits one Options.Config entry into its name (lower case) and
// arguments, accepting the "--name value" spelling of the command line too.
func directive(line string) (name string, args []string) {
	f := splitArgs(strings.TrimPrefix(strings.TrimSpace(line), "--"))
	if len(f) == 0 {
		return "", nil
	}
	return strings.ToLower(f[0]), f[1:]
}

// splitArgs splits like redis.conf does for the common cases: words
// separated by spaces, with "double" or 'single' quotes grouping. It only
// needs to be good enough to read back values such as requirepass.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	in, quote, started := false, byte(0), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in && c == quote:
			in = false
		case in && c == '\\' && quote == '"' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case in:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			in, quote, started = true, c, true
		case c == ' ' || c == '\t':
			if started {
				out = append(out, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	if started {
		out = append(out, cur.String())
	}
	return out
}

// lookup returns the arguments of the last entry named name, as Redis lets
// a later directive win.
func lookup(config []string, name string) ([]string, bool) {
	var args []string
	found := false
	for _, l := range config {
		if n, a := directive(l); n == name {
			args, found = a, true
		}
	}
	return args, found
}

func lookupOne(config []string, name string) string {
	if a, ok := lookup(config, name); ok && len(a) > 0 {
		return a[0]
	}
	return ""
}

// quoteConf quotes a path for redis.conf, where a space would otherwise
// split it into two arguments.
func quoteConf(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// writeConfig writes the server's redis.conf. The sandbox's own settings
// come first so that the caller's Config lines, written after them, win.
// A file rather than --name arguments keeps directives of several words
// exactly as the caller wrote them.
func (s *Server) writeConfig() error {
	var b strings.Builder
	b.WriteString("# written by luascope's sandbox package; rewritten on every start\n")
	if s.network == "unix" {
		b.WriteString("port 0\n")
		fmt.Fprintf(&b, "unixsocket %s\nunixsocketperm 700\n", quoteConf(s.addr))
	} else {
		fmt.Fprintf(&b, "port %s\n", strconv.Itoa(s.port))
	}
	b.WriteString("bind 127.0.0.1\n")
	fmt.Fprintf(&b, "dir %s\n", quoteConf(s.dir))
	fmt.Fprintf(&b, "logfile %s\n", quoteConf(s.logPath))
	b.WriteString("daemonize no\n")
	b.WriteString("save \"\"\n")
	b.WriteString("appendonly no\n")
	// Without this a primary waits 5s before a replica's first sync.
	b.WriteString("repl-diskless-sync-delay 0\n")
	for _, l := range s.config {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "--"))
		if l == "" {
			continue
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return os.WriteFile(s.confPath, []byte(b.String()), 0o600)
}
