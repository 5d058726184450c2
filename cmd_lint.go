package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"luascope/redisx/lint"
	"luascope/redisx/sandbox"
)

// ---- luascope lint ----

type lintOpts struct {
	conn    *connFlags
	numkeys int
	ro      bool
	json    bool
	server  string
}

// lintJSON is one finding in `lint --json`: the lint.Finding fields plus
// the file, so that the documents of several files can be merged.
type lintJSON struct {
	File     string        `json:"file"`
	Line     int           `json:"line"`
	Col      int           `json:"col"`
	Severity lint.Severity `json:"severity"`
	Code     string        `json:"code"`
	Message  string        `json:"message"`
	Hint     string        `json:"hint"`
}

func newLintCmd(conn *connFlags) *cobra.Command {
	o := &lintOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "lint [--numkeys N] [--ro] [--server VERSION | -h HOST -p PORT… | --server-bin PATH] [--json] FILE...",
		Short: "Check scripts for what Redis would refuse, without a server",
		Long: `Check Lua scripts before sending them: syntax errors on the line Redis
reports, global variables (Redis refuses to create them and to read missing
ones), keys that do not come from KEYS (wrong in a cluster), KEYS indexes
beyond --numkeys, shebang flags Redis rejects, write commands in no-writes
or --ro scripts, and error() with a table without an err field (it crashes
Redis 7.0 servers). No server is needed. FILE may be - for stdin.

--server names the server the script is for (redis-7.0, valkey-8.1,
7.4.0): then lint also reports what that version lacks, a command (HEXPIRE
before Redis 7.4), an option (SET … GET before 6.2) or a global
(redis.REDIS_VERSION before 7.0), and what it does with a blocking command
(BLPOP: refused before Redis 7.2, run without blocking since), as
warnings that name the server.

Instead of --server, lint can learn the version: from a running server
named with the connection flags (-h, -p, -u, --connection …; it sends
HELLO and INFO server, nothing else, so read-only connections allow it),
or from a server binary (--server-bin PATH, or --sandbox: the one a
sandbox would start) by running it with --version; no sandbox is started.
It says on stderr which server it linted for. REDIS_URL alone does not
make lint connect.

Prints file:line:col: severity: message [code], one finding a line, with a
hint below; --json prints one JSON array per file.

Exit status: 0 no errors (warnings allowed), 1 an error finding, 2 usage,
3 the server named could not be asked.`,
		Example: `  luascope lint script.lua
  luascope lint --numkeys 1 --ro report.lua
  luascope lint --server redis-7.0 expire-fields.lua
  luascope lint -p 7403 queue.lua
  luascope lint --server-bin valkey-server queue.lua
  git diff --name-only -- '*.lua' | xargs luascope lint --json | jq '.[] | select(.severity == "error")'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	fs := cmd.Flags()
	fs.IntVar(&o.numkeys, "numkeys", -1, "the numkeys the script is called with (-1: unknown); KEYS[n] beyond it is reported")
	fs.BoolVar(&o.ro, "ro", false, "the script runs with EVAL_RO/EVALSHA_RO: any write command is an error")
	fs.BoolVar(&o.json, "json", false, "print one JSON array of findings per file")
	fs.StringVar(&o.server, "server", "", "the target server, e.g. redis-7.0, valkey-8.1, 7.4.0: report what that version lacks (empty: unknown)")
	return cmd
}

func (o *lintOpts) run(cmd *cobra.Command, files []string) error {
	if len(files) == 0 {
		return usageErr("lint needs a FILE (or - for stdin)")
	}
	if o.numkeys < -1 {
		return usageErr("--numkeys must be 0 or more (or -1 for unknown), not %d", o.numkeys)
	}
	target, err := o.target(cmd)
	if err != nil {
		return err
	}
	// Read everything first: a missing file is a usage error, reported
	// before any output.
	srcs := make([]string, len(files))
	stdinUsed := false
	for i, f := range files {
		if f == "-" {
			if stdinUsed {
				return usageErr("lint: - (stdin) given twice")
			}
			stdinUsed = true
		}
		src, err := readScript(f, cmd.InOrStdin())
		if err != nil {
			return usageErr("%v", err)
		}
		srcs[i] = src
	}
	out := cmd.OutOrStdout()
	failed := false
	opt := lint.Options{NumKeys: o.numkeys, ReadOnly: o.ro, Server: target}
	for i, f := range files {
		name := f
		if f == "-" {
			name = "<stdin>"
		}
		findings := lint.Lint(srcs[i], opt)
		failed = failed || lint.HasErrors(findings)
		var err error
		if o.json {
			err = writeLintJSON(out, name, findings)
		} else {
			err = writeLintText(out, name, findings)
		}
		if err != nil {
			return &exitError{code: exitUsage, msg: "write output: " + err.Error()}
		}
	}
	if failed {
		return &exitError{code: exitErrorReply}
	}
	return nil
}

func writeLintText(w io.Writer, file string, findings []lint.Finding) error {
	for _, f := range findings {
		// File names and messages may hold control characters (a quoted
		// key from the script): never let them reach the terminal raw.
		if _, err := fmt.Fprintln(w, printable(file+":"+lint.Format(f))); err != nil {
			return err
		}
		if f.Hint != "" {
			if _, err := fmt.Fprintln(w, "    hint: "+printable(f.Hint)); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeLintJSON(w io.Writer, file string, findings []lint.Finding) error {
	doc := make([]lintJSON, 0, len(findings))
	for _, f := range findings {
		doc = append(doc, lintJSON{File: file, Line: f.Line, Col: f.Col, Severity: f.Severity, Code: f.Code,
			Message: f.Message, Hint: f.Hint})
	}
	return writeJSON(w, doc)
}

// serverNaming are the connection flags that name a server to ask its
// version; connModifiers only change how it is reached, so alone they
// name nothing (lint does not fall back to 127.0.0.1:6379, or to a
// sandbox, as the commands that run scripts do).
var (
	serverNaming  = []string{"url", "host", "port", "connection"}
	connModifiers = []string{"pass", "user", "db", "tls", "cacert", "cert", "key", "sni", "insecure", "cluster", "resp3", "askpass"}
)

// target is the server to lint for: --server, else the version a named
// server or a server binary reports, else none (the zero Server).
func (o *lintOpts) target(cmd *cobra.Command) (lint.Server, error) {
	fs := cmd.Flags()
	naming, binary := "", fs.Changed("server-bin") || fs.Changed("sandbox")
	for _, name := range serverNaming {
		if fs.Changed(name) {
			naming = name
			break
		}
	}
	switch {
	case o.server != "" && (naming != "" || binary):
		other := naming
		if other == "" {
			other = "server-bin"
		}
		return lint.Server{}, usageErr("--server names the version; --%s asks a server for it: give one or the other", other)
	case naming != "" && binary:
		return lint.Server{}, usageErr("--server-bin (or --sandbox) names a binary, --%s a running server: give one or the other", naming)
	case o.server != "":
		t, err := lint.ParseServer(o.server)
		if err != nil {
			return t, usageErr("--server: %v", err)
		}
		return t, nil
	case binary:
		return o.binaryTarget(cmd)
	case naming != "":
		return o.serverTarget(cmd)
	}
	for _, name := range connModifiers {
		if fs.Changed(name) {
			return lint.Server{}, usageErr("--%s goes with a server to ask (-h, -p, -u or --connection); without one lint asks nothing (--server VERSION names the version)", name)
		}
	}
	return lint.Server{}, nil
}

// serverTarget asks the server named by the connection flags for its
// version: the session's handshake (HELLO, INFO server where HELLO
// cannot tell) learns it, and nothing else is sent.
func (o *lintOpts) serverTarget(cmd *cobra.Command) (lint.Server, error) {
	env, err := newEnv(cmd, o.conn, envOpts{quiet: true})
	if err != nil {
		return lint.Server{}, err
	}
	conn, err := env.connect(context.Background())
	if err != nil {
		return lint.Server{}, err
	}
	defer conn.close()
	info := conn.session.Info()
	where := conn.session.Target().String()
	t, err := lint.ParseServer(info.Flavor + "-" + info.Version)
	if err != nil {
		return t, &exitError{code: exitConnection, msg: printable(fmt.Sprintf(
			"lint: %s says it is %s %s, which lint cannot judge (INFO server refused?): give --server VERSION", where, info.Flavor, info.Version))}
	}
	fmt.Fprintln(cmd.ErrOrStderr(), printable(fmt.Sprintf("luascope: lint for %s (INFO server of %s)", t, where)))
	return t, nil
}

// versionTarget is the lint target a server binary's --version line
// names ("Redis server v=7.0.15 sha=…", "Valkey server v=8.1.1 …").
func versionTarget(out string) (lint.Server, error) {
	flavor, v := sandbox.ParseVersionLine(out)
	if (flavor != sandbox.Redis && flavor != sandbox.Valkey) || v == "" {
		line, _, _ := strings.Cut(out, "\n")
		return lint.Server{}, fmt.Errorf("not a Redis or Valkey version line: %q", line)
	}
	return lint.ParseServer(flavor + "-" + v)
}

// binaryTarget runs the server binary a sandbox would start (--server-bin,
// else $LUASCOPE_REDIS_SERVER, else PATH) with --version: its version is
// what the script will meet there, and no server needs to run.
func (o *lintOpts) binaryTarget(cmd *cobra.Command) (lint.Server, error) {
	var bin string
	var err error
	if cmd.Flags().Changed("server-bin") {
		if bin, err = sandbox.LookBinary(o.conn.serverBin); err != nil {
			return lint.Server{}, usageErr("--server-bin: %v", err)
		}
	} else if bin, err = sandbox.FindBinary(); err != nil {
		return lint.Server{}, &exitError{code: exitConnection, msg: "lint --sandbox: " + err.Error()}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	var t lint.Server
	if err == nil {
		t, err = versionTarget(string(out))
	}
	if err != nil {
		return t, &exitError{code: exitConnection, msg: printable(fmt.Sprintf("lint: %s --version: %v", bin, err))}
	}
	fmt.Fprintln(cmd.ErrOrStderr(), printable(fmt.Sprintf("luascope: lint for %s (%s --version)", t, filepath.Base(bin))))
	return t, nil
}
