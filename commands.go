package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unsafe"

	"github.com/spf13/cobra"

	"luascope/redisx/ldb"
	"luascope/redisx/resp"
)

const rootLong = `luascope shows what Redis does with a Lua script: every round trip
(EVALSHA, NOSCRIPT, SCRIPT LOAD, retry, MOVED), the exact reply with its wire
types, and a classified error with a hint.

Connection flags follow redis-cli: -h HOST -p PORT -a PASS --user NAME -n DB
-u URL --tls -c -3. With no server named and nothing at 127.0.0.1:6379,
luascope starts a private sandbox redis-server and stops it on exit.`

// newRootCmd builds the whole command tree.
func newRootCmd() *cobra.Command { return newRootCmdFor(nil) }

// newRootCmdFor builds the command tree a run with args needs: the root
// and the subcommands args name, or every subcommand when args is nil or
// asks for help or completion (which list them). cobra runs a subcommand
// only when its name is among the words, so the others are never used:
// building all sixteen with their flags was half a millisecond of every
// start, the terminal UI's first frame included.
func newRootCmdFor(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:           "luascope [connection flags] [FILE [KEY ...] [, ARG ...]]",
		Short:         "Run, trace and explain Redis Lua scripts",
		Long:          rootLong,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version,
		Args:          cobra.ArbitraryArgs,
	}
	conn := &connFlags{}
	conn.register(root.PersistentFlags())
	tui := &tuiOpts{conn: conn}
	tui.register(root.Flags())
	root.RunE = tui.runTUI
	dataWords(root)
	// cobra would give help the shorthand -h, which redis-cli users know as the host.
	root.PersistentFlags().Bool("help", false, "show help")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v", err) })
	all := args == nil || slices.ContainsFunc(args, listsCommands)
	for _, sc := range subcommands() {
		if all || slices.Contains(args, sc.name) {
			root.AddCommand(sc.make(conn, tui))
		}
	}
	return root
}

// subcommand is one of luascope's commands: its name (what cobra matches
// among the words) and what makes it.
type subcommand struct {
	name string
	make func(conn *connFlags, tui *tuiOpts) *cobra.Command
}

// subcommands lists luascope's commands by name (cobra lists them
// sorted); TestSubcommandNames checks each name is its command's. A
// function, not a variable: the constructors reach commandNames, which
// reads the list.
func subcommands() []subcommand {
	withConn := func(name string, f func(*connFlags) *cobra.Command) subcommand {
		return subcommand{name, func(c *connFlags, _ *tuiOpts) *cobra.Command { return f(c) }}
	}
	alone := func(name string, f func() *cobra.Command) subcommand {
		return subcommand{name, func(*connFlags, *tuiOpts) *cobra.Command { return f() }}
	}
	return []subcommand{
		withConn("batch", newBatchCmd), withConn("busy", newBusyCmd), withConn("cache", newCacheCmd),
		withConn("cluster", newClusterCmd), withConn("compare", newCompareCmd),
		{"debug", func(_ *connFlags, t *tuiOpts) *cobra.Command { return newDebugCmd(t) }},
		withConn("examples", newExamplesCmd), alone("explain-error", newExplainCmd),
		withConn("functions", newFunctionsCmd), alone("keyslot", newKeyslotCmd), withConn("lint", newLintCmd),
		withConn("load", newLoadCmd), withConn("run", newRunCmd), withConn("slowlog", newSlowlogCmd),
		withConn("test", newTestCmd), alone("version", newVersionCmd),
	}
}

// listsCommands reports whether a word asks for what lists every
// subcommand: help (the help command or --help) and shell completion
// (the completion command, and the hidden ones a shell's completion calls).
func listsCommands(w string) bool {
	switch w {
	case "help", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return true
	}
	return w == "--help" || strings.HasPrefix(w, "--help=")
}

// newDebugCmd is `luascope debug`: the terminal UI of tui, in the debugger.
func newDebugCmd(tui *tuiOpts) *cobra.Command {
	var library, function string
	debug := &cobra.Command{
		Use:   "debug [connection flags] (FILE | --library LIB.lua --function NAME) [KEY ...] [, ARG ...]",
		Short: "Open the terminal UI in Redis's Lua debugger (LDB) on FILE",
		Long: `Open the terminal UI straight in the step debugger: SCRIPT DEBUG YES (forked:
a copy of the server, changes rolled back). s/n step, c continue, b breakpoint,
p print, e eval, r redis command, m maxlen, a abort, esc leaves. Alt+F9 in the
UI starts SCRIPT DEBUG SYNC instead, after a typed confirmation.

Read-only (--ro, or readonly = true on the connection) debugs forked only:
SYNC is refused, the script runs as EVAL_RO so the server refuses its writes,
and r sends only commands the server's COMMAND INFO flags readonly.

--library LIB.lua --function NAME debugs a Redis Function, which LDB cannot
step into: the library becomes a script that defines its code, registers
nothing, and calls NAME's callback with the KEYS and ARGV given; its lines
keep the library's numbers (the #!lua line excepted). Limits: the library's
top-level code runs on every call, flags are not enforced (no-writes: debug
read-only), and FCALL from inside runs the server's loaded copy.`,
		Example: `  luascope debug limit.lua rate:1 , 5 60
  luascope debug --library stock.lua --function take stock:1 , 3`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			tui.debug = true
			switch {
			case library != "" && function == "":
				return usageErr("--library needs --function NAME: the function to debug")
			case library == "" && function != "":
				return usageErr("--function goes with --library LIB.lua: the library that registers it")
			case library != "":
				src, err := os.ReadFile(library)
				if err != nil {
					return usageErr("--library: %v", err)
				}
				if !ldb.IsLibrary(string(src)) {
					return usageErr("--library %s: not a Functions library (its first line must be #!lua name=NAME); debug a script with luascope debug FILE", printable(library))
				}
				if err := debugFunctionCheck(library, string(src), function); err != nil {
					return err
				}
				tui.function = function
				args = append([]string{library}, args...)
			case len(args) == 0:
				return usageErr("debug needs a FILE (or --library LIB.lua --function NAME)")
			}
			return tui.runTUI(cmd, args)
		},
	}
	tui.register(debug.Flags())
	debug.Flags().StringVar(&library, "library", "", "debug a function of this Functions library (#!lua name=…) instead of a script")
	debug.Flags().StringVar(&function, "function", "", "the function of --library to debug, called with the KEYS and ARGV given")
	dataWords(debug)
	return debug
}

// writeJSON writes one JSON document and a newline by the rule every
// --json output follows (resp.WriteJSON): <, > and & as they are, and no
// control, bidi or other hidden character raw.
func writeJSON(w io.Writer, v any) error {
	return resp.WriteJSON(w, v)
}

// splitKeysArgs splits positional words at the first lone comma, like
// redis-cli --eval: KEY ... , ARG ...
func splitKeysArgs(words []string) (keys, args []string) {
	for i, w := range words {
		if w == "," {
			return words[:i], words[i+1:]
		}
	}
	return words, nil
}

// maxScript bounds a script read from a file or stdin: Redis's own
// proto-max-bulk-len default is 512 MB, but a script of more than 64 MiB
// is a mistake (a binary file), not a script.
const maxScript = 64 << 20

func readScript(path string, stdin io.Reader) (string, error) {
	var r io.Reader
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("read script: %w", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return readRegular(f, path, st.Size())
		}
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxScript+1))
	if err != nil {
		return "", fmt.Errorf("read script %s: %w", path, err)
	}
	if len(b) > maxScript {
		return "", errTooLarge(path)
	}
	return string(b), nil
}

// errTooLarge is a script over maxScript.
func errTooLarge(path string) error {
	return fmt.Errorf("script %s is larger than %d MiB", path, maxScript>>20)
}

// readRegular reads a regular file of the given size in one buffer of
// that size, not io.ReadAll's doubling ones (eleven of them and as many
// copies for a 500 KB script, on the terminal UI's way to its first
// frame), and keeps it as the string without another copy. A file that
// grows meanwhile is read to maxScript+1 as before.
func readRegular(f *os.File, path string, size int64) (string, error) {
	if size > maxScript {
		return "", errTooLarge(path)
	}
	// Read straight into the buffer (io.Copy into a strings.Builder went
	// through a 32 KB buffer: a second copy of every byte, ten reads for
	// a 300 KB script).
	b := make([]byte, 0, size+1) // +1: the read that finds the end fills nothing
	for {
		if len(b) == cap(b) {
			if len(b) > maxScript {
				return "", errTooLarge(path)
			}
			b = append(b, 0)[:len(b)] // grown: the file grew meanwhile
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("read script %s: %w", path, err)
		}
	}
	if len(b) > maxScript {
		return "", errTooLarge(path)
	}
	if len(b) == 0 {
		return "", nil
	}
	// The buffer is never written again: the string is it, as
	// strings.Builder.String does.
	return unsafe.String(&b[0], len(b)), nil
}

// writeDoc prints a command's result, its JSON document or its text, and
// turns the command's exit status into the error main reads: the ending
// every command with --json shares.
func writeDoc(cmd *cobra.Command, asJSON bool, doc any, text func(io.Writer) error, code int) error {
	out := cmd.OutOrStdout()
	var err error
	if asJSON {
		err = writeJSON(out, doc)
	} else {
		err = text(out)
	}
	if err != nil {
		return &exitError{code: exitUsage, msg: "write output: " + err.Error()}
	}
	if code != exitOK {
		return &exitError{code: code}
	}
	return nil
}
