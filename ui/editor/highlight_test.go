package editor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/charmbracelet/lipgloss"

	"luascope/themes"
)

// richLua exercises every rule of chroma's Lua lexer.
const richLua = `#!lua flags=no-writes,allow-oom
--[[ A block comment
     over lines ]] local after = 1
--[==[ level two ]] still
  comment ]==]
-- a line comment
local s1, s2 = 'single \' esc \n \x41 \65 \u{48}', "double \" \\ \z
   continued"
local long = [[
raw ]] .. [=[ level ]] one ]=]
local n = {0x1F, 0xA.8p3, 3.14, .5, 5., 1e10, 2E-3, 42, 7}
local t = {a = 1, ["b"] = 2}
function M.util:method(a, ...)
  if not a and b or c then return nil end
  for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i]) end
  goto continue
  ::continue::
  local x = a // 2 ~= b >> 1 << 2 | 3 & 4 ~ 5
  while true do break end
  repeat until false
end
local function helper() return redis.status_reply('OK') end
function plain(x) return x..'!' end
local f = function(y) return y end
return cjson.encode({ok = true, v = n[1] % 3 ^ 2})
`

// chromaTypes is chroma's token type for every byte of src.
func chromaTypes(t *testing.T, src string) []chroma.TokenType {
	t.Helper()
	it, err := lexers.Get("lua").Tokenise(nil, src)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]chroma.TokenType, 0, len(src))
	for tok := it(); tok != chroma.EOF; tok = it() {
		for range len(tok.Value) {
			out = append(out, tok.Type)
		}
	}
	return out
}

// TestEditorLexerAgreesWithChroma lexes scripts line by line with the
// editor's tokenizer and checks every byte gets chroma's token type.
func TestEditorLexerAgreesWithChroma(t *testing.T) {
	scripts := map[string]string{"rich": richLua}
	files, _ := filepath.Glob("../../testdata/*.lua")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scripts[filepath.Base(f)] = string(b)
	}
	if len(scripts) < 2 {
		t.Fatal("no testdata scripts found")
	}
	for name, src := range scripts {
		t.Run(name, func(t *testing.T) {
			want := chromaTypes(t, src)
			d := newDoc(src)
			d.ensure(d.lineCount() - 1)
			off := 0
			for i, l := range d.lines {
				start := 0
				for _, sp := range l.spans {
					for b := start; b < int(sp.end); b++ {
						got, w := tokChroma[sp.tok], want[off+b]
						space := strings.ContainsRune(" \t\r", rune(l.text[b]))
						if got != w && !(space && (got == chroma.Text || w == chroma.Text)) {
							t.Fatalf("line %d byte %d (%q in %q): got %s, chroma %s",
								i+1, b, l.text[b], l.text, got, w)
						}
					}
					start = int(sp.end)
				}
				if start != len(l.text) {
					t.Fatalf("line %d: spans cover %d of %d bytes", i+1, start, len(l.text))
				}
				off += len(l.text) + 1
			}
		})
	}
}

// testDoc is a 40-line script, lexed and drawn.
func testDoc(t *testing.T) Model {
	var lines []string
	for i := 1; i <= 40; i++ {
		lines = append(lines, fmt.Sprintf("local v%d = redis.call('GET', KEYS[%d])", i, i))
	}
	lines[14] = "]] -- closes a long comment if one is open"
	e := newTestEditor(t, strings.Join(lines, "\n"), 80, 50)
	_ = e.View()
	if e.doc.frontier != 40 {
		t.Fatalf("frontier %d after drawing everything", e.doc.frontier)
	}
	return e
}

func lineToks(d *doc, i int) []span { return append([]span(nil), d.lines[i].spans...) }

func TestEditorHighlightEditRelexesOneLine(t *testing.T) {
	e := testDoc(t)
	before := e.doc.relexes
	e.GotoLine(20)
	e = typeText(e, "x")
	if got := e.doc.relexes - before; got != 1 {
		t.Fatalf("typing one character re-lexed %d lines, want 1", got)
	}
	e = press(t, e, "backspace", "enter")
	if got := e.doc.relexes - before; got != 4 {
		t.Fatalf("re-lexed %d lines, want 4 (3 edits, the newline splits one line into two)", got)
	}
	_ = e.View()
	if got := e.doc.relexes - before; got != 4 {
		t.Fatalf("drawing re-lexed %d more lines", got-4)
	}
}

func TestEditorHighlightLongCommentOpenClose(t *testing.T) {
	e := testDoc(t)
	orig := make([][]span, 40)
	for i := range orig {
		orig[i] = lineToks(e.doc, i)
	}
	// Open a long comment on line 10 (index 9): lines 10–15 change, 15
	// closes it, and the walk stops at 16 whose start state is unchanged.
	e.GotoLine(10)
	e = press(t, e, "home")
	before := e.doc.relexes
	e = paste(e, "--[[")
	if got := e.doc.relexes - before; got != 6 {
		t.Fatalf("opening --[[ re-lexed %d lines, want 6 (lines 10–15)", got)
	}
	for i := 10; i < 14; i++ {
		if sp := e.doc.lines[i].spans; len(sp) != 1 || sp[0].tok != tokCommentMulti {
			t.Fatalf("line %d not a comment: %+v", i+1, sp)
		}
	}
	if sp := e.doc.lines[14].spans; sp[0].tok != tokCommentMulti || sp[0].end != 2 {
		t.Fatalf("line 15 should close the comment at ]]: %+v", sp)
	}
	if !equalSpans(e.doc.lines[20].spans, orig[20]) {
		t.Fatal("a line after the comment changed")
	}
	// Closing it (undo) re-lexes the same lines and restores them.
	before = e.doc.relexes
	e = press(t, e, "ctrl+u")
	if got := e.doc.relexes - before; got != 6 {
		t.Fatalf("closing re-lexed %d lines, want 6", got)
	}
	for i := range orig {
		if !equalSpans(e.doc.lines[i].spans, orig[i]) {
			t.Fatalf("line %d not restored: %+v vs %+v", i+1, e.doc.lines[i].spans, orig[i])
		}
	}
}

func TestEditorHighlightUnterminatedComment(t *testing.T) {
	e := testDoc(t)
	e.GotoLine(20)
	e = press(t, e, "home")
	before := e.doc.relexes
	e = typeText(e, "--[")
	if got := e.doc.relexes - before; got != 3 {
		t.Fatalf("a line comment re-lexed %d lines, want 3", got)
	}
	before = e.doc.relexes
	e = typeText(e, "[")
	// Nothing closes it: every line to the end becomes comment.
	if got := e.doc.relexes - before; got != 21 {
		t.Fatalf("opening a comment to the end re-lexed %d lines, want 21", got)
	}
	if st := e.doc.lines[39].end; st.kind != stLongComment {
		t.Fatalf("last line ends in state %+v", st)
	}
	// Closing it on the same line restores the rest.
	before = e.doc.relexes
	e = typeText(e, "]")
	if got := e.doc.relexes - before; got != 1 {
		t.Fatalf("a lone ] re-lexed %d lines, want 1", got)
	}
	e = typeText(e, "]")
	if got := e.doc.relexes - before; got != 22 {
		t.Fatalf("closing re-lexed %d lines, want 1+21", got)
	}
	if sp := e.doc.lines[25].spans; sp[0].tok != tokKeywordDecl {
		t.Fatalf("line 26 not restored: %+v", sp)
	}
}

func TestEditorHighlightLazyOpen(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "local v%d = %d\n", i, i)
	}
	e := newTestEditor(t, b.String(), 80, 40)
	_ = e.View()
	if e.doc.relexes > 40 {
		t.Fatalf("opening lexed %d lines, want only the 40 on screen", e.doc.relexes)
	}
	e.GotoLine(9000)
	_ = e.View()
	if e.doc.frontier < 9000 {
		t.Fatalf("frontier %d below the screen", e.doc.frontier)
	}
}

func equalSpans(a, b []span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEditorTokenColoursFromChroma(t *testing.T) {
	th := themes.Default()
	cs := styles.Get("monokai")
	for _, k := range []tok{tokKeyword, tokStringSingle, tokCommentSingle, tokNameFunction, tokInteger} {
		want := cs.Get(tokChroma[k])
		got := tokenStyle(th, cs, k)
		if got.GetForeground() != lipgloss.Color(want.Colour.String()) {
			t.Errorf("%s: foreground %v, chroma %s", tokChroma[k], got.GetForeground(), want.Colour)
		}
		if got.GetItalic() != (want.Italic == chroma.Yes) || got.GetBold() != (want.Bold == chroma.Yes) {
			t.Errorf("%s: emphasis differs from chroma", tokChroma[k])
		}
	}
	// Mono: no colour at all, keywords bold.
	mono, err := themes.Get("mono")
	if err != nil {
		t.Skip("no mono theme:", err)
	}
	kw := tokenStyle(mono, cs, tokKeyword)
	if _, none := kw.GetForeground().(lipgloss.NoColor); !none || !kw.GetBold() {
		t.Errorf("mono keyword style = %v", kw)
	}
}

func TestEditorHighlightHorizon(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "local v%d = %d\n", i, i)
	}
	e := newTestEditor(t, b.String(), 80, 40)
	e.GotoLine(10000)
	_ = e.View()
	e.GotoLine(1)
	_ = e.View()
	// Opening a comment at the top re-lexes the screen, not the script.
	before := e.doc.relexes
	e = paste(e, "--[[")
	if got := e.doc.relexes - before; got > 42 {
		t.Fatalf("opening --[[ at the top re-lexed %d lines", got)
	}
	_ = e.View()
	// Lines further down are re-lexed when they are drawn, as comment.
	e.GotoLine(9990)
	_ = e.View()
	if sp := e.doc.lines[9995].spans; len(sp) != 1 || sp[0].tok != tokCommentMulti {
		t.Fatalf("line 9996 not comment after scrolling to it: %+v", sp)
	}
	// Closing it at the top restores them, again lazily.
	e.GotoLine(1)
	e = press(t, e, "end")
	before = e.doc.relexes
	e = paste(e, "]]")
	if got := e.doc.relexes - before; got > 42 {
		t.Fatalf("closing re-lexed %d lines", got)
	}
	e.GotoLine(9990)
	_ = e.View()
	if sp := e.doc.lines[9995].spans; sp[0].tok != tokKeywordDecl {
		t.Fatalf("line 9996 not restored: %+v", sp)
	}
	// Lines past the pulled-back frontier that come out current again
	// (the comment was opened and undone before they were drawn) are
	// not re-lexed when drawn.
	e.GotoLine(1)
	_ = e.View()
	e = press(t, e, "end")
	e = paste(e, "--[[")
	e = press(t, e, "ctrl+u")
	if e.doc.frontier > 42 {
		t.Fatalf("frontier %d not pulled back", e.doc.frontier)
	}
	before = e.doc.relexes
	e.GotoLine(9990)
	_ = e.View()
	if got := e.doc.relexes - before; got != 0 {
		t.Fatalf("scrolling over current lines re-lexed %d", got)
	}
}
