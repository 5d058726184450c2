package main

import (
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/sandbox"
)

// interruptedFor pretends a signal ended the CLI's call, for one test.
func interruptedFor(t *testing.T, sig os.Signal) {
	t.Helper()
	interruption.sig.Store(&sig)
	t.Cleanup(func() { interruption.sig.Store(nil) })
}

// closedRead is what a blocked read returns once interruptCall closed
// its connection.
var closedRead = &net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed}

func failedRun() redisx.Result {
	c := classify.ClassifyError(closedRead)
	return redisx.Result{
		Steps:     []redisx.Step{{Seq: 1, Command: []string{"EVALSHA", "abc", "0"}, Outcome: redisx.OutcomeFailed, Err: closedRead.Error()}},
		ClientErr: closedRead,
		Error:     &c,
	}
}

func TestMarkInterrupted(t *testing.T) {
	// No signal: a broken connection is what it says.
	res := failedRun()
	markInterrupted(&res, false)
	if strings.Contains(res.Error.Message, "interrupted") || strings.Contains(res.Steps[0].Err, "interrupted") {
		t.Fatalf("no signal, yet: %+v", res.Error)
	}

	interruptedFor(t, syscall.SIGTERM)
	res = failedRun()
	markInterrupted(&res, false)
	if res.Error.Class != classify.Connection || res.Error.Source != classify.SourceClient {
		t.Errorf("class: %s/%s, want what a closed connection gets", res.Error.Class, res.Error.Source)
	}
	if !strings.HasPrefix(res.Error.Message, "interrupted by SIGTERM: ") || !strings.Contains(res.Error.Hint, "goes on on the server") {
		t.Errorf("error: %+v", res.Error)
	}
	if !errors.Is(res.ClientErr, net.ErrClosed) || !strings.HasPrefix(res.Steps[0].Err, "interrupted by SIGTERM: ") {
		t.Errorf("client error %v, step %q", res.ClientErr, res.Steps[0].Err)
	}
	if res.ExitCode() != exitConnection {
		t.Errorf("exit code %d: main replaces it with 128+signal, the run's own must not change", res.ExitCode())
	}

	// A sandbox's script stops with the sandbox.
	res = failedRun()
	markInterrupted(&res, true)
	if strings.Contains(res.Error.Hint, "goes on") || !strings.Contains(res.Error.Hint, "sandbox") {
		t.Errorf("sandbox hint: %q", res.Error.Hint)
	}

	// A reply that came before the connection closed is left alone.
	ok := redisx.Result{Steps: []redisx.Step{{Seq: 1, Outcome: redisx.OutcomeOK}}}
	markInterrupted(&ok, false)
	if ok.Error != nil || ok.ClientErr != nil {
		t.Errorf("a complete run was marked: %+v", ok)
	}
}

func TestSendingRegistersTheCall(t *testing.T) {
	done := sending(&connection{})
	c := current.Load()
	if c == nil || c.cancel != nil || c.waiting != nil {
		t.Fatalf("a run in flight: %+v", c)
	}
	done()
	if current.Load() != nil || inFlight.Load() != 0 {
		t.Fatal("done left the call registered")
	}

	cancelled := 0
	done = sendingWith(&connection{sandbox: new(sandbox.Server)}, func() { cancelled++ }, func() {})
	if c := current.Load(); c == nil || c.cancel == nil || c.waiting == nil {
		t.Fatalf("a batch in flight: %+v", c)
	}
	if inFlight.Load() != 0 {
		t.Error("a sandbox's batch counts as going on")
	}
	current.Load().cancel()
	done()
	if cancelled != 1 || current.Load() != nil {
		t.Errorf("cancelled %d, current %v", cancelled, current.Load())
	}
}

func TestSignalNames(t *testing.T) {
	for sig, want := range map[os.Signal]string{os.Interrupt: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP", syscall.SIGQUIT: "SIGQUIT"} {
		if got := signalName(sig); got != want {
			t.Errorf("%v: %q, want %q", sig, got, want)
		}
	}
	if l := interruptedLine(syscall.SIGQUIT, false, false); l != "luascope: quit (SIGQUIT)" {
		t.Errorf("SIGQUIT: %q", l)
	}
	if signalExitCode(syscall.SIGQUIT) != 131 {
		t.Error("SIGQUIT's status is not 131")
	}
}
