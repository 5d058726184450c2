package ui

import (
	"fmt"
	"runtime/debug"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/ui/editor"
)

// Rescue is what must outlive the UI when it ends badly (a bug, a signal,
// a hung-up terminal): the script's unsaved text and whether a run is in
// flight. The root keeps it current after every message, because when
// Bubble Tea catches a panic in View it returns no model at all, and a
// signal handler cannot ask the event loop for anything. Safe for use
// from any goroutine.
type Rescue struct {
	mu       sync.Mutex
	rev      uint64 // the editor revision src was copied at
	src      string
	filename string
	unsaved  bool
	running  bool
	panicked *Panic
}

// Panic is a panic the UI caught, with the stack where it happened (taken
// before unwinding, so it names the line that panicked).
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) String() string { return fmt.Sprint(p.Value) }

// Unsaved returns the script when it holds changes not written to its
// file, and that file's name ("" for a script never saved).
func (r *Rescue) Unsaved() (src, filename string, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.src, r.filename, r.unsaved
}

// Running reports whether a script run or a batch was in flight after
// the last message: only then does the server go on with a script when
// luascope stops.
func (r *Rescue) Running() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running
}

// Panicked returns the panic that ended the UI, or nil.
func (r *Rescue) Panicked() *Panic {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.panicked
}

// keep records the editor and the run state. The text is copied only when
// it changed since the last copy (Value joins every line), and for a text
// over 1 MiB only when it is at hand (editor.ValueNow: joined once typing
// pauses, for the lint and the SHA), so that a key in a 10 MB script does
// not copy 10 MB: a signal then saves the text as it was at the last
// pause, at most ~300 ms of typing older. A panic loses nothing
// (keepText). The first edit after a save is copied at once, big or not.
func (r *Rescue) keep(e *editor.Model, running bool) {
	modified, rev := e.Modified(), e.Revision()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = running
	r.unsaved = modified
	r.filename = e.Filename()
	if !modified {
		r.src, r.rev = "", 0
		return
	}
	if r.rev != rev || r.src == "" {
		src, ok := e.ValueNow()
		if !ok && r.src == "" {
			src, ok = e.Value(), true
		}
		if ok {
			r.src, r.rev = src, rev
		}
	}
}

// keepText copies the editor's text whatever its size, when it holds
// unsaved changes: at a panic, on the UI goroutine. The text is the
// editor's document as the panicking update left it (the document is
// shared by the model's copies; an edit bumps its revision last, so
// its lines are whole). A panic while joining it (a corrupted document)
// leaves the last copy.
func (r *Rescue) keepText(e *editor.Model) {
	defer func() { _ = recover() }()
	if !e.Modified() {
		return
	}
	src, rev := e.Value(), e.Revision()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.src, r.rev = src, rev
}

func (r *Rescue) setPanic(p *Panic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.panicked == nil {
		r.panicked = p
	}
}

// cmdPanickedMsg carries a panic out of a command, so that it ends the
// program through the root like a panic in Update does. Left to Bubble
// Tea, a command's panic kills the program and prints the stack into the
// alternate screen, where it is lost.
type cmdPanickedMsg struct{ p *Panic }

// crashTest, set only in builds with the crashtest tag (crashtest.go) and
// by tests, may panic on a message, or return a command that panics, so
// that tests can check what a real bug leaves behind.
var crashTest func(msg tea.Msg) tea.Cmd

// crashTestView, set like crashTest, may panic while drawing.
var crashTestView func()

// Update routes one message (update) and is the app's last line of
// defence: a panic becomes a clean quit with the panic recorded in the
// Rescue, so Bubble Tea restores the terminal and main can save the
// unsaved script and say where it is.
func (m Model) Update(msg tea.Msg) (next tea.Model, cmd tea.Cmd) {
	defer func() {
		if p := recover(); p != nil {
			// m is the model before this message; crashed copies the
			// editor's text into the Rescue (keepText).
			next, cmd = m.crashed(&Panic{Value: p, Stack: debug.Stack()})
		}
	}()
	if msg, ok := msg.(cmdPanickedMsg); ok {
		return m.crashed(msg.p)
	}
	var test tea.Cmd
	if crashTest != nil {
		test = crashTest(msg)
	}
	if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyRunes && len(k.Runes) > 1 && !k.Paste && !k.Alt {
		next, cmd = m.updateEach(k)
	} else {
		next, cmd = m.update(msg)
	}
	if nm, ok := next.(Model); ok {
		nm.rescue.keep(&nm.editor.Model, nm.running || nm.batching)
		next = nm
	}
	return next, catchPanics(tea.Batch(cmd, test))
}

// updateEach takes keys that came in one read as the keys they are, one
// at a time: Bubble Tea v1 gives the printable characters of one read as
// a single message, so "/" and the query typed quickly after it (over SSH
// they often travel in one packet) would reach the pane as one key named
// "/item-7777", which no binding matches, and the search never opens.
// A paste comes as a paste (bracketed) and is not split.
func (m Model) updateEach(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	var next tea.Model = m
	var cmds []tea.Cmd
	for _, r := range k.Runes {
		nm, ok := next.(Model)
		if !ok {
			break
		}
		var cmd tea.Cmd
		next, cmd = nm.update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		cmds = append(cmds, cmd)
	}
	return next, tea.Batch(cmds...)
}

// View draws the frame (view). A panic there is recorded and passed on:
// View cannot quit, and Bubble Tea's own recovery restores the terminal.
func (m Model) View() string {
	defer func() {
		if p := recover(); p != nil {
			m.rescue.setPanic(&Panic{Value: p, Stack: debug.Stack()})
			m.rescue.keepText(&m.editor.Model)
			panic(p)
		}
	}()
	if crashTestView != nil {
		crashTestView()
	}
	return m.view()
}

// crashed ends the program after a panic: recorded for main, then a normal
// quit, which restores the terminal.
func (m Model) crashed(p *Panic) (tea.Model, tea.Cmd) {
	m.rescue.keepText(&m.editor.Model)
	m.rescue.setPanic(p)
	m.quitting = true
	return m, tea.Quit
}

// catchPanics makes a command's panic a cmdPanickedMsg, for the commands of a
// batch too (Bubble Tea runs those in goroutines of their own).
func catchPanics(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if p := recover(); p != nil {
				msg = cmdPanickedMsg{&Panic{Value: p, Stack: debug.Stack()}}
			}
		}()
		msg = cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			guarded := make(tea.BatchMsg, len(batch))
			for i, c := range batch {
				guarded[i] = catchPanics(c)
			}
			msg = guarded
		}
		return msg
	}
}

// recoverInto is deferred by the goroutines that commands start (a run,
// a batch): their panic reaches the root as a message on ch instead of
// crashing the process with the terminal left raw.
func recoverInto(ch chan<- tea.Msg) {
	if p := recover(); p != nil {
		ch <- cmdPanickedMsg{&Panic{Value: p, Stack: debug.Stack()}}
	}
}
