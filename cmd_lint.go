package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"luascope/redisx/lint"
)

// ---- luascope lint ----

type lintOpts struct {
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

func newLintCmd() *cobra.Command {
	o := &lintOpts{}
	cmd := &cobra.Command{
		Use:   "lint [--numkeys N] [--ro] [--server VERSION] [--json] FILE...",
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
(redis.REDIS_VERSION before 7.0), as warnings.

Prints file:line:col: severity: message [code], one finding a line, with a
hint below; --json prints one JSON array per file.

Exit status: 0 no errors (warnings allowed), 1 an error finding, 2 usage.`,
		Example: `  luascope lint script.lua
  luascope lint --numkeys 1 --ro report.lua
  luascope lint --server redis-7.0 expire-fields.lua
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
	var target lint.Server
	if o.server != "" {
		var err error
		if target, err = lint.ParseServer(o.server); err != nil {
			return usageErr("--server: %v", err)
		}
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
