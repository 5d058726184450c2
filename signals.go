package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"luascope/redisx/sandbox"
)

// stopOnSignal stops the sandbox servers this process started when the
// user presses Ctrl-C or the process is told to stop, then exits the way
// a shell expects (128+signal).
func stopOnSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		sig := <-ch
		fmt.Fprintln(os.Stderr, "luascope: interrupted; a script that was running goes on on the server until it ends (SCRIPT KILL stops it)")
		sandbox.StopAll()
		code := 130
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
}
