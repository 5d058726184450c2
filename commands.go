package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"luascope/redisx/resp"
)

const rootLong = `luascope shows what Redis does with a Lua script: every round trip
(EVALSHA, NOSCRIPT, SCRIPT LOAD, retry, MOVED), the exact reply with its wire
types, and a classified error with a hint.

Connection flags follow redis-cli: -h HOST -p PORT -a PASS --user NAME -n DB
-u URL --tls -c -3. With no server named and nothing at 127.0.0.1:6379,
luascope starts a private sandbox redis-server and stops it on exit.`

func newRootCmd() *cobra.Command {
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
	debug := &cobra.Command{
		Use:   "debug [connection flags] FILE [KEY ...] [, ARG ...]",
		Short: "Open the terminal UI in Redis's Lua debugger (LDB) on FILE",
		Long: `Open the terminal UI straight in the step debugger: SCRIPT DEBUG YES (forked:
a copy of the server, changes rolled back). s/n step, c continue, b breakpoint,
p print, e eval, r redis command, m maxlen, a abort, esc leaves. Alt+F9 in the
UI starts SCRIPT DEBUG SYNC instead, after a typed confirmation.

Read-only (--ro, or readonly = true on the connection) debugs forked only:
SYNC is refused, the script runs as EVAL_RO so the server refuses its writes,
and r sends only commands the server's COMMAND INFO flags readonly.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tui.debug = true
			return tui.runTUI(cmd, args)
		},
	}
	tui.register(debug.Flags())
	dataWords(debug)
	root.AddCommand(debug)
	// cobra would give help the shorthand -h, which redis-cli users know as the host.
	root.PersistentFlags().Bool("help", false, "show help")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v", err) })
	root.AddCommand(newRunCmd(conn), newExplainCmd(), newVersionCmd())
	root.AddCommand(newClusterCmd(conn), newKeyslotCmd(), newLoadCmd(conn))
	root.AddCommand(newBatchCmd(conn))
	root.AddCommand(newExamplesCmd(conn))
	root.AddCommand(newLintCmd())
	root.AddCommand(newCompareCmd(conn))
	root.AddCommand(newTestCmd(conn))
	root.AddCommand(newSlowlogCmd(conn))
	root.AddCommand(newBusyCmd(conn))
	return root
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
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxScript+1))
	if err != nil {
		return "", fmt.Errorf("read script %s: %w", path, err)
	}
	if len(b) > maxScript {
		return "", fmt.Errorf("script %s is larger than %d MiB", path, maxScript>>20)
	}
	return string(b), nil
}
