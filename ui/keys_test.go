package ui

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"luascope/ui/editor"
)

// TestNoGlobalKeyShadowsPaneKey: the root matches its global bindings
// before the focused pane sees a key, so a key in both would silently
// never reach the pane (alt+b was Batch and the editor's word-left).
// Overlays (dialogs, prompts, the debugger) are not panes: they take keys
// before the global bindings do.
func TestNoGlobalKeyShadowsPaneKey(t *testing.T) {
	k := DefaultKeyMap()
	global := map[string]key.Binding{
		"Run": k.Run, "NextPane": k.NextPane, "PrevPane": k.PrevPane, "Help": k.Help, "Quit": k.Quit,
		"Zoom": k.Zoom, "Open": k.Open, "Save": k.Save, "ExternalEdit": k.ExternalEdit,
		"Strategy": k.Strategy, "Protocol": k.Protocol, "ReadOnly": k.ReadOnly, "Theme": k.Theme,
		"Stop": k.Stop, "CacheLoad": k.CacheLoad, "CacheFlush": k.CacheFlush, "CacheCheck": k.CacheCheck,
		"History": k.History, "Cluster": k.Cluster, "Explain": k.Explain, "Functions": k.Functions,
		"Batch": k.Batch, "compare": compareKey, "tests": testsKey, "health": healthKey, "gallery": galleryKey, "debug": debugKey, "debug sync": debugSyncKey,
	}
	// Every pane's bindings, by pane. The help and the list movement keys
	// (Up, Down …) are pane bindings too: each list pane reads them.
	panes := map[string][]key.Binding{
		"editor":    bindingsOf(editor.DefaultKeyMap()),
		"lists":     {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Left, k.Right},
		"form":      {k.AddRow, k.DeleteRow, k.MoveRowUp, k.MoveRowDown, k.ToggleKind},
		"result":    {k.Toggle, k.ExpandAll, k.CollapseAll, k.JumpError, k.CopyValue, k.RawView},
		"error":     {k.JumpLine},
		"trace":     {traceDetailKey},
		"details":   {detailKey},
		"history":   {loadKey, replayKey, histDetailKey},
		"search":    {k.Search, k.NextMatch, k.PrevMatch, searchConfirm, searchCancel},
		"cluster":   {clusterPick, clusterLoadAll, clusterRefresh},
		"functions": {fnEnter, fnLoad, fnScript, fnRefresh},
	}
	for gname, g := range global {
		for _, gk := range g.Keys() {
			for pname, bs := range panes {
				for _, b := range bs {
					for _, pk := range b.Keys() {
						if gk == pk {
							t.Errorf("global %s takes %q before the %s pane's %q sees it", gname, gk, pname, b.Help().Desc)
						}
					}
				}
			}
		}
	}
}

// bindingsOf is every binding field of the editor's key map.
func bindingsOf(k editor.KeyMap) []key.Binding {
	return []key.Binding{
		k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown,
		k.LineStart, k.LineEnd, k.DocStart, k.DocEnd, k.WordLeft, k.WordRight,
		k.SelectLeft, k.SelectRight, k.SelectUp, k.SelectDown, k.SelectLineStart, k.SelectLineEnd,
		k.SelectWordLeft, k.SelectWordRight, k.SelectDocStart, k.SelectDocEnd, k.SelectAll,
		k.Newline, k.Backspace, k.DeleteForward, k.DeleteWordBackward, k.Undo, k.Redo, k.Copy, k.Paste, k.Cut,
		k.Find, k.FindNext, k.GotoLine, k.Dismiss,
	}
}
