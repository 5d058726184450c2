package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"luascope/config"
	"luascope/history"
	"luascope/redisx"
)

// cliEnv is what every command that talks to a server needs, built by
// one helper so that each command reads the same config file the same
// way (a --config FILE counts for everything, history = false included)
// and reports a connection failure the same way: config → strategy →
// read-only → connect → notice → JSON failure document → close.
type cliEnv struct {
	cmd   *cobra.Command
	flags *connFlags
	opts  envOpts
	// cfg is the config file (--config FILE, else the default one).
	cfg config.Config
	// strategy is --strategy, else the config's, else evalsha-load; ""
	// for a command without --strategy.

	strategy redisx.Strategy
}

// envOpts is what differs between the commands that use a cliEnv.
type envOpts struct {
	// strategy is the command's --strategy value; "" when it has none.
	strategy string
	// readOnly is --ro (a named connection marked readonly adds to it).
	readOnly bool
	// quiet keeps the connection notice off stderr: --json documents say
	// where they ran, and the TUI shows the notice in its status bar.
	quiet bool
	// failureJSON, when not nil, writes the --json document of a run
	// that could not connect: --json promises one document per run.
	failureJSON func(cause error) error
}

// newEnv reads the config file and resolves the strategy, before any
// input is read or any server is contacted, so that a broken config
// file is a usage error whatever the command.
func newEnv(cmd *cobra.Command, f *connFlags, o envOpts) (*cliEnv, error) {
	cfg, err := f.loadConfig()
	if err != nil {
		return nil, err
	}
	e := &cliEnv{cmd: cmd, flags: f, opts: o, cfg: cfg}
	if cmd.Flags().Lookup("strategy") == nil {
		// cluster, load: no script is run, so the config's strategy,
		// even a misspelt one, is none of their business.
		return e, nil
	}
	flag := o.strategy
	if !cmd.Flags().Changed("strategy") && cfg.Strategy != "" {
		flag = cfg.Strategy
	}
	if e.strategy, err = redisx.ParseStrategy(cmp.Or(flag, string(redisx.EvalshaLoad))); err != nil {
		return nil, usageErr("--strategy: %v", err)
	}
	return e, nil

}

// connect opens the connection (or starts the sandbox) and says the
// connection's notice on stderr; the caller closes it. A failure to
// connect writes the --json failure document first when there is one.
func (e *cliEnv) connect(ctx context.Context) (*connection, error) {
	e.flags.readOnly = e.opts.readOnly
	stderr := e.cmd.ErrOrStderr()
	conn, err := e.flags.connect(ctx, e.cmd.Flags(), stderr)
	if err != nil {
		var ex *exitError
		if e.opts.failureJSON != nil && errors.As(err, &ex) && ex.code == exitConnection {
			_ = e.opts.failureJSON(ex.cause)
		}
		return nil, err
	}
	if conn.notice != "" && !e.opts.quiet {
		fmt.Fprintln(stderr, "luascope: "+printable(conn.notice))
	}
	return conn, nil
}

// connectFailed is connect's failure for a connection whose handshake
// failed later, with the run's first command (redisx.ConnectDeferred).
func (e *cliEnv) connectFailed(err error) error {
	if e.opts.failureJSON != nil {
		_ = e.opts.failureJSON(err)
	}
	return &exitError{code: exitConnection, msg: err.Error(), cause: err}
}

// historyOn reports whether runs are recorded: not with --no-history
// (off), nor when the config file says history = false.
func (e *cliEnv) historyOn(off bool) bool { return !off && e.cfg.HistoryEnabled() }

// record appends a CLI run to the history the TUI browses, unless
// history is off. A history problem is a warning, never a failed run.
func (e *cliEnv) record(off bool, entry history.Entry) {
	if !e.historyOn(off) {
		return
	}
	p, err := history.DefaultPath()
	if err == nil {
		var s *history.Store
		if s, err = history.Open(p, history.Options{}); err == nil {
			err = s.Append(entry)
		}
	}
	if err != nil {
		fmt.Fprintf(e.cmd.ErrOrStderr(), "luascope: history: %v\n", err)
	}
}
