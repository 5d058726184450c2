package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"luascope/redisx/sandbox"
	"luascope/ui"
)

// inFlight counts the script calls this process has sent and not had an
// answer to, on servers it does not stop itself. Only those go on after
// an interrupt: a sandbox's script stops with the sandbox, and before a
// call is sent there is nothing to go on.
var inFlight atomic.Int32

// sending marks a script call on c as in flight until done is called.
func sending(c *connection) (done func()) {
	if c.sandbox != nil || c.cluster != nil {
		return func() {}
	}
	inFlight.Add(1)
	return func() { inFlight.Add(-1) }
}

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
// goes to the UI first (see tuiSignals).
func stopOnSignal() {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
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
		}
		fmt.Fprintln(os.Stderr, interruptedLine(sig, goesOn || inFlight.Load() > 0))
		sandbox.StopAll()
		os.Exit(signalExitCode(sig))
	}()
}

// signalExitCode is the status a shell expects after sig: 128+signal.
func signalExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// interruptedLine says why luascope stops, and that a script goes on only
// when one does.
func interruptedLine(sig os.Signal, scriptGoesOn bool) string {
	line := "luascope: interrupted"
	switch sig {
	case syscall.SIGTERM:
		line = "luascope: terminated (SIGTERM)"
	case syscall.SIGHUP:
		line = "luascope: the terminal hung up (SIGHUP)"
	}
	if scriptGoesOn {
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
	sandboxed bool // the server is a sandbox this process stops: its script stops too
	sig       atomic.Pointer[os.Signal]
	saveOnce  sync.Once
}

func (t *tuiSignals) take(sig os.Signal) {
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
