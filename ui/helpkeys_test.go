package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
	"luascope/ui/editor"
)

// helpAppliesIn says, for each binding of the root KeyMap that is not in
// its Global section, the panes whose F1 must list it. A new field must
// be added here, so no binding is left out of the help by accident.
var helpAppliesIn = map[string][]paneID{
	"Up":          {paneResult, paneTrace, paneHistory, paneForm, paneCluster, paneFunctions},
	"Down":        {paneResult, paneTrace, paneHistory, paneForm, paneCluster, paneFunctions},
	"PageUp":      {paneResult, paneTrace, paneHistory},
	"PageDown":    {paneResult, paneTrace, paneHistory},
	"Top":         {paneResult, paneTrace},
	"Bottom":      {paneResult, paneTrace},
	"Left":        {paneResult},
	"Right":       {paneResult},
	"AddRow":      {paneForm},
	"DeleteRow":   {paneForm},
	"MoveRowUp":   {paneForm},
	"MoveRowDown": {paneForm},
	"ToggleKind":  {paneForm},
	"Toggle":      {paneResult},
	"ExpandAll":   {paneResult},
	"CollapseAll": {paneResult},
	"JumpError":   {paneResult},
	"CopyValue":   {paneResult},
	"RawView":     {paneResult},
	"JumpLine":    {paneError},
	"Search":      {paneResult, paneTrace, paneHistory},
	"NextMatch":   {paneResult, paneTrace, paneHistory},
	"PrevMatch":   {paneResult, paneTrace, paneHistory},
	// A dialog says its own keys ("y/n") in its text: not an F1 matter.
	"Confirm": nil,
	"Cancel":  nil,
}

// helpLocal is every package-level binding (a pane's or an overlay's own)
// with where F1 must list it: global, or the panes named; neither for
// the debugger's, which its own screen lists (debugView's key line).
type helpLocal struct {
	b      key.Binding
	global bool
	panes  []paneID
}

func helpLocals() map[string]helpLocal {
	return map[string]helpLocal{
		"galleryKey": {b: galleryKey, global: true},
		"compareKey": {b: compareKey, global: true},
		"testsKey":   {b: testsKey, global: true},
		"healthKey":  {b: healthKey, global: true},
		// The Compare view shows its keys in its own title line.
		"compareDiffsKey": {b: compareDiffsKey}, "compareAgainKey": {b: compareAgainKey},
		"compareOpenKey": {b: compareOpenKey}, "compareRunKey": {b: compareRunKey},
		"debugKey":       {b: debugKey, global: true},
		"debugSyncKey":   {b: debugSyncKey, global: true},
		"loadKey":        {b: loadKey, panes: []paneID{paneHistory}},
		"replayKey":      {b: replayKey, panes: []paneID{paneHistory}},
		"searchConfirm":  {b: searchConfirm, panes: []paneID{paneResult, paneTrace, paneHistory}},
		"searchCancel":   {b: searchCancel, panes: []paneID{paneResult, paneTrace, paneHistory}},
		"detailKey":      {b: detailKey, panes: []paneID{paneResult, paneError}},
		"traceDetailKey": {b: traceDetailKey, panes: []paneID{paneTrace}},
		"histDetailKey":  {b: histDetailKey, panes: []paneID{paneHistory}},
		// The detail view and the file prompts show their keys in their
		// own boxes, as a dialog does.
		"detailCopyKey": {b: detailCopyKey}, "detailCloseKey": {b: detailCloseKey}, "completeKey": {b: completeKey},
		"clusterPick":    {b: clusterPick, panes: []paneID{paneCluster}},
		"clusterLoadAll": {b: clusterLoadAll, panes: []paneID{paneCluster}},
		"clusterRefresh": {b: clusterRefresh, panes: []paneID{paneCluster}},
		"fnEnter":        {b: fnEnter, panes: []paneID{paneFunctions}},
		"fnLoad":         {b: fnLoad, panes: []paneID{paneFunctions}},
		"fnScript":       {b: fnScript, panes: []paneID{paneFunctions}},
		"fnRefresh":      {b: fnRefresh, panes: []paneID{paneFunctions}},
		"dbgStep":        {b: dbgStep}, "dbgContinue": {b: dbgContinue}, "dbgBreak": {b: dbgBreak},
		"dbgPrint": {b: dbgPrint}, "dbgEval": {b: dbgEval}, "dbgRedis": {b: dbgRedis},
		"dbgMaxLen": {b: dbgMaxLen}, "dbgAbort": {b: dbgAbort}, "dbgLeave": {b: dbgLeave},
	}
}

// packageBindings is the names of the package-level variables of ui made
// with key.NewBinding, read from the source.
func packageBindings(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, v := range vs.Values {
					call, ok := v.(*ast.CallExpr)
					if !ok {
						continue
					}
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "NewBinding" {
						names = append(names, vs.Names[i].Name)
					}
				}
			}
		}
	}
	return names
}

// helpTestModels is a model per pane, in a state where all of its
// bindings apply: a reply with an error element, a trace, an error that
// names a line.
func helpTestModels(t *testing.T) map[paneID]Model {
	t.Helper()
	sha := redisx.SHA1(demoSrc)
	reply := &resp.Value{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Integer, Int: 1},
		{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Error, Str: []byte("ERR inner")}}}}}
	run := feedRun(offlineModel(t, demoSrc, []string{"k"}, []string{"1"}), fixedSteps(sha), reply, nil)
	msg := "ERR user_script:2: Script attempted to access nonexistent global variable 'nosuch' script: " + sha + ", on @user_script:2."
	c := classify.Classify(msg)
	v := resp.Value{Kind: resp.Error, Str: []byte(msg)}
	st := []redisx.Step{{Seq: 1, Command: []string{"EVALSHA", sha, "0"}, Outcome: redisx.OutcomeError, Reply: &v, Dur: time.Millisecond}}
	errM := feedRun(offlineModel(t, demoSrc, nil, nil), st, &v, &c)
	out := map[paneID]Model{}
	for id := paneID(0); id < paneCount; id++ {
		m := run
		if id == paneError {
			m = errM
		}
		m.pane(m.focus).Blur()
		m.focus = id // not setFocus: the cluster pane without a cluster
		m.pane(id).Focus()
		out[id] = sized(m, 200, 60)
	}
	return out
}

// TestHelpListsEveryBinding: F1 is drawn from the key maps, so every
// binding of the root's KeyMap, the editor's and every pane's own is in
// F1 for each pane where it applies (global ones for every pane), and in
// docs/keys.md. A binding added anywhere without a place in the help
// fails here.
func TestHelpListsEveryBinding(t *testing.T) {
	models := helpTestModels(t)
	f1 := map[paneID][]string{}
	for id, m := range models {
		for _, l := range m.helpLines() {
			f1[id] = append(f1[id], ansi.Strip(l))
		}
	}
	inF1 := func(id paneID, b key.Binding) bool {
		h := b.Help()
		for _, l := range f1[id] {
			if i := strings.Index(l, h.Key+" "); i >= 0 && strings.Contains(l[i:], " "+h.Desc) {
				return true
			}
		}
		return false
	}
	doc := string(renderKeysDoc(t))
	inDoc := func(b key.Binding) bool {
		h := b.Help()
		return strings.Contains(doc, "| "+strings.ReplaceAll(h.Key, "|", `\|`)+" |") && strings.Contains(doc, "| "+strings.ReplaceAll(h.Desc, "|", `\|`)+" |")
	}
	check := func(name string, b key.Binding, global bool, panes []paneID) {
		if !inDoc(b) {
			t.Errorf("%s (%s) is not in docs/keys.md: add it to keysDocLists", name, b.Help().Key)
		}
		if global {
			panes = nil
			for id := paneID(0); id < paneCount; id++ {
				panes = append(panes, id)
			}
		}
		for _, id := range panes {
			if !inF1(id, b) {
				t.Errorf("F1 for the %s pane lacks %s (%s %s):\n%s", id, name, b.Help().Key, b.Help().Desc, strings.Join(f1[id], "\n"))
			}
		}
	}

	km := DefaultKeyMap()
	v := reflect.ValueOf(km).Elem()
	sections := keyMapSections(t, v.Type())
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		b, ok := v.Field(i).Interface().(key.Binding)
		if !ok {
			continue
		}
		if sections[name] == "Global" {
			check(name, b, true, nil)
			continue
		}
		panes, ok := helpAppliesIn[name]
		if !ok {
			t.Errorf("KeyMap.%s: say in helpAppliesIn which panes' F1 must list it", name)
			continue
		}
		check(name, b, false, panes)
	}
	// Every global binding is in GlobalHelp itself, not only somewhere.
	var global []key.Binding
	for _, g := range km.GlobalHelp() {
		global = append(global, g.Bindings...)
	}
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		if b, ok := v.Field(i).Interface().(key.Binding); ok && sections[name] == "Global" &&
			!slices.ContainsFunc(global, func(g key.Binding) bool { return g.Help() == b.Help() }) {
			t.Errorf("KeyMap.%s is global but not in GlobalHelp", name)
		}
	}

	ev := reflect.ValueOf(editor.DefaultKeyMap())
	for i := 0; i < ev.NumField(); i++ {
		if b, ok := ev.Field(i).Interface().(key.Binding); ok {
			check("editor."+ev.Type().Field(i).Name, b, false, []paneID{paneEditor})
		}
	}

	locals := helpLocals()
	for _, name := range packageBindings(t) {
		l, ok := locals[name]
		if !ok {
			t.Errorf("the binding %s: say in helpLocals where F1 must list it", name)
			continue
		}
		check(name, l.b, l.global, l.panes)
	}
}
