package ui

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"luascope/ui/editor"
)

// keysDocPath is the generated key reference, relative to this package.
const keysDocPath = "../docs/keys.md"

// keysDocMaps are the key maps docs/keys.md is generated from: every
// key.Binding field of each, in declaration order, grouped by the doc
// comments of the struct's fields. A pane that gets its own KeyMap
// (editor.DefaultKeyMap() …) is one more line here.
func keysDocMaps() []keysDocMap {
	return []keysDocMap{
		{"ui.DefaultKeyMap()", DefaultKeyMap()},
		{"editor.DefaultKeyMap()", editor.DefaultKeyMap()},
	}
}

// keysDocLists are bindings kept as package-level variables next to the
// pane or overlay that uses them.
func keysDocLists() []keysDocList {
	return []keysDocList{
		{"History pane (ctrl+p)", []key.Binding{loadKey, replayKey, histDetailKey}},
		{"Trace pane: steps (/, n, N search as in every pane)", []key.Binding{traceDetailKey}},
		{"Detail view (i in Result, Trace, Error and History)", []key.Binding{detailKey, detailCopyKey, detailCloseKey}},
		{"Search prompt (/)", []key.Binding{searchConfirm, searchCancel}},
		{"Cluster view (ctrl+l)", []key.Binding{clusterPick, clusterLoadAll, clusterRefresh}},
		{"Functions pane (ctrl+b)", []key.Binding{fnEnter, fnLoad, fnScript, fnRefresh}},
		{"File prompts (ctrl+o, ctrl+s save as, alt+B batch)", []key.Binding{completeKey}},
		{"Examples gallery and step debugger: opening them", []key.Binding{galleryKey, debugKey, debugSyncKey}},
		{"Compare view (alt+v): the script on several servers; ↑↓ pgup pgdn home end move, esc closes", []key.Binding{compareKey, compareDiffsKey, compareAgainKey, compareOpenKey, compareRunKey}},
		{"Tests view (alt+t): the script's *.test.toml on a sandbox; ↑↓ move, enter shows a case, ctrl+r again, esc closes", []key.Binding{testsKey}},
		{"Script cache and Functions on every node (alt+k): a report in the detail view; drift between nodes flagged", []key.Binding{healthKey}},
		{"Step debugger (F9)", []key.Binding{dbgStep, dbgContinue, dbgBreak, dbgPrint, dbgEval, dbgRedis, dbgMaxLen, dbgAbort, dbgLeave}},
	}
}

type keysDocMap struct {
	title string // the constructor, named in each section's heading
	km    any    // a pointer to, or a value of, a struct with key.Binding fields
}

type keysDocList struct {
	title    string
	bindings []key.Binding
}

// TestKeysDoc fails when docs/keys.md no longer matches the key maps;
// UPDATE_DOCS=1 go test -run TestKeysDoc ./ui/ rewrites it (as lazygit
// does for its cheat sheet).
func TestKeysDoc(t *testing.T) {
	got := renderKeysDoc(t)
	if os.Getenv("UPDATE_DOCS") != "" {
		if err := os.WriteFile(keysDocPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(keysDocPath)
	if err != nil {
		t.Fatalf("%v; write it with: UPDATE_DOCS=1 go test -run TestKeysDoc ./ui/", err)
	}
	if !bytes.Equal(want, got) {
		t.Fatalf("docs/keys.md is stale (the key maps changed); rewrite it with: UPDATE_DOCS=1 go test -run TestKeysDoc ./ui/")
	}
}

func renderKeysDoc(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("<!-- Generated from the key maps by TestKeysDoc (ui/keysdoc_test.go). Do not edit:\n")
	b.WriteString("     UPDATE_DOCS=1 go test -run TestKeysDoc ./ui/ -->\n")
	b.WriteString("# luascope keys\n\n")
	b.WriteString("Every binding of the terminal UI, generated from the key maps in `ui/`. ")
	b.WriteString("*key* is what the help bar and F1 show, *all keys* every key that triggers it. ")
	b.WriteString("Bindings that do not apply in the current state are hidden from the help bar and F1. ")
	b.WriteString("See [tui.md](tui.md) for what each pane does.\n")
	for _, m := range keysDocMaps() {
		v := reflect.Indirect(reflect.ValueOf(m.km))
		sections := keyMapSections(t, v.Type())
		cur := "\x00"
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			bnd, ok := v.Field(i).Interface().(key.Binding)
			if !ok || !f.IsExported() {
				continue
			}
			sec := "`" + m.title + "`"
			if s := sections[f.Name]; s != "" {
				sec = s + " (" + sec + ")"
			}
			if sec != cur {
				cur = sec
				writeKeysHeader(&b, sec)
			}
			writeKeysRow(&b, bnd)
		}
	}
	for _, l := range keysDocLists() {
		writeKeysHeader(&b, l.title)
		for _, bnd := range l.bindings {
			writeKeysRow(&b, bnd)
		}
	}
	return b.Bytes()
}

func writeKeysHeader(b *bytes.Buffer, title string) {
	fmt.Fprintf(b, "\n## %s\n\n| key | all keys | action |\n|---|---|---|\n", title)
}

func writeKeysRow(b *bytes.Buffer, bnd key.Binding) {
	h := bnd.Help()
	var all []string
	for _, k := range bnd.Keys() {
		if k == " " {
			k = "space"
		}
		all = append(all, "`"+k+"`")
	}
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	fmt.Fprintf(b, "| %s | %s | %s |\n", cell(h.Key), cell(strings.Join(all, " ")), cell(h.Desc))
}

// keyMapSections reads the doc comments of a key map struct's fields from
// its package's source: a field without a comment belongs to the section
// of the one before it. Only the comment's first sentence is kept.
func keyMapSections(t *testing.T, typ reflect.Type) map[string]string {
	t.Helper()
	dir := "."
	if rel, ok := strings.CutPrefix(typ.PkgPath(), "luascope/ui/"); ok {
		dir = filepath.FromSlash(rel)
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || ts.Name.Name != typ.Name() {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return false
			}
			sec := ""
			for _, fld := range st.Fields.List {
				if fld.Doc != nil {
					sec = firstSentence(fld.Doc.Text())
				}
				for _, id := range fld.Names {
					out[id.Name] = sec
				}
			}
			return false
		})
	}
	return out
}

func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}
