package ui

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"luascope/examples"
	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/lint"
	"luascope/redisx/resp"
	"luascope/themes"
	"luascope/ui/editor"
)

// Options is everything the app needs to start; main builds it from flags
// and the config file. The session is already connected, so a wrong
// password ends the program with one clear line before the UI starts.
type Options struct {
	Session  *redisx.Session
	Target   redisx.Target // as the user gave it, for reconnecting (e.g. RESP2↔3)
	Notice   string        // said in the status bar at start, e.g. the sandbox notice
	Source   string
	Filename string
	// FileModTime is Filename's modification time when it was read, so a
	// save can tell that another program changed the file meanwhile.
	FileModTime time.Time
	Keys        []string
	Args        []string
	Strategy    redisx.Strategy
	ReadOnly    bool
	// Production makes the app ask before every run that may write.
	Production bool
	// Sandbox says the server is a private one luascope started for this
	// session, the only place an example's setup (DEL and writes) runs
	// unasked. The label cannot say it: a config may name anything
	// "sandbox".
	Sandbox bool
	Label   string
	Theme   themes.Theme
	// NoColor is NO_COLOR being set: F12 keeps the mono theme, since a
	// colour theme under the ANSI profile would bring colour back.
	NoColor bool
	History *history.Store // nil: runs are not recorded
	Watch   bool           // re-run when Filename changes on disk
	// Connect dials a new session; used to switch RESP2/RESP3.
	Connect func(t redisx.Target) (*redisx.Session, error)
	// Explain starts with explain mode on (the sandbox's default).
	Explain bool
	// Debug opens straight in the debugger (luascope debug).
	Debug bool
	// Rescue, when set, is kept current with the unsaved script and the
	// run state, for main to use when the UI ends badly.
	Rescue *Rescue
	// Width and Height are the terminal's size when the caller knows it
	// before the program starts: the first View is then the whole frame,
	// instead of an empty one until Bubble Tea's first WindowSizeMsg.
	Width, Height int
	// Example, when set, is a gallery example to open with its keys and
	// args; its setup runs at start on a sandbox, after a yes elsewhere,
	// never on production or read-only connections.
	Example *examples.Example
	// Mouse says the program reports the mouse (tea.WithMouseCellMotion):
	// clicks focus and select, the wheel scrolls (see mouse.go). Off, the
	// terminal keeps its own text selection.
	Mouse bool
	// CompareServers are the server binaries the Compare view (alt+v)
	// starts a sandbox of each: the config's compare_servers, else what
	// sandbox.Discover found when the program started (main looks, so
	// that no key does file-system work on the UI goroutine).
	CompareServers []string
	// Function starts in function mode: ctrl+r calls FCALL Function and
	// F9 debugs it in the library the editor holds (luascope debug
	// --library FILE --function NAME).
	Function string
}

// cacheState is what the app knows about the current SHA on the server.
type cacheState int

const (
	cacheUnknown cacheState = iota
	cacheHeld
	cacheMissing
)

// Model is the root of the TUI. It owns the panes, routes keys to the
// focused one and results to the pane they belong to, and runs every
// Redis or file call as a tea.Cmd.
type Model struct {
	c    *Common
	st   *appStyles
	opts Options

	session *redisx.Session
	target  redisx.Target

	editor editorPane
	form   Form
	tree   Tree
	trace  Trace
	errp   ErrPanel
	hist   HistoryPane
	clus   ClusterPane
	fns    FunctionsPane

	spin  spinner.Model
	focus paneID
	zoom  bool
	aux   paneID // the wide layout's middle-right pane: trace, history or cluster
	w, h  int

	strategy redisx.Strategy
	readOnly bool
	explain  bool

	running bool
	// busyKill is "SCRIPT KILL" or "FUNCTION KILL" after a run answered
	// BUSY: another client's script holds the server, and ctrl+k offers
	// the kill the BUSY text names.
	busyKill string
	busyWhat string // what the busy node runs, printable (busyProbed)
	busyFn   string // the function it runs, as FUNCTION STATS names it
	busyNode string // the node that answered BUSY: the one ctrl+k's kill goes to
	runNode  string // the node the running script runs on, as last known (runNodeAfter)
	runKill  string // the kill that stops it: SCRIPT KILL, or FUNCTION KILL for FCALL
	busyLib  string // where that function's library was read, printable (busyLibrary)
	runSeq   int
	runStart time.Time
	runCh    chan tea.Msg
	// runRev is the editor's revision the run in flight was built from,
	// for the SHA the run hashes (finishRun).
	runRev uint64
	cache  cacheState

	status    string
	statusErr bool
	// msgs keeps every status message for the Messages key (alt+m).
	msgs *msgLog
	// wrapped keeps the explain wrapper's SHA for sentSHANow; never nil.
	wrapped *wrappedSHA

	// overlays are the open modal layers (help, dialogs, prompts, the
	// debugger, the gallery, a batch report), the top one getting keys.
	overlays stack

	changes    <-chan fileChangedMsg // --watch: the file's changes
	quitting   bool
	function   string         // Functions: ctrl+r calls FCALL function instead of the script
	batching   bool           // a batch is running
	batchCh    chan tea.Msg   // its progress and report
	lintRev    uint64         // editor revision the findings are for
	guardRev   uint64         // editor revision being checked before a protected run (0: none)
	findings   []lint.Finding // the editor's lint findings
	lintOpt    lint.Options   // the options findings were made with
	runOn      string         // cluster: the node keyless scripts run on ("" = seed)
	fileMod    time.Time      // Filename's mtime when last read or written
	cacheAsked bool           // the user pressed F2: say the answer
	rescue     *Rescue        // shared with main: never nil
	// example is the gallery example last opened (or --example), whose
	// setup the Compare view runs on each sandbox; nil after ctrl+o.
	example *examples.Example
	// exampleUser is the connection as the ACL user an example runs as
	// (examples.AsUser, opened after its setup created the user), for the
	// runs while that example is open; nil for every other example.
	// Dropped whenever example changes (dropExampleUser).
	exampleUser *redisx.Session
}

// PrepareTheme builds ahead, on any goroutine, the part of New's work
// that depends only on the theme: the editor's styles for t (~1-2 ms of
// lipgloss rendering, kept per theme, profile and background). The
// terminal UI calls it while it reads the script and connects, once the
// colour profile and the background are settled, so that the first frame
// does not wait for it; with editor.PrepareScript (the SHA the title
// shows) that is all of the first frame's work that needs no server. New
// works the same without it.
func PrepareTheme(t themes.Theme) {
	// In the order New and the first View ask for them (the editor's
	// first: New splits the script, then waits for them): New waits for
	// styles another goroutine is still building, not longer.
	editor.NewStyles(t)
	appStylesOf.get(t)
	formStylesOf.get(t)
	histStylesOf.get(t)
	clusterStylesOf.get(t)
	fnStylesOf.get(t)
	treeStylesOf.get(t)
	traceStylesOf.get(t)
}

// Connecting is the model drawn while the connection to t is being made
// (the terminal UI's first frame, before the handshake is done): t's
// address, label and read-only badge in the status bar, with notice. A
// model without a session is only for drawing.
func (m Model) Connecting(t redisx.Target, notice string) Model {
	m.target = t
	m.opts.Label = t.Label
	m.readOnly = m.readOnly || t.ReadOnly
	m.status = notice
	return m
}

// New builds the app. It does no I/O: Init starts what must happen first.
func New(opts Options) Model {
	if opts.Strategy == "" {
		opts.Strategy = redisx.EvalshaLoad
	}
	c := &Common{Theme: opts.Theme, Keys: DefaultKeyMap()}
	// The script first: at start the styles may still be in the making on
	// another goroutine (tui_start.go, PrepareTheme), and splitting the
	// script into lines (0.5-1 ms for 10,000 lines, cold) need not wait
	// for them; the editor then waits for its styles, the panes for theirs.
	ed := editor.NewWithText(c.Theme, opts.Source)
	m := Model{
		c: c, st: newAppStyles(opts.Theme), opts: opts,
		session: opts.Session, target: opts.Target,
		form: NewForm(c), tree: NewTree(c), trace: NewTrace(c), errp: NewErrPanel(c),
		hist:     NewHistoryPane(c),
		clus:     NewClusterPane(c),
		fns:      NewFunctionsPane(c),
		aux:      paneTrace,
		strategy: opts.Strategy, readOnly: opts.ReadOnly || opts.Target.ReadOnly, explain: opts.Explain,
		status:  opts.Notice,
		msgs:    &msgLog{},
		wrapped: &wrappedSHA{},
	}
	m.msgs.add(sanitize(opts.Notice), false, time.Now())
	m.spin = spinner.New(spinner.WithSpinner(spinner.Dot))
	m.rescue = opts.Rescue
	if m.rescue == nil {
		m.rescue = &Rescue{}
	}
	m.editor = editorPane{ed}
	m.editor.SetFilename(opts.Filename)
	m.fileMod = opts.FileModTime
	m.form.SetValues(opts.Keys, opts.Args)
	if m.session != nil {
		m.tree.SetProtocol(m.session.Info().Protocol)
		m.session.SetReadOnly(m.readOnly)
		m.form.SetCluster(m.session.Info().Mode == "cluster")
	}
	m.syncClusterKeys()
	m.example = opts.Example
	m.function = opts.Function
	m.editor.Focus()
	if opts.Width > 0 && opts.Height > 0 {
		m.w, m.h = opts.Width, opts.Height
		m.resize()
	}
	if ex := opts.Example; ex != nil && m.session != nil && m.setupPlan(*ex) != setupRun {
		// Asking or saying why not is state; Init starts what runs unasked.
		m, _ = m.offerExampleSetup(*ex)
	}
	return m
}

// Init checks the script cache for the opened script and starts watching.
// The first lint waits for the first frames (lintSoon): linting 10,000
// lines allocates ~100 MB, and its garbage collection would slow the
// drawing of the first frame on a 2-core machine.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.checkCache(), m.lintSoon()}
	if ex := m.opts.Example; ex != nil && m.session != nil && m.setupPlan(*ex) == setupRun {
		cmds = append(cmds, exampleSetupCmd(m.session, *ex))
	}
	if m.opts.Debug {
		cmds = append(cmds, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyF9} })
	}
	if m.opts.Watch && m.opts.Filename != "" {
		cmds = append(cmds, startWatchCmd(m.opts.Filename))
	}
	if m.opts.History != nil {
		cmds = append(cmds, loadHistoryCmd(m.opts.History))
	}
	return catchPanics(tea.Batch(cmds...))
}

// refreshCluster asks for the nodes and for each node's script cache.
func (m Model) refreshCluster() tea.Cmd {
	return m.refreshClusterFor(m.sentSHAJob())
}

// refreshClusterFor is refreshCluster with the script's SHA from job.
func (m Model) refreshClusterFor(job shaJob) tea.Cmd {
	if !m.isCluster() {
		return nil
	}
	return tea.Batch(topologyCmd(m.session), nodeCacheCmd(m.session, job))
}

// pane returns the focused pane through the shared interface.
func (m *Model) pane(id paneID) Pane {
	switch id {
	case paneEditor:
		return &m.editor
	case paneForm:
		return &m.form
	case paneResult:
		return &m.tree
	case paneTrace:
		return &m.trace
	case paneError:
		return &m.errp
	case paneHistory:
		return &m.hist
	case paneCluster:
		return &m.clus
	case paneFunctions:
		return &m.fns
	}
	return &m.editor
}

// setFocus focuses a pane; history and cluster take the trace's place in
// the wide layout when focused.
func (m *Model) setFocus(id paneID) {
	if id == paneCluster && !m.isCluster() {
		id = paneEditor
	}
	if id == paneTrace || id == paneHistory || id == paneCluster || id == paneFunctions {
		m.aux = id
	}
	m.pane(m.focus).Blur()
	m.focus = id
	m.pane(id).Focus()
}

func (m *Model) isCluster() bool {
	return m.session != nil && m.session.Info().Mode == "cluster"
}

// order is the tab order of the panes shown now: in tabs every pane, in
// the wide layout the five on screen.
func (m *Model) order() []paneID {
	if m.isTabs() || m.zoom {
		ids := []paneID{paneEditor, paneForm, paneResult, paneTrace, paneError, paneHistory, paneFunctions}
		if m.isCluster() {
			ids = append(ids, paneCluster)
		}
		return ids
	}
	return []paneID{paneEditor, paneForm, paneResult, m.aux, paneError}
}

func (m *Model) cycleFocus(d int) {
	ids := m.order()
	i := 0
	for j, id := range ids {
		if id == m.focus {
			i = j
		}
	}
	m.setFocus(ids[(i+d+len(ids))%len(ids)])
}

func (m *Model) isTabs() bool {
	return layout(m.w, m.h, m.layoutState()).tabs
}

func (m *Model) layoutState() layoutState {
	return layoutState{focus: m.focus, zoom: m.zoom, aux: m.aux, helpLines: 1}
}

// resize gives every pane its inner size from the layout.
func (m *Model) resize() {
	l := layout(m.w, m.h, m.layoutState())
	for id := paneID(0); id < paneCount; id++ {
		r, ok := l.panes[id]
		if !ok {
			// Hidden panes (tabs) get the size they would have when shown.
			r = rect{W: m.w, H: max(3, m.h-3)}
			if !l.tabs && !m.zoom {
				continue
			}
		}
		m.pane(id).SetSize(max(0, r.W-2), max(0, r.H-2))
	}
}

func (m *Model) setStatus(msg string, isErr bool) {
	m.status, m.statusErr = sanitize(msg), isErr
	if m.msgs != nil {
		m.msgs.add(m.status, isErr, time.Now())
	}
}

// sanitizeLines keeps at most n lines of a text, each made safe.
func sanitizeLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if n > 0 && len(lines) > n {
		lines = append(lines[:n-1], fmt.Sprintf("… %d more lines (luascope batch prints them all)", len(lines)-n+1))
	}
	for i, l := range lines {
		lines[i] = sanitize(l)
	}
	return strings.Join(lines, "\n")
}

// sanitize keeps a message to one line that is safe for the terminal:
// control bytes, invalid UTF-8 and invisible characters escaped (a file
// name can hold an escape sequence), backslashes and quotes left alone so
// luascope's own messages read naturally.
func sanitize(s string) string {
	return resp.Printable(strings.ReplaceAll(s, "\n", " "))
}

// update routes messages, as soft-serve's root does: the window size to
// every pane; a key to the top overlay, else the global bindings, else
// the focused pane (handleKey); a mouse press by where it lands
// (updateMouse); a rootMsg to the root itself; each result
// to the handler of its concern (updateRun, updateScript, updateServer,
// updateDebugger); anything else to the focused pane.
func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		return m.updateMouse(msg)
	case tea.ResumeMsg:
		return m, m.mouseBack()
	case externalEditedMsg:
		// Back from $EDITOR, whose terminal hand-over turned the mouse off.
		mm, cmd := m.updateScript(msg)
		return mm, tea.Batch(cmd, m.mouseBack())
	case rootMsg:
		return msg.apply(m)
	case spinner.TickMsg:
		if !m.running {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case runStartedMsg, stepTracedMsg, runFinishedMsg, cacheCheckedMsg, adminDoneMsg, sessionReadyMsg, batchStartedMsg, batchProgressedMsg, batchFinishedMsg:
		return m.updateRun(msg)
	case fileLoadedMsg, fileSavedMsg, fileChangedMsg, lintDueMsg, lintDoneMsg, scriptHashedMsg, JumpToLineMsg, loadEntryMsg, exampleLoadedMsg, valueCopiedMsg, editor.ClipboardWrittenMsg:
		return m.updateScript(msg)
	case topologyLoadedMsg:
		_, cmd := m.clus.Update(msg)
		return m, cmd
	case librariesLoadedMsg:
		_, cmd := m.fns.Update(msg)
		return m, cmd
	case historyLoadedMsg, historyAppendedMsg:
		_, cmd := m.hist.Update(msg)
		return m, cmd
	case refreshClusterMsg, nodeCacheLoadedMsg, runOnNodeMsg, refreshLibrariesMsg, libraryOpenedMsg, functionPickedMsg, scriptModeMsg, libraryLoadMsg, loadAllMsg:
		return m.updateServer(msg)
	case debugStartedMsg, debugEventMsg, debugVarsMsg:
		return m.updateDebugger(msg)
	case compareStartedMsg, compareServerMsg, compareFinishedMsg:
		return m.updateCompare(msg)
	case testsFinishedMsg:
		return m.updateTests(msg)
	case busyProbedMsg:
		return m.busyProbed(msg)
	case busyLibraryMsg:
		return m.busyLibrary(msg)
	case healthLoadedMsg:
		if msg.err != nil {
			m.setStatus("script cache and Functions: "+msg.err.Error(), true)
			return m, nil
		}
		m.setStatus("", false)
		m.overlays.push(&detailView{doc: healthDoc(msg)})
		return m, nil
	}
	// Anything else (cursor blinks, pane-internal messages) goes to the focused pane.
	return m.updateFocused(msg)
}

func (m Model) updateFocused(msg tea.Msg) (tea.Model, tea.Cmd) {
	before, keysBefore := m.editor.Revision(), m.form.NumKeys()
	// The pane changes in place (it is one of m's fields).
	_, cmd := m.pane(m.focus).Update(msg)
	switch {
	case m.editor.Revision() != before:
		m.cache = cacheUnknown
		cmd = tea.Batch(cmd, m.lintSoon())
	case m.focus == paneForm:
		m.syncClusterKeys()
		if m.form.NumKeys() != keysBefore {
			cmd = tea.Batch(cmd, m.lintNow()) // KEYS[n] findings depend on numkeys
		}
	}
	return m, cmd
}

// syncClusterKeys tells the cluster view where the form's keys go.
func (m *Model) syncClusterKeys() {
	if !m.isCluster() {
		return
	}
	keys, _, err := m.form.Values()
	if err != nil {
		keys = nil
	}
	m.clus.SetKeys(keys, m.session.Target().Addr, m.runOn)
}

func (m *Model) applyTheme(t themes.Theme) {
	m.c.Theme = t
	m.editor.SetTheme(t)
	m.st = newAppStyles(t)
	m.form.SetTheme(m.c)
	// The tree, trace and error panes rebuild their styles when they see
	// Common.Theme change.
	m.hist.SetTheme(m.c)
	m.clus.SetTheme(m.c)
	m.fns.SetTheme(m.c)
	if d := m.dbg(); d != nil {
		d.st = newDebugStyles(m.c)
	}
}

// History keeps replies as one-line summaries of at most these runes
// (resp.Summary), so that an entry stays one small line.
const (
	historyReplyRunes     = 120
	historyStepReplyRunes = 80
)

// storedCut reports whether a summary made with resp.Summary(v, limit)
// was cut: it ends near the limit with the "…" Summary puts at a cut
// (a cut backs off before an escape sequence of up to 10 runes).
func storedCut(summary string, limit int) bool {
	return strings.Contains(summary, "…") && utf8.RuneCountInString(summary) > limit-12
}

// HistoryEntry is the history record of a run, the same for the TUI and
// `luascope run`; the target is redacted by Target.String.
func HistoryEntry(s *redisx.Session, label string, call redisx.Call, res redisx.Result) history.Entry {
	e := history.Entry{
		Time:     time.Now(),
		Target:   s.Target().String(),
		SHA:      res.SHA,
		Source:   call.Script.Source,
		Function: call.Function,
		Keys:     call.Keys,
		Args:     call.Args,
		Strategy: string(res.Strategy),
		ReadOnly: call.ReadOnly || s.ReadOnly(),
		Micros:   res.Duration.Microseconds(),
		Label:    label,
	}
	for _, st := range res.Steps {
		hs := history.Step{Command: st.Command, Node: st.Node, Outcome: string(st.Outcome), Micros: st.Dur.Microseconds()}
		if st.Reply != nil {
			hs.Reply = resp.Summary(*st.Reply, historyStepReplyRunes)
		} else {
			hs.Reply = st.Err
		}
		e.Steps = append(e.Steps, hs)
	}
	if res.Reply != nil {
		e.Reply = resp.Summary(*res.Reply, historyReplyRunes)
	}
	if res.Error != nil {
		e.ErrorClass = string(res.Error.Class)
		e.Error = res.Error.Message
	}
	return e
}

// readOnlySyncRefusal says why read-only has no SYNC debugging, and what
// it has instead.
const readOnlySyncRefusal = "read-only refused SCRIPT DEBUG SYNC: the server itself would run the script and keep its writes; F9 debugs forked (EVAL_RO, changes rolled back)"
