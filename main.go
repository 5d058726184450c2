// Command luascope is a terminal UI and headless CLI for Redis Lua
// scripting: it runs a script one round trip at a time and shows the
// exact reply, every step (EVALSHA, NOSCRIPT, SCRIPT LOAD, retry, MOVED)
// and a classified error.
package main

import (
	// First, for its init: Bubble Tea's would ask the terminal for its
	// background colour on every command (see the package).
	_ "bg.invalid/noquery"

	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
)

// Exit statuses, a contract for users' scripts.
const (
	exitOK         = 0
	exitErrorReply = 1
	exitUsage      = 2
	exitConnection = 3
	// exitInternal is a bug in luascope (a panic): 2, as Go's runtime
	// exits after an unrecovered panic, shared with usage errors.
	exitInternal = 2
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	stopOnSignal()
	code := realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	holdIfQuitting()
	if sig := interruptedBy(); sig != nil {
		// A signal ended the call in flight and the command printed what
		// it had: the status is still the signal's, as a shell expects.
		sayInterrupted(os.Stderr, sig)
		sandbox.StopAll()
		code = signalExitCode(sig)
	}
	os.Exit(code)
}

// realMain runs the CLI and turns every outcome into an exit status, so
// that sandbox servers are always stopped, even after a panic.
func realMain(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			sandbox.StopAll()
			panic(p)
		}
	}()

	args = sandboxKindJoined(args)
	root := newRootCmdFor(args)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	var ex *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ex):
		if ex.msg != "" {
			fmt.Fprintln(stderr, "luascope: "+printable(ex.msg))
		}
		return ex.code
	default:
		// cobra's own errors: unknown command or flag, wrong arguments.
		fmt.Fprintf(stderr, "luascope: %s\nRun 'luascope --help' for usage.\n", printable(err.Error()))
		return exitUsage
	}
}

// exitError carries an exit status up to realMain. msg is printed to
// stderr when not empty; it must already be redacted.
type exitError struct {
	code  int
	msg   string
	cause error // the underlying error, for --json output
}

func (e *exitError) Error() string { return e.msg }

func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, a...) + "\nRun 'luascope --help' for usage."}
}

// printable escapes control characters in a message for the terminal
// (file names and flag values are user input and may hold escape
// sequences) while keeping its line breaks.
func printable(msg string) string {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = resp.Printable(l)
	}
	return strings.Join(lines, "\n")
}

// sandboxKindJoined reads "--sandbox cluster" as "--sandbox=cluster" (and
// "--sandbox standalone" likewise). --sandbox alone means standalone, so
// pflag takes the word after it for an argument: "cluster" then ran the
// cluster command and "standalone" was opened as a script file. No one
// means those; the kind is what they typed it for.
func sandboxKindJoined(args []string) []string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--" {
			break
		}
		if args[i] == "--sandbox" && (args[i+1] == "cluster" || args[i+1] == "standalone") {
			out := append(append(args[:i:i], "--sandbox="+args[i+1]), args[i+2:]...)
			return sandboxKindJoined(out)
		}
	}
	return args
}
