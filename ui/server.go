package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// updateServer handles what the server-side panes ask of the root and
// what needs the root's state: the per-node script cache, the node for
// keyless scripts, a library opened, picked or loaded. The cluster's
// topology, the library list and the history's loads go to their panes.
func (m Model) updateServer(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case refreshClusterMsg:
		return m, m.refreshCluster()
	case nodeCacheLoadedMsg:
		if !m.answersNext(msg.sha, msg.hashed) {
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
	case libraryOpenedMsg:
		if m.editor.Modified() && !msg.confirmed {
			// Asked, as opening a file or a history run asks.
			msg.confirmed = true
			m.overlays.push(newConfirm("Discard changes?", "The script has unsaved changes. Replace it with library "+sanitize(msg.lib.Name)+"?", deliver(msg)))
			return m, nil
		}
		m.editor.SetValue(msg.lib.Code)
		m.editor.SetFilename("")
		m.fileMod = time.Time{}
		m.setFocus(paneEditor)
		m.setStatus("library "+msg.lib.Name+" in the editor: edit it, then ctrl+b and l to FUNCTION LOAD REPLACE it", false)
		return m, m.scriptReplaced()
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
	}
	return m, nil
}
