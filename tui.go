package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"luascope/config"
	"luascope/examples"
	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/sandbox"
	"luascope/themes"
	"luascope/ui"
)

// tuiOpts are the flags of `luascope` without a subcommand.
type tuiOpts struct {
	conn      *connFlags
	theme     string
	strategy  string
	ro        bool
	watch     bool
	noHistory bool
	debugLog  string
	explain   bool
	noExplain bool
	example   string
	evalFile  string // --eval FILE: redis-cli's spelling of the FILE word
	debug     bool   // luascope debug: open in the debugger
	function  string // luascope debug --function: the function to debug
	mouse     bool
	noMouse   bool
}

func (o *tuiOpts) register(fs *pflag.FlagSet) {
	fs.StringVar(&o.theme, "theme", "", "theme: "+strings.Join(themes.Names(), ", ")+" (default from config, else auto)")
	fs.StringVar(&o.strategy, "strategy", "", "evalsha-load, evalsha-eval, eval or load-first (default from config, else evalsha-load)")
	fs.BoolVar(&o.ro, "ro", false, "read-only: only EVAL_RO/EVALSHA_RO/FCALL_RO; SCRIPT FLUSH/KILL, SYNC debugging and example setups refused")
	fs.BoolVar(&o.watch, "watch", false, "re-run when FILE changes on disk (keep writing in your own editor)")
	fs.BoolVar(&o.noHistory, "no-history", false, "do not record runs in the history file")
	fs.StringVar(&o.debugLog, "debug-log", "", "write every round trip (passwords masked) and the client's log to this file (never the terminal)")
	fs.BoolVar(&o.explain, "explain", false, "start in explain mode (on by default in the sandbox)")
	fs.StringVar(&o.evalFile, "eval", "", "FILE, as redis-cli --eval takes it: luascope --eval FILE KEY … , ARG …")
	fs.StringVar(&o.example, "example", "", "open an example from the gallery (see 'luascope examples'), with its keys and args; its setup runs first on a sandbox, after a yes on another server, never on production or read-only")
	fs.BoolVar(&o.noExplain, "no-explain", false, "start with explain mode off, also in the sandbox")
	fs.BoolVar(&o.mouse, "mouse", false, "take the mouse: clicks focus and select, the wheel scrolls (default: the config's mouse key, else off; shift+drag still selects text in most terminals)")
	fs.BoolVar(&o.noMouse, "no-mouse", false, "leave the mouse to the terminal, also when the config turns it on")
}

// mouseOn decides whether the UI takes the mouse: --no-mouse, then
// --mouse, then the config's mouse key; off when nothing says so, since
// capturing the mouse takes text selection away from the terminal (a
// key, an error to paste from an SSH session).
func (o *tuiOpts) mouseOn(cfg config.Config) bool {
	return !o.noMouse && (o.mouse || cfg.Mouse)
}

// programOptions are the Bubble Tea options of the UI on in and out;
// the mouse is reported (cell motion: clicks, the wheel, drags) only when
// asked for. The renderer writes a changed frame on its next tick, so the
// frame rate bounds every reaction (the first frame, a key): 120 per
// second (Bubble Tea's most) halves the 60's wait; an unchanged frame
// is not written, so an idle UI costs no more.
func programOptions(in io.Reader, out io.Writer, mouse bool, filter func(tea.Model, tea.Msg) tea.Msg) []tea.ProgramOption {
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithInput(in), tea.WithOutput(out), tea.WithoutSignalHandler(), tea.WithFilter(filter), tea.WithFPS(120)}
	if mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	return opts
}

// runTUI opens the terminal UI: `luascope [flags] [FILE [KEY ...] [, ARG ...]]`.
func (o *tuiOpts) runTUI(cmd *cobra.Command, words []string) error {
	// The collector held off first, so that it cannot shrink the stack
	// grown next: this goroutine draws the first frame, its stack grown
	// before openTUI's frame (models, options) is on it (see growStack).
	resumeGC := pauseGC()
	defer resumeGC()
	growStack()
	return o.openTUI(cmd, words, resumeGC)
}

// openTUI is runTUI on a grown stack; resumeGC turns the collector back on
// once the first frame is drawn.
func (o *tuiOpts) openTUI(cmd *cobra.Command, words []string, resumeGC func()) error {
	if o.mouse && o.noMouse {
		return usageErr("--mouse and --no-mouse do not go together")
	}
	words, err := checkDataWords(cmd, words)
	if err != nil {
		return err
	}
	if words, err = evalFileWords(cmd, o.evalFile, words, false); err != nil {
		return err
	}
	// The connection's notice goes to the status bar, not to stderr,
	// which the UI covers.
	env, err := newEnv(cmd, o.conn, envOpts{strategy: o.strategy, readOnly: o.ro, quiet: true})
	if err != nil {
		return err
	}
	theme, err := themes.Get(cmp.Or(o.theme, env.cfg.Theme, "auto"))
	if err != nil {
		return usageErr("--theme: %v", err)
	}
	theme = themes.FromEnv(theme.Name, os.Getenv)
	// Before the styles are built: they are rendered into escape
	// sequences once, for the profile set then. Then the styles are
	// built (and the terminal asked for its background) while the script
	// is read and the server dialled (tui_start.go); with no terminal
	// there is no UI to prepare, and the usage error comes below.
	var look *uiPrep
	width, height := terminalSize(cmd.OutOrStdout())
	if isTerminal(cmd.InOrStdin()) && isTerminal(cmd.OutOrStdout()) {
		lipgloss.SetColorProfile(noColorProfile(os.Getenv, lipgloss.ColorProfile()))
		look = prepareUI(cmd.OutOrStdout(), os.Getenv, theme)
	}
	defer look.wait()

	var src, filename, newFile string
	var mod time.Time
	if len(words) > 0 && words[0] != "," {
		filename = words[0]
		words = words[1:]
		s, err := readScript(filename, cmd.InOrStdin())
		switch {
		case err == nil:
			src = s
			if st, err := os.Stat(filename); err == nil {
				mod = st.ModTime()
			}
		case os.IsNotExist(unwrapAll(err)) && strings.HasSuffix(filename, ".lua"):
			newFile = "new file " + filename + ": ctrl+s creates it"
		case os.IsNotExist(unwrapAll(err)):
			return usageErr("%s: no such file, and not a command (see 'luascope --help'; a new script must end in .lua)", filename)
		default:
			return usageErr("%v", err)
		}
	} else {
		src = exampleScript
	}
	var ex *examples.Example
	if o.example != "" {
		if filename != "" {
			return usageErr("--example and a FILE do not go together")
		}
		e, err := examples.Get(o.example)
		if err != nil {
			return usageErr("--example: %v", err)
		}
		ex = &e
		src = e.Source
	}
	if o.watch && filename == "" {
		return usageErr("--watch needs a FILE")
	}
	if !isTerminal(cmd.InOrStdin()) || !isTerminal(cmd.OutOrStdout()) {
		return usageErr("the terminal UI needs a terminal; without one use 'luascope run'")
	}
	keys, args := splitKeysArgs(words)
	switch {
	case ex != nil && len(words) == 0:
		keys, args = ex.Keys, ex.Args
	case filename == "" && len(words) == 0:
		keys, args = []string{"rate:{demo}"}, []string{"5", "60"}
	}
	look.build(ui.Options{
		Source: src, Filename: filename, FileModTime: mod, Keys: keys, Args: args, Example: ex,
		Theme: theme, NoColor: os.Getenv(themes.NoColorEnv) != "", Width: width, Height: height,
	})
	if o.conn.askpass {
		// The password prompt reads the terminal too: not both at once.
		look.wait()
	}

	var debugLog io.Writer // where SIGQUIT's goroutine dump goes, when anywhere
	if o.debugLog != "" {
		f, err := tea.LogToFile(o.debugLog, "luascope")
		if err != nil {
			return usageErr("--debug-log: %v", err)
		}
		defer f.Close()
		redisx.SetDebugLog(f)
		debugLog = f
	}

	// A server that does not answer holds the handshake for up to its
	// deadline: say what it waits for (redacted), on the normal screen,
	// where it stays as a record. Then, while the handshake goes on, the
	// script is drawn (preview, tui_start.go): the first frame does not wait
	// for the server.
	dialing := make(chan previewState, 1)
	preview := func(p previewState) {
		select {
		case dialing <- p:
		default:
		}
	}
	o.conn.connecting = func(t redisx.Target) {
		wait := t.Timeout
		if wait <= 0 {
			wait = redisx.DefaultHandshakeTimeout
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "luascope: connecting to %s (gives up after %s)…\n", printable(t.String()), wait)
		preview(previewState{t, fmt.Sprintf("connecting to %s (gives up after %s)…", t.String(), wait)})
	}
	o.conn.startingSandbox = func(cluster bool) {
		what := "starting a private redis-server (the sandbox)…"
		if cluster {
			what = "starting a private cluster: 3 primaries and 3 replicas (the sandbox)…"
		}
		preview(previewState{redisx.Target{Label: "sandbox"}, what})
	}
	type connected struct {
		conn *connection
		err  error
	}
	done := make(chan connected, 1)
	go func() {
		c, err := env.connect(context.Background())
		done <- connected{c, err}
	}()
	var painted *paintedTerm // the terminal once luascope drew on it
	defer func() {
		if painted != nil {
			painted.leave()
		}
	}()
	var res connected
	select {
	case res = <-done:
	case p := <-dialing:
		look.wait()
		if f, ok := cmd.OutOrStdout().(*os.File); ok && look != nil && look.preview != nil {
			painted = newPaintedTerm(f, stdinFile(cmd))
			painted.paint(look.preview.Connecting(p.target, p.notice).View(), width, height)
		}
		resumeGC()
		res = <-done
	}
	if res.err != nil {
		return res.err
	}
	conn := res.conn
	defer conn.close()
	label, production := conn.label(), conn.production

	notice := cmp.Or(newFile, conn.notice)
	var store *history.Store
	if env.historyOn(o.noHistory) {
		if p, err := history.DefaultPath(); err == nil {
			if s, err := history.Open(p, history.Options{}); err == nil {
				store = s
			} else if painted != nil {
				// The preview is on the screen: stderr would write over it.
				if notice != "" {
					notice += "; "
				}
				notice += "history disabled: " + err.Error()
			} else {
				fmt.Fprintf(cmd.ErrOrStderr(), "luascope: history disabled: %v\n", err)
			}
		}
	}

	look.wait()
	width, height = terminalSize(cmd.OutOrStdout())
	target := conn.session.Target()
	rescue := &ui.Rescue{}
	mouse := o.mouseOn(env.cfg)
	model := ui.New(ui.Options{
		Rescue:  rescue,
		Session: conn.session, Target: target, Notice: notice, Example: ex,
		Source: src, Filename: filename, FileModTime: mod, Keys: keys, Args: args,
		Strategy: env.strategy, ReadOnly: conn.session.ReadOnly(), Production: production, Label: label, Sandbox: conn.isSandbox(),
		Debug: o.debug, Mouse: mouse, NoColor: os.Getenv(themes.NoColorEnv) != "",
		Theme: theme, History: store, Watch: o.watch, Explain: o.explain || (label == "sandbox" && !o.noExplain),
		Connect: func(t redisx.Target) (*redisx.Session, error) { return redisx.Connect(context.Background(), t) },
		Width:   width, Height: height,
		CompareServers: compareServers(env.cfg, o.conn.serverBin),
		Function:       o.function,
	})
	// The first frame is drawn before Bubble Tea's renderer would draw it
	// (tui_start.go), once a signal would find the program to stop, unless
	// the preview drew it while connecting.
	out, first := cmd.OutOrStdout(), painted == nil
	if f, ok := out.(*os.File); ok && width > 0 && height > 0 {
		if painted == nil {
			painted = newPaintedTerm(f, stdinFile(cmd))
		}
		out = painted
	}
	// Signals are routed into the program by stopOnSignal (tuiSignals),
	// not handled by Bubble Tea, whose SIGTERM is a normal quit: status 0,
	// the script lost. SIGHUP too, when an SSH connection drops, and
	// SIGQUIT, whose stack dump would land in the raw terminal. SIGTSTP
	// suspends the program the way Bubble Tea's Suspend does (tuiSuspend).
	suspend := newTUISuspend()
	p := tea.NewProgram(model, programOptions(cmd.InOrStdin(), out, mouse, suspend.filter)...)
	sigs := &tuiSignals{kill: p.Kill, rescue: rescue, sandboxed: conn.isSandbox(), debugLog: debugLog}
	signalTaker.Store(sigs)
	defer signalTaker.Store(nil)
	stopSuspend := suspend.start(p.Send)
	if painted != nil && first {
		painted.paint(model.View(), width, height)
	}
	resumeGC()
	if painted != nil {
		painted.handOver()
	}
	_, err = p.Run()
	if painted != nil {
		// Before anything is said on stderr: on the normal screen.
		painted.leave()
	}
	stopSuspend()
	return sigs.end(cmd.ErrOrStderr(), err)
}

// stdinFile is the command's input when it is a file (the terminal), else nil.
func stdinFile(cmd *cobra.Command) *os.File {
	f, _ := cmd.InOrStdin().(*os.File)
	return f
}

// isTerminal reports whether f is a terminal the UI can draw on.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		next := u.Unwrap()
		if next == nil {
			return err
		}
		err = next
	}
}

// applyNamed fills the connection flags from a named connection unless
// the user gave the flag too (flags win).
func (f *connFlags) applyNamed(fs *pflag.FlagSet, nc config.Connection) error {
	if !fs.Changed("url") && !fs.Changed("host") && !fs.Changed("port") {
		f.url = nc.URL
		_ = fs.Set("url", nc.URL)
	}
	if f.user == "" {
		f.user = nc.User
	}
	if nc.PasswordEnv != "" && !fs.Changed("pass") && !f.askpass {
		pw := os.Getenv(nc.PasswordEnv)
		if pw == "" {
			return &exitError{code: exitConnection, msg: fmt.Sprintf("connection %q reads its password from $%s, which is not set", nc.URL, nc.PasswordEnv)}
		}
		f.namedPassword = pw
	}
	if nc.Cluster {
		f.cluster = true
	}
	return nil
}

// noColorProfile keeps attributes under NO_COLOR. termenv answers
// NO_COLOR with its Ascii profile, which drops every attribute as well,
// and without reverse, bold and underline the cursor, the selection, the
// focused pane and the selected row vanish. NO_COLOR means no colour:
// the mono theme (which FromEnv picks for it) sets none, so the ANSI
// profile draws only its attributes.
func noColorProfile(getenv func(string) string, p termenv.Profile) termenv.Profile {
	if getenv(themes.NoColorEnv) != "" && p == termenv.Ascii && getenv("TERM") != "dumb" {
		return termenv.ANSI
	}
	return p
}

// compareServers is the binaries of the Compare view (alt+v): the
// config's compare_servers (~/ expanded), else what the machine has
// (sandbox.Discover), with --server-bin's binary first.
func compareServers(cfg config.Config, serverBin string) []string {
	if len(cfg.CompareServers) > 0 {
		out := make([]string, len(cfg.CompareServers))
		home, _ := os.UserHomeDir()
		for i, b := range cfg.CompareServers {
			if rest, ok := strings.CutPrefix(b, "~/"); ok && home != "" {
				b = filepath.Join(home, rest)
			}
			out[i] = b
		}
		return out
	}
	if serverBin == "" {
		return sandbox.Discover()
	}
	first, err := sandbox.LookBinary(serverBin)
	if err != nil {
		return sandbox.Discover()
	}
	if abs, err := filepath.Abs(first); err == nil {
		first = abs
	}
	out := []string{first}
	for _, b := range sandbox.Discover() {
		if !sameFile(b, first) {
			out = append(out, b)
		}
	}
	return out
}

// sameFile reports whether two paths name one file (a symlink to it, say).
func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
