package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"luascope/examples"
	"luascope/redisx"
	"luascope/redisx/ldb"
	"luascope/themes"
)

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
	case key.Matches(km, k.NextPane), key.Matches(km, k.PrevPane):
		dir := 1
		if key.Matches(km, k.PrevPane) {
			dir = -1
		}
		m.cycleFocus(dir)
		m.resize()
		if m.focus == paneFunctions && m.session != nil {
			// Reached with tab as with ctrl+b: ask, or it says
			// "asking FUNCTION LIST…" for ever.
			return m, librariesCmd(m.session)
		}
		if m.focus == paneCluster && m.clus.top == nil {
			// The same for the cluster view ("asking CLUSTER NODES…").
			return m, m.refreshCluster()
		}
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
	case key.Matches(km, debugKey), key.Matches(km, debugSyncKey):
		sync := key.Matches(km, debugSyncKey)
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
	case key.Matches(km, k.Messages):
		m.overlays.push(&detailView{doc: m.msgs.doc()})
		return m, nil
	case key.Matches(km, k.Findings):
		m.overlays.push(&lintList{})
		if m.lintStale() {
			return m, m.lintNow()
		}
		return m, nil
	case key.Matches(km, compareKey):
		return m.openCompare()
	case key.Matches(km, testsKey):
		return m.openTests()
	case key.Matches(km, healthKey):
		return m.openHealth()
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
			m.setStatus("explain mode: the next runs show the Lua value behind every reply node (the script runs once inside a wrapper, sent under the wrapper's own SHA)", false)
		} else {
			m.setStatus("explain mode off", false)
		}
		// The next run sends another script (the wrapper or the plain
		// one) under another SHA: what was cached says nothing about it.
		m.cache = cacheUnknown
		return m, m.checkCacheAll()
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
		for _, s := range []*redisx.Session{m.session, m.exampleUser} {
			if s != nil {
				s.SetReadOnly(m.readOnly)
			}
		}
		if m.readOnly {
			m.setStatus("read-only: EVAL_RO/EVALSHA_RO; SCRIPT FLUSH/KILL, SYNC debugging, example setups and debugger writes refused", false)
		} else {
			m.setStatus("read-only off: scripts may write", false)
		}
		m.errp.SetAction(m.busyAction())
		// "a write command and the script runs read-only" comes and goes with F8.
		return m, m.lintNow()
	case key.Matches(km, k.Theme) && m.opts.NoColor:
		m.setStatus("NO_COLOR is set: the mono theme stays (unset NO_COLOR for colour themes)", false)
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
			where, kill := m.killOn(m.busyNode, m.busyKill)
			m.overlays.push(newConfirm("Stop another client's script",
				"The server answered BUSY: a script or function started by another client has run past busy-reply-threshold. Send "+m.busyKill+
					" to "+where+"? It fails with UNKILLABLE if the script has already written.",
				kill).withStatus("sending…"))
			return m, nil
		}
		if !m.running {
			m.setStatus("no script is running", false)
			return m, nil
		}
		what := m.runKill // set by launch
		if what == "" {
			what = "SCRIPT KILL"
		}
		if m.readOnly {
			m.setStatus("read-only: "+what+" is refused; wait for the script or turn read-only off (F8)", true)
			return m, nil
		}
		where, kill := m.killOn(m.runNode, what)
		m.overlays.push(newConfirm("Stop the script", "Send "+what+" from a second connection to "+where+"? A script that has already written cannot be killed (UNKILLABLE).",
			kill).withStatus("sending " + what + "…"))
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
