package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/examples"
	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/explain"
	"luascope/redisx/ldb"
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
	// Example, when set, is a gallery example to open with its keys and
	// args; its setup runs at start on a sandbox, after a yes elsewhere,
	// never on production or read-only connections.
	Example *examples.Example
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
	st   appStyles
	opts Options

	session *redisx.Session
	target  redisx.Target

	editor editor.Model
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
	runSeq   int
	runStart time.Time
	runCh    chan tea.Msg
	lastSHA  string
	// lastSentSHA is what the last run cached (the wrapper's in explain mode).
	lastSentSHA string
	cache       cacheState

	status    string
	statusErr bool

	// overlays are the open modal layers (help, dialogs, prompts, the
	// debugger, the gallery, a batch report), the top one getting keys.
	overlays stack

	watchGen   int
	quitting   bool
	function   string         // Functions: ctrl+r calls FCALL function instead of the script
	batching   bool           // a batch is running
	batchCh    chan tea.Msg   // its progress and report
	lintRev    uint64         // editor revision the findings are for
	findings   []lint.Finding // the editor's lint findings
	runOn      string         // cluster: the node keyless scripts run on ("" = seed)
	fileMod    time.Time      // Filename's mtime when last read or written
	cacheAsked bool           // the user pressed F2: say the answer
	rescue     *Rescue        // shared with main: never nil
}

// New builds the app. It does no I/O: Init starts what must happen first.
func New(opts Options) Model {
	if opts.Strategy == "" {
		opts.Strategy = redisx.EvalshaLoad
	}
	c := &Common{Theme: opts.Theme, Keys: DefaultKeyMap()}
	m := Model{
		c: c, st: newAppStyles(opts.Theme), opts: opts,
		session: opts.Session, target: opts.Target,
		editor: editor.New(c.Theme), form: NewForm(c), tree: NewTree(c), trace: NewTrace(c), errp: NewErrPanel(c),
		hist:     NewHistoryPane(c),
		clus:     NewClusterPane(c),
		fns:      NewFunctionsPane(c),
		aux:      paneTrace,
		strategy: opts.Strategy, readOnly: opts.ReadOnly || opts.Target.ReadOnly, explain: opts.Explain,
		status: opts.Notice,
	}
	m.spin = spinner.New(spinner.WithSpinner(spinner.Dot))
	m.rescue = opts.Rescue
	if m.rescue == nil {
		m.rescue = &Rescue{}
	}
	m.editor.SetValue(opts.Source)
	m.editor.SetFilename(opts.Filename)
	m.fileMod = opts.FileModTime
	m.form.SetValues(opts.Keys, opts.Args)
	if m.session != nil {
		m.tree.SetProtocol(m.session.Info().Protocol)
		m.session.SetReadOnly(m.readOnly)
		m.form.SetCluster(m.session.Info().Mode == "cluster")
	}
	m.syncClusterKeys()
	m.editor.Focus()
	if ex := opts.Example; ex != nil && m.session != nil && m.setupPlan(*ex) != setupRun {
		// Asking or saying why not is state; Init starts what runs unasked.
		m, _ = m.offerExampleSetup(*ex)
	}
	return m
}

// Init checks the script cache for the opened script and starts watching.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.checkCache(), m.lintNow()}
	if ex := m.opts.Example; ex != nil && m.session != nil && m.setupPlan(*ex) == setupRun {
		cmds = append(cmds, exampleSetupCmd(m.session, *ex))
	}
	if m.opts.Debug {
		cmds = append(cmds, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyF9} })
	}
	if m.opts.Watch && m.opts.Filename != "" {
		cmds = append(cmds, watchFileCmd(m.opts.Filename, m.watchGen))
	}
	if m.opts.History != nil {
		cmds = append(cmds, loadHistoryCmd(m.opts.History))
	}
	return catchPanics(tea.Batch(cmds...))
}

// refreshCluster asks for the nodes and for each node's script cache.
func (m Model) refreshCluster() tea.Cmd {
	if !m.isCluster() {
		return nil
	}
	return tea.Batch(topologyCmd(m.session), nodeCacheCmd(m.session, redisx.SHA1(m.sentSource())))
}

// sentSource is what a run sends: in explain mode the wrapped script,
// whose SHA is the one the cache state, SCRIPT LOAD and "load on all
// primaries" must be about.
func (m Model) sentSource() string {
	if m.explain && m.function == "" {
		return explain.Wrap(m.editor.Value())
	}
	return m.editor.Value()
}

func (m Model) checkCache() tea.Cmd {
	if m.session == nil {
		return nil
	}
	return checkCacheCmd(m.session, redisx.SHA1(m.sentSource()))
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

// update routes messages: window size to all panes, keys to the dialog,
// the prompt, the global bindings or the focused pane, and results to
// the pane they belong to.
func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case rootMsg:
		return msg.apply(m)
	case spinner.TickMsg:
		if !m.running {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case runStartedMsg:
		if msg.seq != m.runSeq {
			return m, nil
		}
		m.runCh = msg.ch
		return m, waitRunCmd(msg.ch)
	case stepTracedMsg:
		if msg.seq != m.runSeq {
			return m, nil
		}
		m.trace.AddStep(msg.seq, msg.step)
		return m, waitRunCmd(m.runCh)
	case runFinishedMsg:
		if msg.seq != m.runSeq {
			return m, nil
		}
		return m.finishRun(msg)
	case cacheCheckedMsg:
		if msg.sha != redisx.SHA1(m.sentSource()) && msg.sha != m.lastSentSHA {
			return m, nil
		}
		switch {
		case msg.err != nil:
			m.cache = cacheUnknown
		case msg.exists:
			m.cache = cacheHeld
		default:
			m.cache = cacheMissing
		}
		if m.cacheAsked {
			m.cacheAsked = false
			switch {
			case msg.err != nil:
				m.setStatus("SCRIPT EXISTS: "+msg.err.Error(), true)
			case msg.exists:
				m.setStatus("SCRIPT EXISTS: the server's cache holds sha "+short(msg.sha), false)
			default:
				m.setStatus("SCRIPT EXISTS: not in the cache — the next EVALSHA gets NOSCRIPT", false)
			}
		}
		return m, nil
	case adminDoneMsg:
		return m.adminDone(msg)
	case fileLoadedMsg:
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
			return m, nil
		}
		m.editor.SetValue(msg.src)
		m.editor.SetFilename(msg.path)
		m.editor.MarkSaved()
		m.fileMod = msg.mod
		m.setFocus(paneEditor)
		m.setStatus("opened "+msg.path, false)
		return m, m.checkCache()
	case fileSavedMsg:
		if msg.conflict != "" {
			m.overlays.push(newConfirm("Overwrite?", msg.conflict, saveFileCmd(msg.path, m.editor.Value(), time.Time{}, true)))
			return m, nil
		}
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
			return m, nil
		}
		m.fileMod = msg.mod
		m.editor.SetFilename(msg.path)
		m.editor.MarkSaved()
		m.setStatus("saved "+msg.path, false)
		// With --watch, our own save comes back as a change whose text
		// equals the editor's, which the watcher ignores.
		return m, nil
	case externalEditedMsg:
		if msg.err != nil {
			m.setStatus("$EDITOR: "+msg.err.Error(), true)
			return m, nil
		}
		if msg.src != m.editor.Value() {
			// Not saved to the file yet: an undoable change, marked [+].
			m.editor.ReplaceAll(msg.src)
			m.setStatus("script updated from $EDITOR (not saved: ctrl+s)", false)
		}
		return m, m.checkCache()
	case fileChangedMsg:
		if msg.gen != m.watchGen {
			return m, nil
		}
		next := watchFileCmd(m.opts.Filename, m.watchGen)
		if msg.err != nil {
			m.setStatus("watch: "+msg.err.Error(), true)
			return m, nil
		}
		if msg.src == m.editor.Value() {
			return m, next
		}
		if m.editor.Modified() {
			m.setStatus(m.opts.Filename+" changed on disk, but you have unsaved edits here: not reloaded", true)
			return m, next
		}
		m.editor.SetValue(msg.src)
		m.editor.SetFilename(m.opts.Filename)
		m.editor.MarkSaved()
		m.setStatus(m.opts.Filename+" changed on disk: re-running", false)
		mm, cmd := m.startRun()
		return mm, tea.Batch(cmd, next)
	case sessionReadyMsg:
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
			return m, nil
		}
		var closeOld tea.Cmd
		if old := m.session; old != nil {
			closeOld = func() tea.Msg { _ = old.Close(); return nil }
		}
		m.session = msg.session
		m.target = msg.target
		m.session.SetReadOnly(m.readOnly)
		m.tree.SetProtocol(m.session.Info().Protocol)
		m.setStatus(fmt.Sprintf("now speaking RESP%d", m.session.Info().Protocol), false)
		return m, tea.Batch(closeOld, m.checkCache())
	case historyLoadedMsg:
		m.hist.SetEntries(msg.entries)
		if msg.err != nil {
			m.setStatus("history: "+msg.err.Error(), true)
		} else if len(msg.problems) > 0 {
			m.setStatus(fmt.Sprintf("history: skipped %d damaged line(s) (first at line %d)", len(msg.problems), msg.problems[0].Line), true)
		}
		return m, nil
	case historyAppendedMsg:
		if msg.err != nil {
			m.setStatus("history: "+msg.err.Error(), true)
			return m, nil
		}
		m.hist.Add(msg.entry)
		return m, nil
	case valueCopiedMsg:
		if msg.err != nil {
			m.setStatus("copy: "+msg.err.Error(), true)
		} else {
			m.setStatus(fmt.Sprintf("copied %d bytes to the clipboard (OSC 52)", msg.bytes), false)
		}
		return m, nil
	case editor.ClipboardWrittenMsg:
		if msg.Err != nil {
			m.setStatus("copy: "+msg.Err.Error(), true)
		}
		return m, nil
	case refreshClusterMsg:
		return m, m.refreshCluster()
	case topologyLoadedMsg:
		m.clus.SetTopology(msg.top, msg.err)
		return m, nil
	case nodeCacheLoadedMsg:
		if msg.sha != redisx.SHA1(m.sentSource()) {
			return m, nil // about a script that is no longer in the editor
		}
		if msg.err != nil {
			m.setStatus("script cache per node: "+msg.err.Error(), true)
			return m, nil
		}
		m.clus.SetCache(msg.cached)
		return m, nil
	case runOnNodeMsg:
		if m.runOn == msg.addr {
			m.runOn = ""
			m.setStatus("keyless scripts run on the seed node again", false)
		} else {
			m.runOn = msg.addr
			m.setStatus("keyless scripts now run on "+msg.addr+" (scripts with keys still go to their slot's primary)", false)
		}
		m.syncClusterKeys()
		return m, nil
	case refreshLibrariesMsg:
		if m.session == nil {
			return m, nil
		}
		return m, librariesCmd(m.session)
	case librariesLoadedMsg:
		m.fns.SetLibraries(msg.libs, msg.err)
		return m, nil
	case libraryOpenedMsg:
		if m.editor.Modified() {
			m.setStatus("the script has unsaved changes: save (ctrl+s) or undo them before opening a library", true)
			return m, nil
		}
		m.editor.SetValue(msg.lib.Code)
		m.editor.SetFilename("")
		m.fileMod = time.Time{}
		m.setFocus(paneEditor)
		m.setStatus("library "+msg.lib.Name+" in the editor: edit it, then ctrl+b and l to FUNCTION LOAD REPLACE it", false)
		return m, nil
	case functionPickedMsg:
		m.function = msg.name
		m.fns.SetPicked(msg.name)
		ro := ""
		for _, f := range msg.flags {
			if f == "no-writes" {
				ro = " (no-writes: FCALL_RO works too)"
			}
		}
		m.setStatus("ctrl+r now calls FCALL "+msg.name+" with the form's KEYS/ARGV"+ro, false)
		return m, nil
	case scriptModeMsg:
		m.function = ""
		m.fns.SetPicked("")
		m.setStatus("ctrl+r runs the editor's script again", false)
		return m, nil
	case libraryLoadMsg:
		if m.readOnly {
			m.setStatus("read-only: FUNCTION LOAD is refused", true)
			return m, nil
		}
		if m.opts.Production {
			m.overlays.push(newConfirm("Production", "FUNCTION LOAD REPLACE on a connection labelled production replaces the library for every caller. Load it?", loadLibraryCmd(m.session, m.editor.Value())))
			return m, nil
		}
		return m, loadLibraryCmd(m.session, m.editor.Value())
	case loadAllMsg:
		if m.session == nil {
			return m, nil
		}
		m.setStatus("SCRIPT LOAD on every primary…", false)
		return m.askOnProduction("SCRIPT LOAD on every primary", loadAllCmd(m.session, m.sentSource()))
	case exampleLoadedMsg:
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
		} else {
			m.setStatus(msg.notice, false)
		}
		return m, nil
	case debugStartedMsg:
		d := m.dbg()
		if d == nil {
			if msg.s == nil {
				return m, nil
			}
			// The user left before the session started: close it off the UI goroutine.
			return m, func() tea.Msg { _ = msg.s.Close(); return nil }
		}
		d.starting = false
		if msg.err != nil {
			m.overlays.remove(d)
			m.setStatus("debugger: "+msg.err.Error(), true)
			return m, nil
		}
		d.s = msg.s
		d.source = msg.s.Source()
		d.apply(msg.ev)
		m.setStatus("debugging: s step • c continue • b breakpoint • p print • e eval • r redis • a abort • esc leave", false)
		return m.debugSettled(msg.ev)
	case debugEventMsg:
		d := m.dbg()
		if d == nil {
			return m, nil
		}
		d.busy = ""
		if msg.refused != "" {
			d.log = append(d.log, sanitize(msg.refused))
			m.setStatus(msg.refused, true)
			return debugReplay(m, nil)
		}
		if msg.err != nil {
			m.setStatus("debugger "+msg.what+": "+msg.err.Error(), true)
		}
		if msg.what == "print" {
			for _, v := range msg.ev.Vars {
				d.log = append(d.log, "print "+sanitize(v.Name)+" = "+sanitize(v.Value))
			}
		}
		d.apply(msg.ev)
		return debugReplay(m.debugSettled(msg.ev))
	case debugVarsMsg:
		if d := m.dbg(); d != nil && msg.err == nil {
			d.vars = msg.vars
		}
		return m, nil
	case batchStartedMsg:
		m.batchCh = msg.ch
		return m, waitRunCmd(msg.ch)
	case batchProgressedMsg:
		p := msg.p
		m.setStatus(fmt.Sprintf("batch: %d done (%d ok, %d failed) of %d read…", p.Done, p.OK, p.Done-p.OK, p.Read), false)
		return m, waitRunCmd(m.batchCh)
	case batchFinishedMsg:
		m.batching, m.batchCh = false, nil
		if msg.err != nil {
			m.setStatus("batch: "+msg.err.Error(), true)
			return m, nil
		}
		m.showReport(msg.report)
		m.setStatus("batch finished (esc closes the report)", msg.code != 0)
		return m, nil
	case lintDueMsg:
		if msg.rev != m.editor.Revision() {
			return m, nil // still typing
		}
		return m, m.lintNow()
	case lintDoneMsg:
		if msg.rev != m.editor.Revision() {
			return m, nil
		}
		m.lintRev, m.findings = msg.rev, msg.findings
		marks := map[int]byte{}
		for _, f := range msg.findings {
			c := map[lint.Severity]byte{lint.Error: 'E', lint.Warning: 'W', lint.Info: 'I'}[f.Severity]
			if old, ok := marks[f.Line]; !ok || c == 'E' || (c == 'W' && old == 'I') {
				marks[f.Line] = c
			}
		}
		m.editor.SetLintMarks(marks)
		return m, nil
	case JumpToLineMsg:
		m.editor.GotoLine(msg.Line)
		m.setFocus(paneEditor)
		return m, nil
	case loadEntryMsg:
		if m.editor.Modified() && !msg.confirmed {
			msg.confirmed = true
			m.overlays.push(newConfirm("Discard changes?", "The script has unsaved changes. Replace it with the run from history?", deliver(msg)))
			return m, nil
		}
		e := msg.entry
		m.editor.SetValue(e.Source)
		// A past run is not the file on disk: saving asks for a name.
		m.editor.SetFilename("")
		m.fileMod = time.Time{}
		m.form.SetValues(e.Keys, e.Args)
		m.syncClusterKeys()
		if st, err := redisx.ParseStrategy(e.Strategy); err == nil {
			m.strategy = st
		}
		m.setStatus(fmt.Sprintf("loaded run from %s (sha %s)", e.Time.Local().Format("Jan 2 15:04:05"), short(e.SHA)), false)
		m.setFocus(paneEditor)
		if msg.run {
			return m.startRun()
		}
		return m, m.checkCache()
	}
	// Anything else (cursor blinks, pane-internal messages) goes to the focused pane.
	return m.updateFocused(msg)
}

// lintNow lints the editor's script in the background.
func (m Model) lintNow() tea.Cmd {
	opt := lint.Options{NumKeys: m.form.NumKeys(), ReadOnly: m.readOnly, Production: m.opts.Production}
	return lintCmd(m.editor.Value(), m.editor.Revision(), opt)
}

// lintSoon lints after a pause in typing, so a long script is not
// re-linted on every key.
func (m Model) lintSoon() tea.Cmd {
	rev := m.editor.Revision()
	return tea.Tick(300*time.Millisecond, func(time.Time) tea.Msg { return lintDueMsg{rev: rev} })
}

func (m Model) updateFocused(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.focus {
	case paneEditor:
		before := m.editor.Revision()
		m.editor, cmd = m.editor.Update(msg)
		if m.editor.Revision() != before {
			m.cache = cacheUnknown
			cmd = tea.Batch(cmd, m.lintSoon())
		}
	case paneForm:
		m.form, cmd = m.form.Update(msg)
		m.syncClusterKeys()
	case paneResult:
		m.tree, cmd = m.tree.Update(msg)
	case paneTrace:
		m.trace, cmd = m.trace.Update(msg)
	case paneError:
		m.errp, cmd = m.errp.Update(msg)
	case paneHistory:
		m.hist, cmd = m.hist.Update(msg)
	case paneCluster:
		m.clus, cmd = m.clus.Update(msg)
	case paneFunctions:
		m.fns, cmd = m.fns.Update(msg)
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

func (m Model) handleKey(km tea.KeyMsg) (tea.Model, tea.Cmd) {
	if top := m.overlays.top(); top != nil {
		return top.update(m, km)
	}
	// A status message lasts until the next key (gh-dash).
	m.status, m.statusErr = "", false
	k := m.c.Keys
	switch {
	case key.Matches(km, k.Quit):
		var why []string
		if m.editor.Modified() {
			why = append(why, "The script has unsaved changes.")
		}
		if m.running {
			why = append(why, "A script is running: it goes on on the server after luascope quits (ctrl+k stops it first).")
		}
		if len(why) > 0 {
			m.overlays.push(newConfirm("Quit", strings.Join(why, " ")+" Quit anyway?", deliver(quitConfirmedMsg{})))
			return m, nil
		}
		m.quitting = true
		return m, tea.Quit
	case key.Matches(km, k.Help):
		m.overlays.push(&helpScreen{})
		return m, nil
	case key.Matches(km, k.Run):
		return m.startRun()
	case key.Matches(km, k.NextPane):
		m.cycleFocus(1)
		m.resize()
		return m, nil
	case key.Matches(km, k.PrevPane):
		m.cycleFocus(-1)
		m.resize()
		return m, nil
	case key.Matches(km, k.Zoom):
		m.zoom = !m.zoom
		m.resize()
		return m, nil
	case key.Matches(km, k.Open):
		if m.editor.Modified() {
			m.overlays.push(newConfirm("Discard changes?", "The script has unsaved changes. Open another file anyway?", deliver(openAskedMsg{})))
			return m, nil
		}
		return openAskedMsg{}.apply(m)
	case key.Matches(km, k.Save):
		if m.editor.Filename() == "" {
			m.overlays.push(newPathPrompt("Save as", "", func(path string) tea.Cmd { return deliver(saveAsAskedMsg{path}) }))
			return m, textinput.Blink
		}
		return m, saveFileCmd(m.editor.Filename(), m.editor.Value(), m.fileMod, false)
	case key.Matches(km, k.ExternalEdit):
		return m, externalEditCmd(m.editor.Value())
	case key.Matches(km, debugKey), km.String() == "alt+f9":
		sync := km.String() == "alt+f9"
		if m.session == nil || m.running {
			m.setStatus("the debugger needs a connection and no run in progress", true)
			return m, nil
		}
		target := m.target.String()
		switch {
		case sync && m.readOnly:
			m.setStatus(readOnlySyncRefusal, true)
			return m, nil
		case sync:
			m.overlays.push(newTyped("Debug in SYNC mode", "SCRIPT DEBUG SYNC runs the script in the server itself: the whole server is blocked, serving no other client, while the script is stopped in the debugger, and every change the script makes is kept. On "+target+". Type SYNC to start, esc to cancel (F9 debugs in forked mode: a copy of the server, changes rolled back).", "SYNC", deliver(debugConfirmedMsg{ldb.ModeSync})))
			return m, nil
		case m.opts.Production || m.readOnly:
			ro := ""
			if m.readOnly {
				ro = " Read-only: the script runs as EVAL_RO and redis commands (r) must be flagged readonly by the server."
			}
			m.overlays.push(newTyped("Debug on a protected connection", "SCRIPT DEBUG YES forks "+target+" (a copy of the whole server process: memory and a fork's pause on a big dataset); changes are rolled back."+ro+" Type DEBUG to start, esc to cancel.", "DEBUG", deliver(debugConfirmedMsg{ldb.ModeFork})))
			return m, nil
		}
		return m.startDebug(ldb.ModeFork)
	case key.Matches(km, galleryKey):
		m.overlays.push(&gallery{all: examples.All()})
		return m, nil
	case key.Matches(km, k.Batch):
		switch {
		case m.session == nil:
			return m, nil
		case m.batching:
			m.setStatus("a batch is already running", true)
			return m, nil
		case m.opts.Production && !m.readOnly:
			m.setStatus("batch on a production connection: use luascope batch with --dry-run first, or read-only (F8)", true)
			return m, nil
		}
		m.overlays.push(newPathPrompt("Batch: file with one KEY … , ARG … line per call", "", func(path string) tea.Cmd { return deliver(batchAskedMsg{path}) }))
		return m, textinput.Blink
	case key.Matches(km, k.Explain):
		m.explain = !m.explain
		if m.explain {
			m.setStatus("explain mode: the next runs show the Lua value behind every reply node (sent as EVAL in a wrapper; runs once)", false)
		} else {
			m.setStatus("explain mode off", false)
		}
		return m, nil
	case key.Matches(km, k.Strategy) && m.running, key.Matches(km, k.Protocol) && m.running:
		m.setStatus("wait for the run to finish (or ctrl+k) before switching", true)
		return m, nil
	case key.Matches(km, k.Strategy):
		for i, s := range redisx.Strategies {
			if s == m.strategy {
				m.strategy = redisx.Strategies[(i+1)%len(redisx.Strategies)]
				break
			}
		}
		m.setStatus("strategy: "+string(m.strategy)+" — "+strategyHint(m.strategy), false)
		return m, nil
	case key.Matches(km, k.Protocol):
		if m.opts.Connect == nil || m.session == nil {
			return m, nil
		}
		t := m.target
		if m.session.Info().Protocol == 3 {
			t.Protocol = 2
		} else {
			t.Protocol = 3
		}
		m.setStatus(fmt.Sprintf("switching to RESP%d…", t.Protocol), false)
		return m, connectCmd(m.opts.Connect, t)
	case key.Matches(km, k.ReadOnly):
		if m.readOnly && (m.opts.ReadOnly || m.target.ReadOnly) {
			m.setStatus("read-only was set by --ro or the connection's config; it cannot be turned off here", true)
			return m, nil
		}
		m.readOnly = !m.readOnly
		if m.session != nil {
			m.session.SetReadOnly(m.readOnly)
		}
		if m.readOnly {
			m.setStatus("read-only: EVAL_RO/EVALSHA_RO; SCRIPT FLUSH/KILL, SYNC debugging, example setups and debugger writes refused", false)
		} else {
			m.setStatus("read-only off: scripts may write", false)
		}
		return m, nil
	case key.Matches(km, k.Theme):
		names := themes.Names()
		cur := m.c.Theme.Name
		next := names[0]
		for i, n := range names {
			if n == cur {
				next = names[(i+1)%len(names)]
			}
		}
		t, err := themes.Get(next)
		if err == nil {
			m.applyTheme(t)
			m.setStatus("theme: "+t.Name, false)
		}
		return m, nil
	case key.Matches(km, k.History), key.Matches(km, k.Cluster), key.Matches(km, k.Functions):
		want := paneHistory
		if key.Matches(km, k.Functions) {
			want = paneFunctions
		}
		if key.Matches(km, k.Cluster) {
			if !m.isCluster() {
				m.setStatus("not a cluster: the cluster view needs cluster_enabled:1", true)
				return m, nil
			}
			want = paneCluster
		}
		switch {
		case m.focus == want:
			// Pressed again: back to the trace and the editor.
			m.aux = paneTrace
			m.setFocus(paneEditor)
		default:
			// Open it, or bring it forward when it is open elsewhere.
			m.setFocus(want)
		}
		m.resize()
		if want == paneCluster {
			return m, m.refreshCluster()
		}
		if want == paneFunctions && m.focus == paneFunctions && m.session != nil {
			return m, librariesCmd(m.session)
		}
		return m, nil
	case key.Matches(km, k.Stop):
		if !m.running && m.busyKill != "" && m.session != nil {
			if m.readOnly {
				m.setStatus("read-only: "+m.busyKill+" is refused; wait for the other script to end", true)
				return m, nil
			}
			words := strings.Fields(m.busyKill)
			m.overlays.push(newConfirm("Stop another client's script",
				"The server answered BUSY: a script or function started by another client has run past busy-reply-threshold. Send "+m.busyKill+
					" to "+sanitize(m.target.String())+"? It fails with UNKILLABLE if the script has already written.",
				adminCmd(m.session, m.busyKill, words[0], words[1])).withStatus("sending…"))
			return m, nil
		}
		if !m.running {
			m.setStatus("no script is running", false)
			return m, nil
		}
		if m.readOnly {
			m.setStatus("read-only: SCRIPT KILL is refused; wait for the script or turn read-only off (F8)", true)
			return m, nil
		}
		m.overlays.push(newConfirm("Stop the script", "Send SCRIPT KILL from a second connection? A script that has already written cannot be killed (UNKILLABLE).",
			adminCmd(m.session, "SCRIPT KILL", "SCRIPT", "KILL")).withStatus("sending SCRIPT KILL…"))
		return m, nil
	case key.Matches(km, k.CacheCheck):
		m.setStatus("asking SCRIPT EXISTS…", false)
		m.cacheAsked = true
		return m, m.checkCache()
	case key.Matches(km, k.CacheLoad):
		if m.session == nil {
			return m, nil
		}
		return m.askOnProduction("SCRIPT LOAD", adminCmd(m.session, "SCRIPT LOAD", "SCRIPT", "LOAD", m.sentSource()))
	case key.Matches(km, k.CacheFlush):
		if m.readOnly {
			m.setStatus("read-only: SCRIPT FLUSH is refused", true)
			return m, nil
		}
		m.overlays.push(newConfirm("Empty the script cache", "Send SCRIPT FLUSH? Every cached script on this server is dropped; the next EVALSHA gets NOSCRIPT.",
			adminCmd(m.session, "SCRIPT FLUSH", "SCRIPT", "FLUSH")))
		return m, nil
	}
	return m.updateFocused(km)
}

// askOnProduction sends a script-cache change at once, or on a
// production connection after a yes, as `luascope load` wants --yes
// there: the cache holds no data (read-only allows it), but production
// means nothing changes on the server unasked.
func (m Model) askOnProduction(what string, send tea.Cmd) (tea.Model, tea.Cmd) {
	if !m.opts.Production {
		return m, send
	}
	m.overlays.push(newConfirm("Production", what+" on "+m.target.String()+", labelled production: the script joins the server's script cache (no data changes). Send it?", send).withStatus("sending…"))
	return m, nil
}

func strategyHint(s redisx.Strategy) string {
	switch s {
	case redisx.EvalshaLoad:
		return "EVALSHA, on NOSCRIPT load and retry on the same connection"
	case redisx.EvalshaEval:
		return "EVALSHA, on NOSCRIPT fall back to EVAL (go-redis Script.Run)"
	case redisx.EvalOnly:
		return "EVAL with the whole body every time"
	case redisx.LoadFirst:
		return "SCRIPT LOAD, then EVALSHA"
	}
	return ""
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

// startRun builds the call from the editor and the form and starts it.
// On a production connection every run that may write is asked about,
// whatever started it (key, history, --watch).
func (m Model) startRun() (tea.Model, tea.Cmd) {
	if m.running {
		m.setStatus("a run is in progress (ctrl+k stops it)", true)
		return m, nil
	}
	if m.session == nil {
		m.setStatus("not connected", true)
		return m, nil
	}
	keys, args, err := m.form.Values()
	if err != nil {
		m.setStatus(err.Error(), true)
		return m, nil
	}
	src := m.editor.Value()
	if strings.TrimSpace(src) == "" && m.function == "" {
		m.setStatus("the script is empty", true)
		return m, nil
	}
	if m.function == "" {
		protect := m.opts.Production || m.readOnly
		found := lint.Lint(src, lint.Options{NumKeys: len(keys), ReadOnly: m.readOnly, Production: protect})
		if b := lint.Blocking(found, protect); len(b) > 0 {
			m.setStatus(fmt.Sprintf("not sent: line %d: %s", b[0].Line, b[0].Message), true)
			m.editor.GotoLine(b[0].Line)
			return m, nil
		}
	}
	call := redisx.Call{Script: redisx.NewScript(src), Keys: keys, Args: args, Strategy: m.strategy, ReadOnly: m.readOnly, Explain: m.explain, Effects: m.explain}
	if m.function != "" {
		call = redisx.Call{Function: m.function, Keys: keys, Args: args, ReadOnly: m.readOnly}
	}
	if len(keys) == 0 {
		call.Node = m.runOn
	}
	if m.opts.Production && !m.readOnly && (m.function != "" || !call.Script.Shebang.HasFlag("no-writes")) {
		m.overlays.push(newConfirm("Production", fmt.Sprintf("%s is labelled production and read-only is off: this script may write. Run it?", m.target.String()), deliver(runConfirmedMsg{call})))
		return m, nil
	}
	return m.launch(call)
}

func (m Model) launch(call redisx.Call) (tea.Model, tea.Cmd) {
	m.runSeq++
	m.running = true
	m.runStart = time.Now()
	m.lastSHA = call.Script.SHA
	m.trace.StartRun(m.runSeq, fmt.Sprintf("%s%s", call.Strategy, map[bool]string{true: " (read-only)"}[call.ReadOnly]))
	m.setStatus("", false)
	return m, tea.Batch(runScriptCmd(m.session, call, m.runSeq), m.spin.Tick)
}

func (m Model) finishRun(msg runFinishedMsg) (tea.Model, tea.Cmd) {
	m.running = false
	m.runCh = nil
	res := msg.res
	m.trace.FinishRun(msg.seq, res)
	m.tree.SetReply(res.Reply)
	m.tree.SetExplain(res.Explain)
	m.errp.SetError(res.Error)
	line := 0
	if res.Error != nil && (res.Error.SHA == "" || res.Error.SHA == res.SHA) {
		line = res.Error.Line
	}
	m.editor.SetErrorLine(line)
	if m.isTabs() && (m.focus == paneEditor || m.focus == paneForm) {
		if res.Error != nil {
			m.setFocus(paneError)
		} else {
			m.setFocus(paneResult)
		}
	}
	m.busyKill = ""
	switch {
	case res.Error != nil && res.Error.Class == classify.Busy:
		m.busyKill = "SCRIPT KILL"
		if strings.Contains(res.Error.Message, "FUNCTION KILL") {
			m.busyKill = "FUNCTION KILL"
		}
		if m.readOnly {
			m.setStatus("busy: another client's script holds the server; read-only cannot kill it — wait and run again", true)
		} else {
			m.setStatus("busy: another client's script holds the server — ctrl+k sends "+m.busyKill+" (asks first), or wait and run again", true)
		}
	case res.Error != nil:
		m.setStatus(fmt.Sprintf("%s error: %s", res.Error.Class, res.Error.Message), true)
	case res.Explain != nil && len(res.Explain.Warnings()) > 0:
		w := res.Explain.Warnings()
		m.setStatus(fmt.Sprintf("⚠ %d lossy conversion(s): %s", len(w), w[0]), true)
	default:
		m.setStatus(fmt.Sprintf("ok: %d round trip%s, %s", len(res.Steps), map[bool]string{true: "s"}[len(res.Steps) != 1], res.Duration.Round(time.Microsecond)), false)
	}
	m.lastSentSHA = res.SentSHA
	cmds := []tea.Cmd{checkCacheCmd(m.session, res.SentSHA)}
	if m.isCluster() {
		cmds = append(cmds, m.refreshCluster())
	}
	if m.opts.History != nil {
		cmds = append(cmds, appendHistoryCmd(m.opts.History, HistoryEntry(m.session, m.opts.Label, msg.call, res)))
	}
	return m, tea.Batch(cmds...)
}

func (m Model) adminDone(msg adminDoneMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		c := classify.ClassifyError(msg.err)
		m.setStatus(fmt.Sprintf("%s: %s", msg.what, c.Message), true)
		return m, nil
	}
	if msg.reply != nil && msg.reply.Kind == resp.Error {
		c := classify.Classify(string(msg.reply.Str))
		if c.Class == classify.Unkillable {
			m.errp.SetError(&c)
			if m.readOnly {
				m.setStatus("the script has written and cannot be killed (UNKILLABLE); read-only refused SHUTDOWN NOSAVE: wait for it to end", true)
				return m, nil
			}
			m.overlays.push(newTyped("The script cannot be killed",
				"It has already written, so SCRIPT KILL is refused (UNKILLABLE): killing it would leave half its writes. "+
					"You can wait for it, or stop the server without saving with SHUTDOWN NOSAVE — every change since the last save is lost and clients are disconnected. "+
					"Type SHUTDOWN NOSAVE to send it, esc to cancel.", "SHUTDOWN NOSAVE", deliver(shutdownConfirmedMsg{})))
			return m, nil
		}
		m.setStatus(fmt.Sprintf("%s: %s", msg.what, string(msg.reply.Str)), true)
		return m, nil
	}
	if msg.reply == nil {
		m.setStatus(msg.what+": done", false)
		return m, nil
	}
	m.setStatus(fmt.Sprintf("%s: %s", msg.what, resp.Summary(*msg.reply, 80)), false)
	return m, tea.Batch(m.checkCache(), m.refreshCluster())
}

// view assembles the frame: panes in their boxes, the tab bar, the status
// and help bars, and any overlay. It does no I/O and builds no styles.
func (m Model) view() string {
	if m.quitting {
		return ""
	}
	if m.w == 0 {
		return "starting…"
	}
	l := layout(m.w, m.h, m.layoutState())
	if l.tooSmall {
		msg := fmt.Sprintf("terminal too small: %d×%d, need at least %d×%d", m.w, m.h, minWidth, minHeight)
		return fitLines(wrap(msg, m.w), m.w, m.h)
	}
	return m.overlays.draw(m, func() string { return m.panesView(l) })
}

// panesView draws the panes in their boxes, the tab bar, the status and
// help bars: the frame under the overlays.
func (m Model) panesView(l layoutResult) string {
	// Panes tile the screen and every pane's View is exactly its size, so
	// a row of the frame is its boxes' lines side by side: no measuring.
	boxes := make(map[paneID][]string, len(l.panes))
	for id, r := range l.panes {
		boxes[id] = strings.Split(m.st.box(m.paneTitle(id), m.pane(id).View(), r.W, r.H, m.focus == id), "\n")
	}
	rows := make([]string, m.h)
	if l.tabs {
		rows[l.tabBar.Y] = fitLines([]string{m.tabBar()}, m.w, 1)
	}
	for y := range rows {
		if rows[y] != "" {
			continue
		}
		var b strings.Builder
		for x := 0; x < m.w; {
			id, r, ok := paneAt(l, x, y)
			if !ok {
				break
			}
			if ln := boxes[id]; y-r.Y < len(ln) {
				b.WriteString(ln[y-r.Y])
			}
			x = r.X + r.W
		}
		rows[y] = b.String()
	}
	rows[l.status.Y] = m.statusBar()
	if l.help.H > 0 {
		rows[l.help.Y] = fitLines([]string{m.helpBar()}, m.w, 1)
	}
	return strings.Join(rows, "\n")
}

// paneAt finds the pane whose box covers column x of row y.
func paneAt(l layoutResult, x, y int) (paneID, rect, bool) {
	for id, r := range l.panes {
		if x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H {
			return id, r, true
		}
	}
	return 0, rect{}, false
}

func (m Model) paneTitle(id paneID) string {
	switch id {
	case paneEditor:
		title := "Script " + sanitize(m.editor.Title())
		if n := len(m.findings); n > 0 && m.lintRev == m.editor.Revision() {
			e, w := 0, 0
			for _, f := range m.findings {
				switch f.Severity {
				case lint.Error:
					e++
				case lint.Warning:
					w++
				}
			}
			title += fmt.Sprintf(" • lint %d✗ %d!", e, w)
		}
		return title
	case paneForm:
		return fmt.Sprintf("KEYS/ARGV (numkeys %d)", m.form.NumKeys())
	case paneResult:
		if m.session != nil {
			return fmt.Sprintf("Result RESP%d", m.session.Info().Protocol)
		}
	case paneError:
		if m.errp.Classification() != nil {
			return "Error: " + string(m.errp.Classification().Class)
		}
	}
	return id.String()
}

// shortPaneNames fit the tab bar into 40 columns, all eight tabs and the
// error mark included. Sized by paneCount so that indexing by any pane is
// in range; a test checks that every pane has one (the list once stopped
// at History while Functions and Cluster were tabs, and every terminal
// narrower than the long names panicked).
var shortPaneNames = [paneCount]string{
	paneEditor: "Scr", paneForm: "K/A", paneResult: "Res", paneTrace: "Trc", paneError: "Err",
	paneHistory: "His", paneCluster: "Clu", paneFunctions: "Fn",
}

func (m Model) tabBar() string {
	var parts []string
	long := 0
	for _, id := range m.order() {
		long += len(id.String()) + 3
	}
	for _, id := range m.order() {
		name := id.String()
		if long > m.w {
			name = shortPaneNames[id]
		}
		if id == paneError && m.errp.Classification() != nil {
			name += "!"
		}
		if id == m.focus {
			parts = append(parts, m.st.tabActive.Render(name))
		} else {
			parts = append(parts, m.st.tab.Render(name))
		}
	}
	return strings.Join(parts, "")
}

func (m Model) statusBar() string {
	var left []string
	switch {
	case m.opts.Production:
		left = append(left, m.st.badgeProd.Render(strings.ToUpper(orDefault(m.opts.Label, "prod"))))
	case m.opts.Label == "sandbox":
		left = append(left, m.st.badgeSand.Render("SANDBOX"))
	case m.opts.Label != "":
		left = append(left, m.st.badgeLabel.Render(sanitize(m.opts.Label)))
	}
	if m.readOnly {
		left = append(left, m.st.badgeRO.Render("RO"))
	}
	if m.explain && m.function == "" {
		left = append(left, m.st.badgeLabel.Render("EXPLAIN"))
	}
	if m.function != "" {
		left = append(left, m.st.badgeLabel.Render("FCALL "+sanitize(m.function)))
	}
	info := m.target.String()
	if m.session != nil {
		in := m.session.Info()
		info = sanitize(fmt.Sprintf("%s %s %s %s RESP%d", m.session.Target().String(), in.Flavor, in.Version, in.Mode, in.Protocol))
	}
	left = append(left, m.st.status.Render(" "+info+" "), m.st.status.Render(string(m.strategy)+" "))
	switch m.cache {
	case cacheHeld:
		left = append(left, m.st.status.Render("cached "))
	case cacheMissing:
		left = append(left, m.st.status.Render("not cached "))
	}
	if m.running {
		left = append(left, m.st.statusMsg.Render(fmt.Sprintf(" %s running %s ", m.spin.View(), time.Since(m.runStart).Round(100*time.Millisecond))))
	}
	l := strings.Join(left, "")
	right := ""
	if m.status != "" {
		if m.statusErr {
			right = m.st.statusErr.Render(" " + m.status + " ")
		} else {
			right = m.st.statusMsg.Render(" " + m.status + " ")
		}
	}
	lw, rw := ansi.StringWidth(l), ansi.StringWidth(right)
	if lw+rw > m.w {
		// The message matters more than the decoration.
		if rw >= m.w {
			return ansi.Truncate(right, m.w, "…")
		}
		l = ansi.Truncate(l, m.w-rw, "…")
		lw = ansi.StringWidth(l)
	}
	return l + m.st.status.Render(strings.Repeat(" ", max(0, m.w-lw-rw))) + right
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (m Model) helpBar() string {
	k := m.c.Keys
	bindings := append([]key.Binding{k.Run, k.NextPane}, m.pane(m.focus).ShortHelp()...)
	bindings = append(bindings, k.Help, k.Quit)
	var parts []string
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		parts = append(parts, m.st.helpKey.Render(h.Key)+" "+m.st.helpDesc.Render(h.Desc))
	}
	return ansi.Truncate(strings.Join(parts, m.st.helpDesc.Render(" • ")), m.w, "…")
}

func (m Model) helpView(scroll int) string {
	k := m.c.Keys
	groups := []struct {
		title string
		b     []key.Binding
	}{
		{"Global", []key.Binding{k.Run, k.NextPane, k.PrevPane, k.Zoom, k.Help, k.Quit, k.History, k.Cluster, k.Functions, k.Explain, k.Batch, galleryKey, debugKey, k.Theme}},
		{"Script & server", []key.Binding{k.Open, k.Save, k.ExternalEdit, k.Strategy, k.Protocol, k.ReadOnly, k.Stop, k.CacheCheck, k.CacheLoad, k.CacheFlush}},
		{m.focus.String() + " pane", flatten(m.pane(m.focus).FullHelp())},
	}
	// Each group is a block of lines; blocks are set side by side when
	// they fit, so the whole map fits an 80×24 terminal.
	var blocks [][]string
	colW := 0
	for _, g := range groups {
		lines := []string{m.st.helpSection.Render(g.title)}
		for _, b := range g.b {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			line := m.st.helpKey.Render(fmt.Sprintf("%-11s", h.Key)) + " " + m.st.helpDesc.Render(h.Desc)
			colW = max(colW, ansi.StringWidth(line))
			lines = append(lines, line)
		}
		blocks = append(blocks, lines)
	}
	colW += 2
	cols := max(1, min(len(blocks), m.w/max(1, colW)))
	var out []string
	for i := 0; i < len(blocks); i += cols {
		row := blocks[i:min(len(blocks), i+cols)]
		height := 0
		for _, b := range row {
			height = max(height, len(b))
		}
		for y := 0; y < height; y++ {
			var line strings.Builder
			for _, b := range row {
				cell := ""
				if y < len(b) {
					cell = b[y]
				}
				line.WriteString(cell + strings.Repeat(" ", max(0, colW-ansi.StringWidth(cell))))
			}
			out = append(out, line.String())
		}
		out = append(out, "")
	}
	// Scrolls when the map is taller than the terminal (80×24).
	top := min(scroll, max(0, len(out)-(m.h-1)))
	more := ""
	if len(out)-top > m.h-1 {
		more = "  ↓ pgdn/↓ for more"
	}
	head := m.st.accent.Render("luascope — keys") + m.st.muted.Render("   F1 or esc closes"+more)
	return fitLines(append([]string{head}, out[top:]...), m.w, m.h)
}

func flatten(groups [][]key.Binding) []key.Binding {
	var out []key.Binding
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// canvas composes boxes at their positions into one frame of lines.
type canvas struct {
	w, h  int
	lines []string
}

func newCanvas(w, h int) *canvas {
	c := &canvas{w: w, h: h, lines: make([]string, h)}
	blank := strings.Repeat(" ", w)
	for i := range c.lines {
		c.lines[i] = blank
	}
	return c
}

// put writes block (lines of width r.W) at r. Panes are laid out in
// columns, so a row is the left part, the block, and the right part.
func (c *canvas) put(r rect, block string) {
	if r.W <= 0 || r.H <= 0 {
		return
	}
	for i, line := range strings.Split(block, "\n") {
		y := r.Y + i
		if i >= r.H || y >= c.h {
			break
		}
		if lw := ansi.StringWidth(line); lw < r.W {
			line += strings.Repeat(" ", r.W-lw)
		} else if lw > r.W {
			line = ansi.Truncate(line, r.W, "")
		}
		row := c.lines[y]
		leftPart := ansi.Truncate(row, r.X, "")
		rightPart := ansi.TruncateLeft(row, r.X+r.W, "")
		c.lines[y] = leftPart + line + rightPart
	}
}

func (c *canvas) String() string { return strings.Join(c.lines, "\n") }

// overlay centres box over frame.
func overlay(frame, box string, w, h int) string {
	c := &canvas{w: w, h: h, lines: strings.Split(frame, "\n")}
	for len(c.lines) < h {
		c.lines = append(c.lines, strings.Repeat(" ", w))
	}
	bl := strings.Split(box, "\n")
	bw := 0
	for _, l := range bl {
		bw = max(bw, ansi.StringWidth(l))
	}
	bw = min(bw, w)
	x, y := max(0, (w-bw)/2), max(0, (h-len(bl))/2)
	c.put(rect{x, y, bw, min(len(bl), h)}, box)
	return c.String()
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
			hs.Reply = resp.Summary(*st.Reply, 80)
		} else {
			hs.Reply = st.Err
		}
		e.Steps = append(e.Steps, hs)
	}
	if res.Reply != nil {
		e.Reply = resp.Summary(*res.Reply, 120)
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

// startDebug opens the debugger on the editor's script and the form.
// Every way into the debugger comes here, so read-only's refusal of SYNC
// is checked here too (and again by ldb, from the session's target).
func (m Model) startDebug(mode ldb.Mode) (tea.Model, tea.Cmd) {
	if mode == ldb.ModeSync && m.readOnly {
		m.setStatus(readOnlySyncRefusal, true)
		return m, nil
	}
	keys, args, err := m.form.Values()
	if err != nil {
		m.setStatus(err.Error(), true)
		return m, nil
	}
	src := m.editor.Value()
	m.overlays.push(&debugState{mode: mode, starting: true, breaks: map[int]bool{}, source: strings.Split(src, "\n"), cursor: 1, st: newDebugStyles(m.c)})
	m.setStatus("starting the debugger (SCRIPT DEBUG "+strings.ToUpper(string(mode))+")…", false)
	return m, debugStartCmd(m.session, mode, src, keys, args)
}

// debugSettled follows an event: fresh locals after a stop, the final
// reply in the result tree when the session ends.
func (m Model) debugSettled(ev ldb.Event) (tea.Model, tea.Cmd) {
	if ev.Ended {
		m.tree.SetReply(ev.Final)
		var cls *classify.Classification
		if ev.Final != nil && ev.Final.Kind == resp.Error {
			c := classify.Classify(string(ev.Final.Str))
			cls = &c
			m.editor.SetErrorLine(c.Line)
		}
		m.errp.SetError(cls)
		m.setStatus("debugging session ended: esc shows the final reply in the Result pane", cls != nil)
		return m, nil
	}
	if ev.Stopped {
		return m, debugVarsCmd(m.dbg().s)
	}
	return m, nil
}
