package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/incident"
	"luascope/redisx/ldb"
	"luascope/redisx/lint"
	"luascope/redisx/resp"
)

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

// scriptToSend is the editor's script src for a command to send: hashed
// when the editor has its SHA, else (a big script edited since its last
// hash: HashPending) unhashed, for the command to hash off the UI
// goroutine with Script.Hashed, so that ctrl+r and alt+v show at once
// (10 MB took ~10 ms to hash).
func (m Model) scriptToSend(src string) redisx.Script {
	if sc, ok := m.editor.ScriptNow(); ok {
		return sc
	}
	return redisx.Unhashed(src)
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
	if protect := m.opts.Production || m.readOnly; m.function == "" && protect {
		// The lint is the guard of protected connections (error({}) crashes
		// Redis 7.0). The run does not lint on the UI goroutine: it takes
		// the background lint of this very text when there is one, needs
		// none when the text cannot hold a blocking finding, and otherwise
		// lints in the background and runs when the verdict comes.
		// Blocking findings do not depend on numkeys, so the background
		// lint's are as good as a fresh one's.
		found, ok := m.lintedNow()
		if !ok && lint.MayBlock(src) {
			if m.guardRev == m.editor.Revision() {
				return m, nil // already checking; the run starts when done
			}
			m.guardRev = m.editor.Revision()
			m.setStatus("checking the script before sending it to a protected connection…", false)
			return m, guardLintCmd(src, m.editor.Revision(), m.lintOptions())
		}
		if b := lint.Blocking(found, protect); len(b) > 0 {
			m.setStatus(fmt.Sprintf("not sent: line %d: %s", b[0].Line, b[0].Message), true)
			m.editor.GotoLine(b[0].Line)
			return m, nil
		}
	}
	sc := m.scriptToSend(src)
	m.runRev = m.editor.Revision()
	call := redisx.Call{Script: sc, Keys: keys, Args: args, Strategy: m.strategy, ReadOnly: m.readOnly, Explain: m.explain, Effects: m.explain}
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
	// Where a kill of this run goes (ctrl+k) until its round trips say:
	// the node it is sent to, or its first key's slot's owner as last seen;
	// and which kill stops it.
	m.runKill = "SCRIPT KILL"
	if call.Function != "" {
		m.runKill = "FUNCTION KILL" // SCRIPT KILL does not stop a function
	}
	m.runNode = call.Node
	if m.runNode == "" && len(call.Keys) > 0 && m.clus.known != nil {
		if n, ok := m.clus.known.Owner(redisx.KeySlot(call.Keys[0])); ok {
			m.runNode = n.Addr
		}
	}
	m.runStart = time.Now()
	title := fmt.Sprintf("%s%s", call.Strategy, map[bool]string{true: " (read-only)"}[call.ReadOnly])
	if call.Explain && call.Function == "" {
		// The steps send the wrapper under its own SHA (each says so in
		// its why): say how to see the script's own round trips.
		title += " · explain wrapper (" + m.c.Keys.Explain.Help().Key + ": plain run)"
	}
	sess, user := m.runSession()
	if user != "" {
		title += " · as ACL user " + user + " (the example's)"
	}
	m.trace.StartRun(m.runSeq, title)
	m.setStatus("", false)
	return m, tea.Batch(runScriptCmd(sess, call, m.runSeq), m.spin.Tick)
}

func (m Model) finishRun(msg runFinishedMsg) (tea.Model, tea.Cmd) {
	m.running = false
	m.runCh = nil
	if msg.call.Function == "" {
		// The run hashed the editor's text (startRun leaves a big script's
		// hash to it): the title, the cache checks and the next run take
		// it, unless the text changed meanwhile.
		m.editor.SetScript(m.runRev, msg.call.Script)
		if msg.call.Explain && msg.res.SentSHA != msg.res.SHA && m.editor.Revision() == m.runRev {
			// And it wrapped and hashed it in explain mode: the checks
			// after the run ask for that SHA (sentSHANow).
			m.wrapped.set(m.runRev, msg.res.SentSHA)
		}
	}
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
	// One pane at a time (tabs, zoom): bring forward what the run came
	// to. From the editor or the form (tabs), or from either of the two
	// (a run started with ctrl+r on the Result tab), an error shows the
	// Error pane: a connection error has no reply, and the Result pane
	// would only say "No reply yet". A zoomed editor, the trace, history
	// and the rest stay where the user went.
	bring := false
	switch m.focus {
	case paneEditor, paneForm:
		bring = m.isTabs()
	case paneResult, paneError:
		bring = m.isTabs() || m.zoom
	}
	if bring {
		if res.Error != nil {
			m.setFocus(paneError)
		} else {
			m.setFocus(paneResult)
		}
		m.resize()
	}
	m.busyKill, m.busyWhat, m.busyFn, m.busyLib, m.busyNode = "", "", "", "", ""
	var probe tea.Cmd
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
		m.errp.SetAction(m.busyAction())
		addr := m.target.Addr
		if n := len(res.Steps); n > 0 && res.Steps[n-1].Node != "" {
			addr = res.Steps[n-1].Node
		}
		m.busyNode = addr
		probe = busyProbeCmd(m.session, addr)
	case res.Error != nil:
		m.setStatus(fmt.Sprintf("%s error: %s", res.Error.Class, res.Error.Message), true)
	case res.Explain != nil && len(res.Explain.Warnings()) > 0:
		w := res.Explain.Warnings()
		m.setStatus(fmt.Sprintf("⚠ %d lossy conversion(s): %s", len(w), w[0]), true)
	default:
		m.setStatus(fmt.Sprintf("ok: %d round trip%s, %s", len(res.Steps), map[bool]string{true: "s"}[len(res.Steps) != 1], res.Duration.Round(time.Microsecond)), false)
	}
	// The checks ask about what the next run sends: what this one sent
	// (kept above), or, if the text changed during the run or explain
	// mode fell back to the plain script, hashed by their commands.
	cmds := []tea.Cmd{m.checkCacheAll(), releaseMemoryCmd(), probe}
	if m.opts.History != nil {
		cmds = append(cmds, appendHistoryCmd(m.opts.History, HistoryEntry(m.session, m.opts.Label, msg.call, res)))
	}
	return m, tea.Batch(cmds...)
}

// busyAction is the Error panel's line for a BUSY reply from another
// client's script: the status message that says it is cut at 80
// columns and gone at the next key.
func (m Model) busyAction() string {
	if m.busyKill == "" {
		return ""
	}
	stop := m.c.Keys.Stop.Help().Key
	what := ""
	if m.busyWhat != "" {
		what = "Running: " + m.busyWhat + ". "
	}
	if m.busyLib != "" {
		what += m.busyLib + " (" + detailKey.Help().Key + ": its code). "
	}
	if m.readOnly {
		return what + stop + " would send " + m.busyKill + ", but read-only refuses it (" + m.c.Keys.ReadOnly.Help().Key + " turns read-only off)"
	}
	return what + stop + " sends " + m.busyKill + " (asks first) to stop the other client's script; luascope busy says the same from a shell (docs/busy.md)"
}

// busyProbedMsg is what a BUSY server says it runs (incident.Probe).
type busyProbedMsg struct {
	r   incident.Running
	err error
}

// busyProbeCmd asks the busy node what it runs, with the commands a BUSY
// server still answers (FUNCTION STATS), so the kill offered is chosen
// from what runs, not from the BUSY text's wording.
func busyProbeCmd(s *redisx.Session, addr string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		r, err := incident.Probe(ctx, s, addr)
		return busyProbedMsg{r, err}
	}
}

// busyProbed takes the probe's answer while the BUSY result is current.
func (m Model) busyProbed(msg busyProbedMsg) (tea.Model, tea.Cmd) {
	if m.busyKill == "" || msg.err != nil || !msg.r.Busy() {
		return m, nil
	}
	r := msg.r
	what := string(r.Kind)
	if r.Name != "" {
		what += " " + sanitize(r.Name)
	}
	if len(r.Command) > 0 {
		words := make([]string, len(r.Command))
		for i, w := range r.Command {
			words[i] = resp.Escape([]byte(w))
		}
		what += " (" + strings.Join(words, " ") + ")"
	}
	if r.DurationMS > 0 {
		what += fmt.Sprintf(", running for %s", (time.Duration(r.DurationMS) * time.Millisecond).String())
	}
	if r.Kill != "" {
		m.busyKill = r.Kill
	}
	m.busyWhat = cutRunes(what, 300)
	m.errp.SetAction(m.busyAction())
	if r.Kind == incident.Function && r.Name != "" {
		// The busy node refuses FUNCTION LIST while the function runs;
		// another node has its library, unless there is drift.
		m.busyFn = r.Name
		// The nodes last seen: CLUSTER NODES is refused when the seed is
		// the busy node.
		return m, busyLibraryCmd(m.session, r.Node, r.Name, m.clus.knownNodes())
	}
	return m, nil
}

// runNodeAfter is the node a run goes to after step (cur until then): a
// redirect's target, else the node that answered (NOSCRIPT's retry goes
// back there); a step that got no answer (a node down, a timeout) says
// nothing about where the script runs.
func runNodeAfter(st redisx.Step, cur string) string {
	if st.Reply == nil || st.Node == "" {
		return cur
	}
	if st.Reply.Kind == resp.Error {
		if _, _, addr, ok := redisx.ParseRedirect(string(st.Reply.Str)); ok {
			return addr
		}
	}
	return st.Node
}

// busyLibraryMsg is the library of the function that holds a BUSY node,
// as another node has it (ok false: none had it, or none could be asked).
type busyLibraryMsg struct {
	function string
	lib      redisx.Library
	from     string
	ok       bool
}

// busyLibraryCmd asks the cluster's other nodes for the library that
// registers function, as luascope busy does: the busy node at busy
// refuses FUNCTION LIST. The nodes are the topology's now, or known (the
// last one seen) when the seed cannot list them, being the busy node. A
// standalone server has none to ask.
func busyLibraryCmd(s *redisx.Session, busy, function string, known []string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		addrs := known
		if top, err := s.ServerTopology(ctx); err == nil {
			addrs = top.Reachable()
		}
		var others []string
		for _, a := range addrs {
			if a != busy {
				others = append(others, a)
			}
		}
		lib, from, ok := s.LibraryOf(ctx, function, others)
		return busyLibraryMsg{function: function, lib: lib, from: from, ok: ok}
	}
}

// busyLibrary names the running function's library in the Error panel and
// gives its code to the detail, while the BUSY result is current.
func (m Model) busyLibrary(msg busyLibraryMsg) (tea.Model, tea.Cmd) {
	if m.busyKill == "" || !msg.ok || msg.function != m.busyFn {
		return m, nil
	}
	m.busyLib = cutRunes("Library "+sanitize(msg.lib.Name)+" as FUNCTION LIST on "+sanitize(msg.from)+" (not busy) has it", 200)
	m.errp.SetAction(m.busyAction())
	m.errp.SetRunning(msg.lib.Code)
	return m, nil
}

func cutRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// cacheSubject names what the cache state is about: the explain
// wrapper is sent under its own SHA, not the script's.
func (m Model) cacheSubject() string {
	if m.sendsWrapper() {
		return "the explain wrapper's"
	}
	return "the script's"
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
	return m, m.checkCacheAll()
}

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
	script, what := src, "the script"
	if m.function != "" {
		// A function: the debugger runs its library as a script with the
		// same line numbers (ldb.LibraryScript). The library is the
		// editor's when it holds one, else the server's copy.
		lib := src
		if !ldb.IsLibrary(lib) {
			lib = m.fns.libraryOf(m.function)
		}
		if lib == "" {
			m.setStatus("F9 on function "+m.function+": open its library in the editor (ctrl+b, enter on the library) or load the library list (ctrl+b) first", true)
			return m, nil
		}
		s, err := ldb.LibraryScript(lib, m.function)
		if err != nil {
			m.setStatus("F9: "+err.Error(), true)
			return m, nil
		}
		src, script, what = lib, s, "function "+m.function+" (its library as a script)"
	}
	d := &debugState{mode: mode, starting: true, breaks: map[int]bool{}, source: strings.Split(src, "\n"), cursor: 1, st: newDebugStyles(m.c)}
	if script != src {
		d.library, d.function = d.source, m.function
	}
	m.overlays.push(d)
	m.setStatus("starting the debugger on "+what+" (SCRIPT DEBUG "+strings.ToUpper(string(mode))+")…", false)
	return m, debugStartCmd(m.session, mode, script, keys, args)
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

// updateRun handles the results of a run, a batch, the script cache and
// admin commands, and a new connection.
func (m Model) updateRun(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
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
		m.runNode = runNodeAfter(msg.step, m.runNode)
		return m, waitRunCmd(m.runCh)
	case runFinishedMsg:
		if msg.seq != m.runSeq {
			return m, nil
		}
		return m.finishRun(msg)
	case cacheCheckedMsg:
		// Only the SHA the next run sends counts: the last run's (the
		// explain wrapper's, before alt+x) says nothing about the next.
		if !m.answersNext(msg.sha, msg.hashed) {
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
				m.setStatus("SCRIPT EXISTS: the server's cache holds "+m.cacheSubject()+" sha "+short(msg.sha), false)
			default:
				m.setStatus("SCRIPT EXISTS: "+m.cacheSubject()+" sha "+short(msg.sha)+" is not in the cache — the next EVALSHA gets NOSCRIPT", false)
			}
		}
		return m, nil
	case adminDoneMsg:
		return m.adminDone(msg)
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
	}
	return m, nil
}
