package main

import (
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"golang.org/x/term"

	"luascope/redisx"
	"luascope/themes"
	"luascope/ui"
	"luascope/ui/editor"
)

// The terminal UI's start is on the path to its first frame, which the
// performance issue measures against vim: the terminal's background colour
// is asked while the server is dialled, the size is known before the model
// is built, and the first frame is drawn as soon as the model exists,
// before Bubble Tea's renderer, which writes only on its ticks (every 8 ms
// at 120 FPS), would.

// uiPrep is what prepareUI does beside the script's reading and the
// connection. A nil *uiPrep does nothing (no terminal: no UI to prepare).
type uiPrep struct {
	done chan struct{}
	// opts is the preview's options, sent once by build; closed by wait
	// when build was never called (the command ended before).
	opts      chan ui.Options
	closeOnce sync.Once
	// preview is the model of the first frame, built without a session
	// (drawn with Model.Connecting); nil when the terminal's size is not known.
	preview *ui.Model
}

// prepareUI starts, on other goroutines, what the first frame needs and
// the server does not, as soon as the theme is known: while the caller
// still reads the script and connects, it asks the terminal for its
// background colour (the auto theme and the chroma styles depend on it;
// one round trip to the terminal, over SSH a network one) and builds the
// theme's styles (ui.PrepareTheme, ~1-2 ms of lipgloss rendering); then,
// once build gives it the script, it hashes the script (for the title, on
// a goroutine of its own: the two cores share the work) and builds the
// preview's model. wait waits for all of it; it must run before anything
// is drawn and before Bubble Tea takes the terminal, whose input reader
// would otherwise get the answer as keys, and on every way out (termenv
// puts the terminal back as it was only once the answer is read). The
// colour profile must be set before. Package noquery kept Bubble Tea's
// init from asking earlier, for every command.
//
// The styles and the preview do not wait for the answer: they are built
// for the background guessDark expects, during the round trip, and built
// again only when the terminal says otherwise. Waiting for it first put
// the round trip (1.3 ms on a local terminal, more over SSH) and then the
// styles one after the other on the way to the first frame.
func prepareUI(out io.Writer, getenv func(string) string, theme themes.Theme) *uiPrep {
	ask := out == io.Writer(os.Stdout) && term.IsTerminal(int(os.Stdout.Fd())) && getenv(themes.NoColorEnv) == ""
	p := &uiPrep{done: make(chan struct{}), opts: make(chan ui.Options, 1)}
	answer := make(chan bool, 1)
	guess := guessDark(getenv)
	if ask {
		// Before the goroutines below read it; nothing else draws until wait.
		lipgloss.SetHasDarkBackground(guess)
		go func() { answer <- lipgloss.DefaultRenderer().Output().HasDarkBackground() }()
	}
	go func() {
		// Before prepare's frame (the options, a model) is on the stack.
		growStack()
		p.prepare(theme, ask, guess, answer)
	}()
	return p
}

// prepare is prepareUI's goroutine: the styles for the guess, the preview
// when build gives the options, and both again when the terminal's answer
// differs from the guess.
func (p *uiPrep) prepare(theme themes.Theme, ask, guess bool, answer <-chan bool) {
	defer close(p.done)
	// The styles on one core, the script's SHA and the preview's
	// model on the other: New waits for the editor's styles only
	// when it gets to the editor (ui.PrepareTheme, editor.NewStyles).
	styled := make(chan struct{})
	buildStyles := func() {
		styled = make(chan struct{})
		go func() {
			defer close(styled)
			growStack()
			ui.PrepareTheme(theme)
		}()
	}
	buildStyles()
	defer func() { <-styled }()
	opts, ok := <-p.opts
	var hashed chan struct{}
	if ok {
		hashed = make(chan struct{})
		go func() {
			defer close(hashed)
			editor.PrepareScript(opts.Source)
		}()
		p.buildPreview(&opts)
	}
	if ask {
		// Read even when nothing will be drawn: termenv gives the
		// terminal back its mode once the answer is read.
		if dark := <-answer; dark != guess {
			// Every style of the guess is built (none is half built
			// when the background changes under it), then the
			// terminal's are, unless nothing will be drawn.
			<-styled
			lipgloss.SetHasDarkBackground(dark)
			if ok {
				buildStyles()
				p.buildPreview(&opts)
			}
		}
	}
	if ok {
		<-hashed
	}
}

// buildPreview builds the preview's model, when the terminal's size is known.
func (p *uiPrep) buildPreview(opts *ui.Options) {
	if opts.Width > 0 && opts.Height > 0 {
		m := ui.New(*opts)
		p.preview = &m
	}
}

// guessDark is the background the styles are built for while the terminal
// is asked: dark, unless COLORFGBG (set by some terminals: "FG;BG") names
// a light background colour, judged as termenv judges the terminal's
// answer (HSL lightness under 0.5 is dark) and as it reads the variable
// when the terminal does not answer.
func guessDark(getenv func(string) string) bool {
	v := getenv("COLORFGBG")
	i := strings.LastIndexByte(v, ';')
	if i < 0 {
		return true
	}
	bg, err := strconv.Atoi(v[i+1:])
	if err != nil || bg < 0 || bg > 255 {
		return true
	}
	_, _, l := termenv.ConvertToRGB(termenv.ANSI256Color(bg)).Hsl()
	return l < 0.5
}

// build gives prepareUI the preview's options (the script read, the form's
// keys and args); it is called at most once, before wait.
func (p *uiPrep) build(opts ui.Options) {
	if p == nil {
		return
	}
	p.closeOnce.Do(func() {
		p.opts <- opts
		close(p.opts)
	})
}

// wait waits for prepareUI's work; it may be called any number of times.
// Called before build, it ends the work without a preview.
func (p *uiPrep) wait() {
	if p == nil {
		return
	}
	p.closeOnce.Do(func() { close(p.opts) })
	<-p.done
}

// startMemoryLimit bounds the heap while pauseGC holds the collector off:
// past it the runtime collects anyway. The start of a 10 MB script (the
// largest the UI opens) stays well under it.
const startMemoryLimit = 512 << 20

// pauseGC holds the garbage collector off until the first frame is on the
// screen, and returns what turns it back on as it was (called once or
// more). The start allocates a few MB (the script, its lines, the styles,
// the first frame), which with the runtime's 4 MB first goal meant two
// collections on the way to the first frame, their marking taking a core
// of the two from the work the frame waits for. What the start leaves is
// collected at the next cycle as usual. A memory limit set lower
// (GOMEMLIMIT) is kept.
func pauseGC() (resume func()) {
	oldPercent := debug.SetGCPercent(-1)
	oldLimit := debug.SetMemoryLimit(-1)
	debug.SetMemoryLimit(min(oldLimit, startMemoryLimit))
	var once sync.Once
	return func() {
		once.Do(func() {
			debug.SetMemoryLimit(oldLimit)
			debug.SetGCPercent(oldPercent)
		})
	}
}

// growStack grows the calling goroutine's stack to 256 KB in one step,
// while it is shallow (the styles' goroutine needs 128 KB). The UI's model is a ~7 KB value that Bubble Tea's
// value-receiver methods (Update, View) and the panes' copy onto the
// stack, several deep: New and the first View reach 40-65 KB of stack,
// and New's frame alone is 42 KB. The goroutines that build and draw the
// first frame grew their 8 KB stacks by doubling, each step a copy of the
// whole stack and a walk over its frames (with the model at 33 KB, five
// steps, ~1 ms of a cold start, measured with a runtime that logs each
// growth); one step from a shallow stack copies almost nothing, and the
// stack's pages are touched only as it is used. The collector may shrink
// it again later, when it no longer matters.
func growStack() { growFrame(stackNever) }

// stackNever is never set: growFrame's arrays exist in its frame, which
// the stack must hold before it runs, but are never zeroed or touched.
var stackNever bool

// growFrame's frame is ~200 KB: two arrays, each under the compiler's
// limit for a variable on the stack (128 KB; one larger array would be
// on the heap, as an earlier growStack's was, growing nothing).
//
//go:noinline
func growFrame(touch bool) {
	if touch {
		var a, b [100 << 10]byte
		keepFrame(a[:], b[:])
	}
}

// keepFrame keeps the arrays (and so the frame's size) from being
// optimised away; it does not keep them, so they stay on the stack.
//
//go:noinline
func keepFrame(bs ...[]byte) {
	for _, b := range bs {
		b[0]++
	}
}

// terminalSize is out's size when out is a terminal, else zeros (the UI
// then waits for Bubble Tea's first WindowSizeMsg, as before).
func terminalSize(out io.Writer) (w, h int) {
	f, ok := out.(*os.File)
	if !ok {
		return 0, 0
	}
	w, h, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0, 0
	}
	return w, h
}

// paintedTerm is the terminal after luascope drew the first frame itself
// (paint), handed to Bubble Tea as its output. Bubble Tea's start enters
// the alternate screen and erases it, then draws on its first tick: the
// erase would blank the frame already shown for those milliseconds, so
// the one erase that comes with entering is dropped — the renderer's
// first flush rewrites every line whole, and erases below the last.
// It also remembers whether the alternate screen is on, so that a start
// that fails after the paint does not leave the user on it (leave).
type paintedTerm struct {
	*os.File // Read, Fd and Close for Bubble Tea's terminal handling

	in        *os.File // the terminal's input, whose keys wait while the preview shows
	mu        sync.Mutex
	dropErase bool               // the next write of a lone erase is the start's
	alt       bool               // the alternate screen is on, as last written
	release   func(discard bool) // gives the held input back its state (holdKeys); nil when not held
	frame     string             // the last paint, to draw again after a suspend
	handed    bool               // Bubble Tea has the terminal (or the start ended)
	stopTSTP  func()             // ends previewSuspend; nil before the first paint
}

// newPaintedTerm wraps f; until it is painted, it passes every write.
// While it is on the alternate screen a signal that ends the process
// before the UI runs (the UI's own signal handling starts with it) first
// takes the user back to the normal screen (restoreScreen).
func newPaintedTerm(f, in *os.File) *paintedTerm {
	t := &paintedTerm{File: f, in: in}
	leave := t.leave
	restoreScreen.Store(&leave)
	return t
}

// restoreScreen is what the signal handler calls before it exits the
// process while no UI takes the signal (signals.go).
var restoreScreen atomic.Pointer[func()]

// previewState is what the first frame says while the connection is
// being made (dialling, or starting the sandbox): the target as far as it
// is known, and the status. The preview's model has no session, it is
// only drawn; the program proper starts with a new one once connected,
// and its first frame replaces this one.
type previewState struct {
	target redisx.Target
	notice string
}

// paint enters the alternate screen and draws frame as Bubble Tea's first
// flush would (lines cut to width, each erased to its end, the rest of the
// screen erased), with the cursor hidden.
func (t *paintedTerm) paint(frame string, w, h int) {
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		lines = lines[len(lines)-h:]
	}
	var b strings.Builder
	b.WriteString(ansi.SetModeAltScreenSaveCursor + ansi.HideCursor + ansi.CursorHomePosition)
	for i, line := range lines {
		// The model draws lines of the width it was given: measured once,
		// cut only when the terminal is narrower (resized meanwhile).
		lw := ui.FrameWidth(line)
		if lw > w {
			line, lw = ansi.Truncate(line, w, ""), w
		}
		b.WriteString(line)
		if lw < w {
			b.WriteString(ansi.EraseLineRight)
		}
		if i < len(lines)-1 {
			b.WriteString("\r\n")
		}
	}
	b.WriteString(ansi.EraseScreenBelow)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.dropErase, t.alt = true, true
	if t.release == nil && t.in != nil {
		// What the user types now goes to the UI once it runs.
		t.release = holdKeys(t.in)
	}
	t.frame = b.String()
	if t.stopTSTP == nil && !t.handed {
		t.stopTSTP = previewSuspend(t)
	}
	_, _ = t.File.WriteString(t.frame)
}

// suspend gives the shell its terminal back before a SIGTSTP stops the
// process during the preview; false when Bubble Tea has it already.
func (t *paintedTerm) suspend() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.handed {
		return false
	}
	t.releaseKeys(false)
	if t.alt {
		_, _ = t.File.WriteString(ansi.ResetModeAltScreenSaveCursor + ansi.ShowCursor)
	}
	return true
}

// resume draws the preview again after fg and holds the keys again.
func (t *paintedTerm) resume() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.handed {
		return
	}
	if t.in != nil {
		t.release = holdKeys(t.in)
	}
	if t.alt {
		_, _ = t.File.WriteString(t.frame)
	}
}

// endPreview stops taking SIGTSTP for the preview (t.mu held).
func (t *paintedTerm) endPreview() {
	t.handed = true
	if t.stopTSTP != nil {
		t.stopTSTP()
		t.stopTSTP = nil
	}
}

// handOver gives the terminal's input its own state back, just before
// Bubble Tea takes the terminal (it keeps the state it finds, to restore).
func (t *paintedTerm) handOver() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endPreview()
	t.releaseKeys(false)
}

// releaseKeys gives the terminal's input its state back (t.mu held),
// dropping the keys typed meanwhile when discard is set.
func (t *paintedTerm) releaseKeys(discard bool) {
	if t.release != nil {
		t.release(discard)
		t.release = nil
	}
}

// Write passes p to the terminal but for the start's erase.
func (t *paintedTerm) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(p)
	if t.dropErase && s == ansi.EraseEntireScreen {
		t.dropErase = false
		return len(p), nil
	}
	if strings.Contains(s, ansi.ResetModeAltScreenSaveCursor) {
		t.alt = false
	}
	if strings.Contains(s, ansi.SetModeAltScreenSaveCursor) {
		t.alt = true
	}
	if len(s) > len(ansi.CursorHomePosition) && strings.HasPrefix(s, ansi.CursorHomePosition) {
		// A frame was drawn: a later erase (ctrl+l) is the user's.
		t.dropErase = false
	}
	return t.File.Write(p)
}

// WriteString is Write: without it the embedded file's WriteString would
// take io.WriteString's writes past the filter.
func (t *paintedTerm) WriteString(s string) (int, error) { return t.Write([]byte(s)) }

// leave returns to the normal screen with the cursor shown when the
// program ended on the alternate screen (it failed to start after the
// paint, or stopped without restoring the terminal), and drops the keys
// still held for the UI: typed for the editor, not for the shell.
func (t *paintedTerm) leave() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endPreview()
	// Still held: the UI never took the keys typed for it; they are not
	// for the shell that comes back.
	t.releaseKeys(true)
	if t.alt {
		_, _ = t.File.WriteString(ansi.ResetModeAltScreenSaveCursor + ansi.ShowCursor)
		t.alt = false
	}
}
