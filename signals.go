package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/sandbox"
	"luascope/ui"
)

// inFlight counts the script calls this process has sent and not had an
// answer to, on servers it does not stop itself. Only those go on after
// an interrupt: a sandbox's script stops with the sandbox, and before a
// call is sent there is nothing to go on.
var inFlight atomic.Int32

// sending marks a script call on c as in flight until done is called. A
// signal meanwhile ends the call instead of the process (see
// interruptCall), so the command still prints what it has: --json
// promises one document per run, an interrupted one included.
func sending(c *connection) (done func()) { return sendingWith(c, nil, nil) }

// sendingWith is sending for a call that sends many round trips (a
// batch): cancel stops it sending more, on any signal, before its
// connections close. waiting, when not nil, makes the first Ctrl-C
// gentler: it only cancels and calls waiting, which says that the replies
// in flight are awaited; the next signal closes the connections.
func sendingWith(c *connection, cancel, waiting func()) (done func()) {
	call := &callInFlight{cancel: cancel, waiting: waiting}
	if c.session != nil {
		call.close = func() { _ = c.session.Close() }
	}
	current.Store(call)
	counted := !c.isSandbox()
	if counted {
		inFlight.Add(1)
	}
	return func() {
		holdIfQuitting()
		current.CompareAndSwap(call, nil)
		if counted {
			inFlight.Add(-1)
		}
	}
}

// callInFlight is what a signal does to the CLI's call in flight instead
// of exiting at once: exiting would leave --json without its document
// and the run out of the history.
type callInFlight struct {
	close   func() // ends the call now: a blocked read returns with an error
	cancel  func() // stops a batch sending more; nil for a run
	waiting func() // says that the first Ctrl-C waits for a batch's replies in flight; nil for a run
}

// current is the call in flight, or nil.
var current atomic.Pointer[callInFlight]

// interruption is the signal that ended a CLI call early. main exits with
// 128+that signal once the command has printed what it has.
var interruption struct {
	sig    atomic.Pointer[os.Signal]
	goesOn atomic.Bool // a script luascope sent runs on after it closed the connection
	batch  atomic.Bool // the call was a batch: many calls, not one script, go on
	said   sync.Once
}

// interruptedBy is the signal that ended a CLI call early, or nil.
func interruptedBy() os.Signal {
	if s := interruption.sig.Load(); s != nil {
		return *s
	}
	return nil
}

// sayInterrupted tells, once, why luascope stops and whether a script
// goes on: from main after the command's output, or from the signal's
// goroutine when the command does not finish in time.
func sayInterrupted(stderr io.Writer, sig os.Signal) {
	interruption.said.Do(func() {
		fmt.Fprintln(stderr, interruptedLine(sig, interruption.goesOn.Load(), interruption.batch.Load()))
	})
}

// cliStopGrace is how long a CLI command has to print what it has after
// a signal closed its connections, before the process exits without it.
const cliStopGrace = 3 * time.Second

// tuiStopGrace is how long stopOnSignal waits for the terminal UI to end
// after routing a signal into it, before exiting without it.
const tuiStopGrace = 5 * time.Second

// signalTaker, while the terminal UI runs, gets the signal instead of
// stopOnSignal's immediate exit: exiting from the signal's goroutine would
// leave the terminal raw and in the alternate screen, and lose the script.
var signalTaker atomic.Pointer[tuiSignals]

// stopOnSignal stops the sandbox servers this process started when the
// user presses Ctrl-C or the process is told to stop, then exits the way
// a shell expects (128+signal). While the terminal UI runs, the signal
// goes to the UI first (see tuiSignals); while a CLI call is in flight,
// it ends the call and the command finishes (see interruptCall).
// SIGQUIT in the CLI keeps Go's meaning, a goroutine dump and status 2,
// once the sandboxes are stopped.
func stopOnSignal() {
	ch := make(chan os.Signal, 3)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	go func() {
		sig := <-ch
		goesOn := false
		if t := signalTaker.Load(); t != nil {
			t.take(sig)
			// The UI's own goroutine exits once Bubble Tea has restored
			// the terminal; a second signal or a UI that does not stop
			// ends the process here, still saving the script.
			select {
			case sig = <-ch:
			case <-time.After(tuiStopGrace):
			}
			goesOn = t.abandon(os.Stderr)
		} else if sig == syscall.SIGQUIT {
			quitWithDump(os.Stderr)
		} else if c := current.Load(); c != nil {
			interruptCall(c, sig, ch)
			return
		}
		if restore := restoreScreen.Load(); restore != nil {
			(*restore)() // the preview left the terminal on the alternate screen
		}
		fmt.Fprintln(os.Stderr, interruptedLine(sig, goesOn || inFlight.Load() > 0, false))
		sandbox.StopAll()
		os.Exit(signalExitCode(sig))
	}()
}

// interruptCall ends the CLI's call in flight: its connections close,
// the blocked read returns, the command prints its report and records
// the run, and main exits with 128+signal. A batch's first Ctrl-C only
// stops it sending and lets the replies in flight come, as long as they
// take; the next signal closes its connections. A command that does not
// finish within cliStopGrace after that, or another signal, exits at once.
func interruptCall(c *callInFlight, first os.Signal, ch <-chan os.Signal) {
	interruption.sig.CompareAndSwap(nil, &first)
	if c.cancel != nil {
		interruption.batch.Store(true)
		c.cancel()
	}
	if c.waiting != nil && first == os.Interrupt {
		c.waiting()
		if sig := <-ch; sig == syscall.SIGQUIT {
			exitInterrupted(first, sig)
		}
	}
	if c.close != nil {
		// Only a script still running when the connection closes goes on.
		interruption.goesOn.Store(inFlight.Load() > 0)
		c.close()
	}
	select {
	case sig := <-ch:
		exitInterrupted(first, sig)
	case <-time.After(cliStopGrace):
		exitInterrupted(first, nil)
	}
}

// exitInterrupted exits without waiting for the command any longer, with
// first's status; a SIGQUIT meanwhile (last) still gets Go's dump.
func exitInterrupted(first, last os.Signal) {
	if last == syscall.SIGQUIT {
		quitWithDump(os.Stderr)
	}
	sandbox.StopAll()
	if inFlight.Load() > 0 {
		interruption.goesOn.Store(true)
	}
	sayInterrupted(os.Stderr, first)
	os.Exit(signalExitCode(first))
}

// quitting is set while SIGQUIT ends the CLI: the command must not go on
// to print or exit meanwhile, when its sandbox server is being stopped
// under it (its run would end with a connection error that never was).
var quitting atomic.Bool

// holdIfQuitting blocks the command's goroutine for good while SIGQUIT
// ends the process.
func holdIfQuitting() {
	if quitting.Load() {
		select {}
	}
}

// quitWithDump is SIGQUIT in the CLI: what Go's runtime does by default
// (every goroutine's stack on stderr, status 2), with the stacks taken
// first, as the signal found them, and the sandbox servers then stopped,
// which the runtime's own exit would leave running where there is no
// Pdeathsig (macOS, the BSDs). GOTRACEBACK=crash's core dump is the
// price: raise SIGQUIT with the CLI idle for one.
func quitWithDump(stderr io.Writer) {
	quitting.Store(true)
	fmt.Fprintf(stderr, "SIGQUIT: quit\n\n%s\n", allStacks())
	sandbox.StopAll()
	os.Exit(2)
}

// signalExitCode is the status a shell expects after sig: 128+signal.
func signalExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// interruptedLine says why luascope stops, and that a script goes on only
// when one does: for a batch (batch), the calls already written, not one
// script that a SCRIPT KILL would stop.
func interruptedLine(sig os.Signal, scriptGoesOn, batch bool) string {
	line := "luascope: interrupted"
	switch sig {
	case syscall.SIGTERM:
		line = "luascope: terminated (SIGTERM)"
	case syscall.SIGHUP:
		line = "luascope: the terminal hung up (SIGHUP)"
	case syscall.SIGQUIT:
		line = "luascope: quit (SIGQUIT)"
	}
	switch {
	case scriptGoesOn && batch:
		line += "; the calls already written go on on the server (their lines are reported unknown: each may have run)"
	case scriptGoesOn:
		line += "; the script that was running goes on on the server until it ends (SCRIPT KILL stops it)"
	}
	return line
}

// tuiSignals routes a signal into the running terminal UI: the program is
// killed, Bubble Tea restores the terminal and p.Run returns, and runTUI
// (tuiSignals.end) saves the unsaved script and exits with the signal's
// status.
type tuiSignals struct {
	kill      func() // tea.Program.Kill
	rescue    *ui.Rescue
	sandboxed bool      // the server is a sandbox this process stops: its script stops too
	debugLog  io.Writer // --debug-log's file, or nil
	sig       atomic.Pointer[os.Signal]
	saveOnce  sync.Once
}

func (t *tuiSignals) take(sig os.Signal) {
	if sig == syscall.SIGQUIT && t.debugLog != nil {
		// What SIGQUIT is asked for, a goroutine dump, where it cannot
		// garble the terminal: in the debug log, before the UI stops.
		fmt.Fprintf(t.debugLog, "SIGQUIT: goroutine dump\n%s\n", allStacks())
	}
	t.sig.CompareAndSwap(nil, &sig)
	t.kill()
}

// signal is the signal that ended the UI, or nil.
func (t *tuiSignals) signal() os.Signal {
	if s := t.sig.Load(); s != nil {
		return *s
	}
	return nil
}

// scriptGoesOn reports whether a run was in flight on a server that this
// process does not stop.
func (t *tuiSignals) scriptGoesOn() bool {
	return t.rescue.Running() && !t.sandboxed
}

// abandon saves the script when the UI did not end in time (the terminal
// may be left as it is), unless runTUI saved it already, and says whether
// a script goes on on the server.
func (t *tuiSignals) abandon(stderr io.Writer) (scriptGoesOn bool) {
	t.save(stderr)
	return t.scriptGoesOn()
}

// save writes the unsaved script to a recovery file and says where, once,
// whichever of runTUI and the signal's goroutine gets there first.
func (t *tuiSignals) save(stderr io.Writer) {
	t.saveOnce.Do(func() { sayRescued(stderr, t.rescue) })
}

// signalName is sig as people write it in a shell (kill -TERM, SIGINT).
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGQUIT:
		return "SIGQUIT"
	}
	return sig.String()
}

// markInterrupted says in a run's result that a signal ended it, when
// one did: interruptCall closes the connections, and the blocked read
// then fails like a broken connection, which is not what happened. The
// class stays what luascope gives a closed connection; the message and
// the hint say why it closed, and whether the script goes on.
func markInterrupted(res *redisx.Result, sandboxed bool) {
	sig := interruptedBy()
	if sig == nil || res.ClientErr == nil {
		return
	}
	why := "interrupted by " + signalName(sig)
	res.ClientErr = fmt.Errorf("%s: %w", why, res.ClientErr)
	c := classify.ClassifyError(res.ClientErr)
	c.Hint = "luascope was " + why + " while it waited for this reply, and closed its connection: "
	if sandboxed {
		c.Hint += "the sandbox server stopped, and the script with it."
	} else {
		c.Hint += "a script that was running goes on on the server until it ends (SCRIPT KILL stops it)."
	}
	res.Error = &c
	if n := len(res.Steps); n > 0 && res.Steps[n-1].Err != "" {
		res.Steps[n-1].Err = why + ": " + res.Steps[n-1].Err
	}
}

// allStacks is every goroutine's stack, as SIGQUIT prints it, in a
// buffer that grows (to 64 MiB) rather than cutting a large dump short.
func allStacks() []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}
