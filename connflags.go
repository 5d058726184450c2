package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"luascope/config"
	"luascope/redisx"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
)

// connFlags are redis-cli's connection flags, so users' habits carry over
// (-h is the host, as in redis-cli; help is --help).
type connFlags struct {
	url, host, pass, user string
	port, db              int
	tls, insecure         bool
	cacert, cert, key     string
	sni                   string
	cluster, resp3        bool
	askpass               bool
	noAuthWarning         bool
	sandbox               string // "", "standalone" or "cluster"
	serverBin             string // --server-bin: the binary a sandbox starts
	timeout               time.Duration
	readOnly              bool   // set by commands that take --ro
	namedPassword         string // from a named connection's password_env
	connection            string // --connection NAME from the config file
	configPath            string // --config FILE
	cfg                   *config.Config
	resolved              redisx.Target       // the target connect tried, for error reports
	connecting            func(redisx.Target) // called before dialling a server that is not a sandbox
	startingSandbox       func(cluster bool)  // called before starting a sandbox (server or cluster)
	// deferHandshake, set by run, lets the handshake go with the run's
	// first command (redisx.ConnectDeferred); not on a production
	// connection, whose question comes after the connection is known good.
	deferHandshake bool
}

// describe is the redacted target connect tried, or the flags' intent.
func (f *connFlags) describe() string {
	if f.resolved.Addr != "" {
		return f.resolved.String()
	}
	return redisx.RedactURL(f.url)
}

func (f *connFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.url, "url", "u", "", "server URL: redis://[user:pass@]host[:port][/db], rediss://…, unix:///path (env REDIS_URL)")
	fs.StringVarP(&f.host, "host", "h", "", "server host (default 127.0.0.1)")
	fs.IntVarP(&f.port, "port", "p", 0, "server port (default 6379)")
	fs.StringVarP(&f.pass, "pass", "a", "", "password (prefer env REDISCLI_AUTH or --askpass: the command line is visible to other users)")
	fs.StringVar(&f.user, "user", "", "ACL user name")
	fs.IntVarP(&f.db, "db", "n", 0, "database number")
	fs.BoolVar(&f.tls, "tls", false, "connect with TLS")
	fs.StringVar(&f.cacert, "cacert", "", "CA certificate file to verify the server")
	fs.StringVar(&f.cert, "cert", "", "client certificate file")
	fs.StringVar(&f.key, "key", "", "client private key file")
	fs.StringVar(&f.sni, "sni", "", "server name for TLS (SNI)")
	fs.BoolVar(&f.insecure, "insecure", false, "do not verify the server's TLS certificate")
	fs.BoolVarP(&f.cluster, "cluster", "c", false, "cluster mode: follow MOVED/ASK redirects (detected automatically too)")
	fs.BoolVarP(&f.resp3, "resp3", "3", false, "speak RESP3 (HELLO 3)")
	fs.BoolVar(&f.askpass, "askpass", false, "prompt for the password without echo")
	fs.BoolVar(&f.noAuthWarning, "no-auth-warning", false, "do not warn about -a on the command line")
	fs.StringVar(&f.sandbox, "sandbox", "", "start a private redis-server (from PATH, or --server-bin) for this session and stop it on exit; --sandbox=cluster starts a 6-node cluster")
	fs.Lookup("sandbox").NoOptDefVal = "standalone"
	fs.StringVar(&f.serverBin, "server-bin", "", "the redis-server or valkey-server binary the sandbox starts (a path or a name on PATH; env LUASCOPE_REDIS_SERVER); implies --sandbox")
	fs.DurationVar(&f.timeout, "timeout", 0, "give up waiting for one reply after this long (e.g. 30s); default: a run waits as long as the server lets it, the handshake gives up after 5s")
	fs.StringVar(&f.connection, "connection", "", "use the named connection from the config file")
	fs.StringVar(&f.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/luascope/config.toml)")
}

// loadConfig reads the config file once; a missing file is an empty
// config, a broken one a usage error naming the file and line.
func (f *connFlags) loadConfig() (config.Config, error) {
	if f.cfg != nil {
		return *f.cfg, nil
	}
	path := f.configPath
	if path == "" {
		p, err := config.DefaultPath()
		if err != nil {
			f.cfg = &config.Config{}
			return *f.cfg, nil
		}
		path = p
	}
	if f.configPath != "" {
		// Named on purpose: a missing file is a mistake, not "no config"
		// (a --connection from it would then be "unknown").
		if _, err := os.Stat(path); err != nil {
			return config.Config{}, usageErr("--config %s: %v", resp.Printable(path), errors.Unwrap(err))
		}
	}
	c, err := config.Load(path)
	if err != nil {
		return c, usageErr("config: %v", err)
	}
	f.cfg = &c
	return c, nil
}

// explicit reports whether the user named a server in any way.
func (f *connFlags) explicit(fs *pflag.FlagSet) bool {
	for _, name := range []string{"url", "host", "port", "sandbox", "server-bin"} {
		if fs.Changed(name) {
			return true
		}
	}
	return os.Getenv("REDIS_URL") != ""
}

// target builds the Target from flags and environment; flags win over
// REDIS_URL, as in redis-cli.
func (f *connFlags) target(fs *pflag.FlagSet, stderr io.Writer) (redisx.Target, error) {
	var t redisx.Target
	// Flag values share memory with argv, which hideSecretsFromProcessTitle
	// overwrites: copy what is needed first.
	f.url, f.pass = strings.Clone(f.url), strings.Clone(f.pass)
	rawURL := f.url
	if rawURL == "" {
		rawURL = os.Getenv("REDIS_URL")
	}
	if rawURL != "" {
		var err error
		if t, err = redisx.ParseURL(rawURL); err != nil {
			return t, &exitError{code: exitConnection, msg: err.Error(), cause: err}
		}
	} else {
		t = redisx.Target{Network: "tcp", Addr: defaultAddr}
	}
	if fs.Changed("host") || fs.Changed("port") {
		host, port, _ := net.SplitHostPort(t.Addr)
		if t.Network != "tcp" || host == "" {
			host, port = "127.0.0.1", "6379"
		}
		if fs.Changed("host") {
			host = f.host
		}
		if fs.Changed("port") {
			if f.port <= 0 || f.port > 65535 {
				return t, usageErr("-p %d: a port is 1 to 65535", f.port)
			}
			port = strconv.Itoa(f.port)
		}
		t.Network, t.Addr = "tcp", net.JoinHostPort(host, port)
	}
	if fs.Changed("db") {
		if f.db < 0 {
			return t, usageErr("-n %d: a database number is 0 or more", f.db)
		}
		t.DB = f.db
	}
	if f.user != "" {
		t.Username = f.user
	}
	switch {
	case fs.Changed("pass"):
		t.Password = redisx.Secret(strings.Clone(f.pass))
		if !f.noAuthWarning {
			fmt.Fprintln(stderr, "Warning: Using a password with '-a' on the command line may not be safe (luascope hides it from its process title, but your shell history keeps it). Prefer REDISCLI_AUTH or --askpass.")
		}
	case f.namedPassword != "":
		t.Password = redisx.Secret(f.namedPassword)
	case os.Getenv("REDISCLI_AUTH") != "":
		t.Password = redisx.Secret(os.Getenv("REDISCLI_AUTH"))
	}
	if f.askpass {
		pw, err := askPassword()
		if err != nil {
			return t, &exitError{code: exitUsage, msg: "--askpass: " + err.Error()}
		}
		t.Password = redisx.Secret(pw)
	}
	if f.tls || f.cacert != "" || f.cert != "" || f.key != "" || f.insecure {
		t.TLS.Enabled = true
	}
	t.TLS.CACert, t.TLS.Cert, t.TLS.Key, t.TLS.Insecure, t.TLS.ServerName = f.cacert, f.cert, f.key, f.insecure, f.sni
	if f.cluster {
		t.Cluster = true
	}
	if f.resp3 {
		t.Protocol = 3
	}
	if t.Protocol == 0 {
		t.Protocol = 2
	}
	if f.timeout < 0 {
		return t, usageErr("--timeout %s: must not be negative", f.timeout)
	}
	t.Timeout = f.timeout
	t.ReadOnly = f.readOnly
	hideSecretsFromProcessTitle(fs)
	return t, nil
}

// askPassword reads a password from the terminal without echo, like
// redis-cli --askpass. It reads /dev/tty so that stdin can still carry a
// script.
func askPassword() (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("no terminal to ask on: %w", err)
	}
	defer tty.Close()
	fmt.Fprint(tty, "Please input password: ")
	pw, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", err
	}
	return string(pw), nil
}

// hideSecretsFromProcessTitle overwrites the password given with -a or
// inside a -u URL in the process's own argv memory, so `ps` and
// /proc/PID/cmdline no longer show it (what redis-cli and mysql do).
// Go's os.Args strings share that memory, so the values must have been
// copied (strings.Clone) before this runs. Best effort, Linux-style argv.
func hideSecretsFromProcessTitle(fs *pflag.FlagSet) {
	for _, v := range titleSecrets(os.Args[1:], fs) {
		if v.url {
			maskURLPassword(v.s)
		} else {
			overwrite(v.s, 0, len(v.s))
		}
	}
}

// titleSecrets is the secrets among args read as the command line is
// parsed ("--sandbox cluster" joined, as realMain does): the strings it
// leaves as they were still share argv's memory.
func titleSecrets(args []string, fs *pflag.FlagSet) []secretArg {
	return secretArgs(sandboxKindJoined(args), fs, wordsAreData(fs))
}

// wordsFlag marks a command whose positional words are a script's keys
// and args: it parses no flag after the first word (see dataWords).
const wordsFlag = "luascope-words-are-data"

// wordsAreData reports whether fs belongs to such a command.
func wordsAreData(fs *pflag.FlagSet) bool {
	f := fs.Lookup(wordsFlag)
	return f != nil && f.Hidden
}

// dataWords makes cmd stop parsing flags at its first positional word:
// from there on words are KEYs and ARGs and reach Redis as typed, so a
// key "-amyarg" is never taken for "-a myarg" (a password!), nor "--ro"
// after the keys silently ignored. checkDataWords refuses the
// ambiguous case instead of guessing.
func dataWords(cmd *cobra.Command) {
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().Bool(wordsFlag, false, "")
	_ = cmd.Flags().MarkHidden(wordsFlag)
}

// checkDataWords refuses a word before "--" that names one of luascope's
// flags: it came after the script's words, where it is not parsed, and
// sending it as a key or argument is as surprising as taking it for a
// flag (a password, --ro) would be dangerous.
//
// It returns the words without the "--" that ends luascope's part: pflag
// consumes a "--" only before the first word, and keeps it among the words
// once it has stopped parsing there.
func checkDataWords(cmd *cobra.Command, words []string) ([]string, error) {
	dash := cmd.ArgsLenAtDash()
	if dash < 0 {
		if i := slices.Index(words, "--"); i >= 0 {
			dash = i
			words = slices.Delete(slices.Clone(words), i, i+1)
		}
	}
	fs := cmd.Flags()
	for i, w := range words {
		if dash >= 0 && i >= dash {
			break
		}
		if !looksLikeFlag(fs, w) {
			continue
		}
		return nil, usageErr("%q comes after the script's words, so it is not read as a flag: put flags before FILE (or -e CODE); "+
			"a key or argument that starts with '-' goes after '--' (luascope run FILE -- %s , …)", w, w)
	}
	return words, nil
}

// looksLikeFlag reports whether w would be one of fs's flags.
func looksLikeFlag(fs *pflag.FlagSet, w string) bool {
	switch {
	case len(w) < 2 || w[0] != '-':
		return false
	case w[1] == '-':
		name, _, _ := strings.Cut(w[2:], "=")
		return name != "" && fs.Lookup(name) != nil
	default:
		return fs.ShorthandLookup(w[1:2]) != nil
	}
}

// commandNames are luascope's subcommands, which stand before the words.
func commandNames() map[string]bool {
	names := map[string]bool{}
	for _, sc := range subcommands() {
		names[sc.name] = true
	}
	return names
}

// secretArg is the value of a secret-bearing flag as it sits in argv: a
// substring of one argument, sharing its memory.
type secretArg struct {
	s   string
	url bool // a URL: only its password part is secret
}

// secretArgs finds the values pflag takes for --pass/-a and --url/-u by
// walking argv the way pflag parses it: long flags with or without "=",
// combined short flags (-3a PW, -ca PW, -3aPW, -cu URL), the values of
// other flags skipped, and nothing after "--". When the command's words
// are data (keys and args: wordsAreData), pflag stops at the first word
// that is not the command's name, and so does the walk. Anything else —
// keys, args, a script — is the user's data and must reach Redis byte
// for byte, so it is never touched, whatever it looks like.
func secretArgs(args []string, fs *pflag.FlagSet, stopAtWords bool) []secretArg {
	var names map[string]bool
	if stopAtWords {
		names = commandNames()
	}
	seenCmd := false // pflag meets the command's name once, before its words
	var out []secretArg
	take := func(fl *pflag.Flag, v string) {
		switch fl.Name {
		case "pass":
			out = append(out, secretArg{s: v})
		case "url":
			out = append(out, secretArg{s: v, url: true})
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if stopAtWords && (seenCmd || !names[a]) {
				break // the script's words: data from here on
			}
			seenCmd = true
			continue // a command's name, or a word pflag intersperses with flags
		}
		if a[1] == '-' {
			name, val, hasVal := strings.Cut(a[2:], "=")
			fl := fs.Lookup(name)
			switch {
			case fl == nil:
			case hasVal:
				take(fl, val)
			case fl.NoOptDefVal == "" && i+1 < len(args):
				i++
				take(fl, args[i])
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			fl := fs.ShorthandLookup(a[j : j+1])
			if fl == nil {
				break // pflag refuses the whole argument
			}
			rest := a[j+1:]
			if strings.HasPrefix(rest, "=") {
				take(fl, rest[1:])
				break
			}
			if fl.NoOptDefVal != "" {
				continue // a boolean: the next letter is another flag
			}
			if rest != "" {
				take(fl, rest)
			} else if i+1 < len(args) {
				i++
				take(fl, args[i])
			}
			break
		}
	}
	return out
}

func maskURLPassword(s string) {
	i := strings.Index(s, "://")
	if i < 0 {
		return
	}
	rest := s[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return
	}
	start := i + 3
	if c := strings.Index(rest[:at], ":"); c >= 0 {
		start += c + 1
	}
	overwrite(s, start, i+3+at)
}

// overwrite replaces s[from:to] with 'x' in place. s must point into argv.
func overwrite(s string, from, to int) {
	if from >= to || len(s) == 0 {
		return
	}
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	for i := from; i < to; i++ {
		b[i] = 'x'
	}
}

// connection is an open session plus what the user should be told about
// how it was reached.
type connection struct {
	session    *redisx.Session
	notice     string // e.g. "no server at 127.0.0.1:6379: started a sandbox"
	sandbox    *sandbox.Server
	cluster    *sandbox.Cluster
	production bool // a named connection marked production: ask before writes
}

// label is the connection's badge: "sandbox" for a private server.
func (c *connection) label() string {
	if c.isSandbox() {
		return "sandbox"
	}
	return c.session.Target().Label
}

func (c *connection) close() {
	if c.session != nil {
		_ = c.session.Close()
	}
	if c.sandbox != nil {
		_ = c.sandbox.Stop()
	}
	if c.cluster != nil {
		_ = c.cluster.Stop()
	}
}

// connect resolves the target and connects, starting a sandbox when asked
// or when nothing was named and nothing answers at 127.0.0.1:6379.
func (f *connFlags) connect(ctx context.Context, fs *pflag.FlagSet, stderr io.Writer) (*connection, error) {
	c := &connection{}
	label := ""
	bin, err := f.sandboxBinary(fs)
	if err != nil {
		return nil, err
	}
	if f.connection != "" {
		cfg, err := f.loadConfig()
		if err != nil {
			return nil, err
		}
		nc, err := cfg.Connection(f.connection)
		if err != nil {
			return nil, usageErr("--connection: %v", err)
		}
		if err := f.applyNamed(fs, nc); err != nil {
			return nil, err
		}
		label, c.production = cmp.Or(nc.Label, f.connection), nc.IsProduction()
		if nc.ReadOnly {
			f.readOnly = true
		}
	}
	t, err := f.target(fs, stderr)
	if err != nil {
		return nil, err
	}
	t.Label = label
	switch f.sandbox {
	case "", "standalone", "cluster":
	default:
		return nil, usageErr("--sandbox=%s: want --sandbox (standalone) or --sandbox=cluster", f.sandbox)
	}
	useSandbox := f.sandbox != ""
	if !useSandbox && !f.explicit(fs) && !answers(defaultAddr) {
		useSandbox = true
		c.notice = "no server at " + defaultAddr + " and none named: using a private sandbox"
	}
	if f.sandbox == "cluster" {
		if f.startingSandbox != nil {
			f.startingSandbox(true)
		}
		cl, err := sandbox.StartCluster(ctx, sandbox.ClusterOptions{Options: sandbox.Options{Binary: bin}})
		if err != nil {
			if errors.Is(err, sandbox.ErrNoServer) {
				return nil, &exitError{code: exitConnection, msg: err.Error()}
			}
			return nil, &exitError{code: exitConnection, msg: "start sandbox cluster: " + err.Error()}
		}
		c.cluster = cl
		c.notice = fmt.Sprintf("sandbox cluster: 3 primaries + 3 replicas at %s (stopped on exit)", strings.Join(cl.Addrs(), " "))
		t.Network, t.Addr, t.Label, t.Cluster = "tcp", cl.Nodes[0].Addr(), "sandbox", true
		t.Username, t.Password, t.DB, t.TLS = "", "", 0, redisx.TLSOptions{}
		useSandbox = false
	}
	if useSandbox {
		if f.startingSandbox != nil {
			f.startingSandbox(false)
		}
		srv, err := sandbox.Start(ctx, sandbox.Options{Binary: bin})
		if err != nil {
			if errors.Is(err, sandbox.ErrNoServer) {
				return nil, &exitError{code: exitConnection, msg: err.Error()}
			}
			return nil, &exitError{code: exitConnection, msg: "start sandbox: " + err.Error()}
		}
		c.sandbox = srv
		what := srv.Flavor() + "-server " + srv.Version() + " at " + srv.Addr() + " (stopped on exit)"
		if c.notice == "" {
			c.notice = "sandbox " + what
		} else {
			c.notice += " " + what
		}
		t.Network, t.Addr, t.Label = srv.Network(), srv.Addr(), "sandbox"
		t.Username, t.Password, t.DB, t.TLS = "", "", 0, redisx.TLSOptions{}
	}
	f.resolved = t
	if f.connecting != nil && !c.isSandbox() {
		f.connecting(t)
	}
	var s *redisx.Session
	if f.deferHandshake && !c.production {
		s, err = redisx.ConnectDeferred(t)
	} else {
		s, err = redisx.Connect(ctx, t)
	}
	if err != nil {
		c.close()
		return nil, &exitError{code: exitConnection, msg: err.Error(), cause: err}
	}
	c.session = s
	return c, nil
}

// sandboxBinary checks --server-bin: it names the binary a sandbox starts
// and so asks for one (--sandbox, unless --sandbox=cluster), which a
// server named otherwise contradicts. "" leaves the choice to the sandbox
// ($LUASCOPE_REDIS_SERVER, else PATH).
func (f *connFlags) sandboxBinary(fs *pflag.FlagSet) (string, error) {
	if !fs.Changed("server-bin") {
		return "", nil
	}
	for _, name := range []string{"url", "host", "port", "connection"} {
		if fs.Changed(name) {
			return "", usageErr("--server-bin starts a private sandbox server: it does not go with --%s", name)
		}
	}
	bin, err := sandbox.LookBinary(f.serverBin)
	if err != nil {
		// A server that cannot be started, as for compare and test (and
		// LUASCOPE_REDIS_SERVER naming nothing): exit 3, not usage.
		return "", &exitError{code: exitConnection, msg: "--server-bin: " + err.Error()}
	}
	if f.sandbox == "" {
		f.sandbox = "standalone"
	}
	return bin, nil
}

// defaultAddr is where a command with no server named connects, as
// redis-cli does (redisx.DefaultAddr), and where it looks before falling
// back to a sandbox. A variable so that a test can point it at a port
// nobody listens on, whatever runs on the machine at 6379.
var defaultAddr = redisx.DefaultAddr

// answers reports whether something accepts TCP connections at addr,

// quickly: it decides whether to fall back to a sandbox.
func answers(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

var errNoScript = errors.New("no script: give a FILE, -e CODE or --function NAME")

// evalFileWords takes redis-cli's habit: --eval names the FILE, and the
// words are its keys and args, so the file goes first among the words.
// It does not go with -e CODE, nor with a --function (function).
func evalFileWords(cmd *cobra.Command, file string, words []string, function bool) ([]string, error) {
	if !cmd.Flags().Changed("eval") {
		return words, nil
	}
	if cmd.Flags().Changed("code") || function {
		return nil, usageErr("--eval FILE and -e CODE (or --function) do not go together")
	}
	return append([]string{file}, words...), nil
}
