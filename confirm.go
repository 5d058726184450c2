package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// yesHelp is --yes's help on every command that may write.
const yesHelp = "go ahead without asking on a connection marked production (config: production = true or a prod label)"

// isSandbox reports a private server this process started: the only
// place luascope writes unasked what the user did not write (an
// example's setup). A server named by flags or config is someone's,
// even when it is a throwaway.
func (c *connection) isSandbox() bool { return c.sandbox != nil || c.cluster != nil }

// guardProduction lets a command that may write go ahead on a production
// connection only with --yes or a "yes" typed at the terminal, the CLI's
// counterpart of the TUI's dialog. what says what would change, e.g.
// "this script may write"; "" means nothing can, and nothing is asked.
func guardProduction(cmd *cobra.Command, conn *connection, yes bool, what string) error {
	if !conn.production || yes || what == "" {
		return nil
	}
	return confirmOrRefuse(cmd, fmt.Sprintf("%s (%s) is marked production and %s", conn.label(), conn.session.Target(), what))
}

// confirmOrRefuse asks question on the terminal when a person is there
// (stdin and stderr both terminals) and refuses with exit status 2
// otherwise: a script or a pipeline cannot say yes, only --yes can.
func confirmOrRefuse(cmd *cobra.Command, question string) error {
	if !canAsk(cmd) {
		// Not a usage mistake: no "Run 'luascope --help'" line after it.
		return &exitError{code: exitUsage, msg: question + ": not sent without --yes (no terminal to ask on). Add --yes to go ahead"}
	}
	ok, err := askYes(question)
	if err != nil {
		return &exitError{code: exitUsage, msg: fmt.Sprintf("%s: could not ask (%v): not sent. Add --yes to go ahead", question, err)}
	}
	if !ok {
		return &exitError{code: exitUsage, msg: "not confirmed: nothing was sent (--yes goes ahead without asking)"}
	}
	return nil
}

// canAsk reports whether a person is there to answer: stdin and stderr
// both terminals. A variable so tests can be that person.
var canAsk = func(cmd *cobra.Command) bool {
	return isTerminal(cmd.InOrStdin()) && isTerminal(cmd.ErrOrStderr())
}

// askYes asks on /dev/tty, like --askpass, so that stdin may still carry
// the script; only the word yes agrees. A variable so tests can answer.
var askYes = func(question string) (bool, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return false, err
	}
	defer tty.Close()
	fmt.Fprintf(tty, "luascope: %s. Type yes to go on: ", printable(question))
	line, err := bufio.NewReader(tty).ReadString('\n')
	if err != nil && line == "" {
		return false, err
	}
	return strings.EqualFold(strings.TrimSpace(line), "yes"), nil
}
