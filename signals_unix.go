//go:build unix

package main

import (
	"bytes"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"golang.org/x/sys/unix"
)

// tuiSuspend makes an external SIGTSTP (kill -TSTP; in raw mode Ctrl-Z
// is a key, not a signal) suspend the terminal UI as Bubble Tea's own
// Suspend does: terminal restored, process stopped, and on fg raw mode
// and the screen back. Left to the default action, the process stops
// with the terminal raw and resumes in whatever mode the shell left.
//
// Once caught, SIGTSTP stays caught: Go's runtime keeps its handler after
// signal.Reset and then drops the signal, so Bubble Tea's own SIGTSTP
// (sent to the process group once it has released the terminal) comes
// back here, and luascope stops itself with SIGSTOP instead.
type tuiSuspend struct {
	ch         chan os.Signal
	suspending atomic.Bool // a SuspendMsg is on its way or being handled; no ResumeMsg yet
}

func newTUISuspend() *tuiSuspend { return &tuiSuspend{ch: make(chan os.Signal, 1)} }

// start routes SIGTSTP into the program until stop is called. Nothing is
// caught when SIGTSTP is ignored: no job control, nothing to fg with.
func (s *tuiSuspend) start(send func(tea.Msg)) (stop func()) {
	if signal.Ignored(syscall.SIGTSTP) {
		return func() {}
	}
	quit := make(chan struct{})
	signal.Notify(s.ch, syscall.SIGTSTP)
	go func() {
		for {
			select {
			case <-s.ch:
				s.take(send)
			case <-quit:
				return
			}
		}
	}()
	return func() {
		signal.Stop(s.ch)
		close(quit)
	}
}

// take handles one SIGTSTP: the first asks the program to suspend; the
// one that follows is Bubble Tea's, once the terminal is released, and
// stops the process until a SIGCONT (fg), which Bubble Tea waits for.
// Where no shell can send that SIGCONT (an orphaned process group, as
// when tmux or ssh runs luascope itself), the kernel drops SIGTSTP, and
// luascope does too.
func (s *tuiSuspend) take(send func(tea.Msg)) {
	canStop := continuable()
	switch {
	case s.suspending.Load() && canStop:
		_ = syscall.Kill(os.Getpid(), syscall.SIGSTOP)
	case s.suspending.Load():
		// Bubble Tea asked to stop and waits for SIGCONT: resume at once.
		_ = syscall.Kill(os.Getpid(), syscall.SIGCONT)
	case canStop:
		s.suspending.Store(true)
		send(tea.SuspendMsg{})
	}
}

// filter sees every message before Bubble Tea does, so a Suspend the UI
// asks for itself is known too, and the resume that ends it.
func (s *tuiSuspend) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case tea.SuspendMsg:
		s.suspending.Store(true)
	case tea.ResumeMsg:
		s.suspending.Store(false)
	}
	return msg
}

// continuable reports whether a shell can continue luascope once it has
// stopped: an ancestor in its session but outside its process group (the
// job-control shell that started the job). Without one, the process
// group is orphaned. Ancestors past the parent are read from /proc; where
// there is none, a parent in luascope's own group counts as no shell.
func continuable() bool {
	me := os.Getpid()
	pgrp := syscall.Getpgrp()
	sid, err := unix.Getsid(me)
	if err != nil {
		return false
	}
	pid := me
	for range 64 {
		ppid := parentOf(pid, me)
		if ppid <= 1 {
			return false
		}
		pg, err := syscall.Getpgid(ppid)
		if err != nil {
			return false
		}
		if pg != pgrp {
			psid, err := unix.Getsid(ppid)
			return err == nil && psid == sid
		}
		pid = ppid
	}
	return false
}

// parentOf is pid's parent: Getppid for luascope itself, /proc for its
// ancestors, -1 when unknown.
func parentOf(pid, me int) int {
	if pid == me {
		return os.Getppid()
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	// pid (comm) state ppid …; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return -1
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return -1
	}
	return ppid
}

// previewSuspend makes a SIGTSTP that comes while the preview holds the
// terminal (luascope painted the first frame, Bubble Tea has not started:
// the server is still being dialled or the sandbox started) do what it
// does in the UI: the terminal back to the shell (normal screen, cooked
// mode), the process stopped, and on fg the frame and the held keys back.
// Left to the default action, the job would stop on the alternate screen
// with the terminal raw. stop ends it when Bubble Tea takes the terminal
// (tuiSuspend then takes SIGTSTP) or the start fails.
func previewSuspend(t *paintedTerm) (stop func()) {
	if signal.Ignored(syscall.SIGTSTP) {
		return func() {}
	}
	ch := make(chan os.Signal, 1)
	quit := make(chan struct{})
	signal.Notify(ch, syscall.SIGTSTP)
	go func() {
		for {
			select {
			case <-ch:
				if !continuable() {
					continue // nobody could fg it: the kernel would drop it too
				}
				if t.suspend() {
					// SIGSTOP returns before every thread has stopped: the
					// frame is drawn again only once fg sends SIGCONT.
					cont := make(chan os.Signal, 1)
					signal.Notify(cont, syscall.SIGCONT)
					_ = syscall.Kill(os.Getpid(), syscall.SIGSTOP)
					<-cont
					signal.Stop(cont)
					t.resume()
				}
			case <-quit:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(quit)
	}
}
