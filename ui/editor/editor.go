package editor

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/themes"
)

// Model is the script pane: a multi-line Lua editor with incremental
// syntax highlighting, undo, selection, search and an error-line marker.
// It is a value like the bubbles components (Update returns a new
// Model), but the text, history and render caches sit behind pointers so
// that View, which has a value receiver, can fill its caches.
type Model struct {
	// KeyMap is the editor's bindings; the root may change them before
	// the first key, like a bubbles component's KeyMap.
	KeyMap KeyMap

	theme themes.Theme
	doc   *doc
	hist  *history
	rc    *renderCache

	filename      string
	width, height int
	focused       bool

	cur, anchor pos // anchor is the other end of the selection
	sel         bool
	goal        int // display column kept by up/down moves; -1 takes it from the cursor
	top, left   int // first visible line; first visible display column

	errLine int // 1-based line of the last error, 0 for none
	// marks are lint findings by 1-based line: 'E' error, 'W' warning, 'I' info.
	marks map[int]byte

	prompt    uint8            // promptNone, promptFind, promptGoto
	input     *textinput.Model // by pointer: 5 KB the UI model would copy in every Update
	query     string           // the find query, kept after the bar closes for FindNext
	searchGen uint64           // changes with the query and the bar; in the row cache key
	status    string           // "no match", "wrapped", … shown in the bar
	statusErr bool

	clip    string    // the internal clipboard
	clipOut io.Writer // where the OSC 52 sequence goes
}

// Prompts that can occupy the bottom line of the pane.
const (
	promptNone uint8 = iota
	promptFind
	promptGoto
)

// tabWidth is how many columns a tab in the source occupies on screen.
const tabWidth = 4

// New returns an empty, blurred editor drawn in theme t with the default
// key map.
func New(t themes.Theme) Model {
	e := unstyled(t)
	// Build the styles now rather than in the first View: it may ask the
	// terminal for its background colour, which belongs before the
	// program starts, not in a View.
	e.rc.styles(t)
	return e
}

// NewWithText is New with src set (SetValue), split into lines before
// the styles are asked for: at the terminal UI's start they may still be
// in the making on another goroutine (NewStyles), and the split need not
// wait for them.
func NewWithText(t themes.Theme, src string) Model {
	e := unstyled(t)
	e.SetValue(src)
	e.rc.styles(t)
	return e
}

// unstyled is New's model before its styles.
func unstyled(t themes.Theme) Model {
	ti := textinput.New()
	ti.Prompt = ""
	// A blinking cursor needs tick messages routed back to it; a steady
	// one is enough for a one-line bar.
	ti.Cursor.SetMode(cursor.CursorStatic)
	// ctrl+v in the text input would read the system clipboard with an
	// external program: I/O in Update. Bracketed paste still works.
	ti.KeyMap.Paste.SetEnabled(false)
	e := Model{
		KeyMap:  DefaultKeyMap(),
		theme:   t,
		doc:     newDoc(""),
		hist:    &history{},
		rc:      newRenderCache(),
		goal:    -1,
		input:   &ti,
		clipOut: os.Stdout,
	}
	return e
}

// SetTheme draws the editor in t from the next frame on. The styles are
// built here, not in View, for the reason given in New.
func (e *Model) SetTheme(t themes.Theme) {
	e.theme = t
	e.rc.styles(t)
}

// Init does nothing: the editor needs no start-up command. It exists so
// that the editor can be run on its own as a tea.Model in tests and demos.
func (e Model) Init() tea.Cmd { return nil }

// SetValue replaces the script, clears the undo history and marks the new
// text as saved (it is what was just loaded). The cursor goes to the top
// and the error marker is cleared, since it named a line of the old text.
func (e *Model) SetValue(src string) {
	e.doc.setText(src)
	e.hist.reset()
	e.cur, e.anchor, e.sel, e.goal = pos{}, pos{}, false, -1
	e.top, e.left = 0, 0
	e.errLine = 0
	e.status = ""
}

// Value is the script exactly as it will be sent to Redis.
func (e Model) Value() string { return e.doc.value() }

// Script is the text as Redis names it (source, SHA, shebang), computed
// once per change of the text and shared with Title, so that a run and
// every frame after it do not hash the script again.
func (e Model) Script() redisx.Script { return e.doc.redisScript() }

// ValueNow is Value when it is at hand: false for a big text (over 1 MiB)
// edited since it was last joined, which the caller then does not wait
// for on every key (the rescue copy: ui.Rescue).
func (e Model) ValueNow() (string, bool) { return e.doc.valueNow() }

// HashPending reports whether the text is big (over 1 MiB) and its SHA is
// not known for the current revision: the title says "sha …" until the
// root hashes it off the UI goroutine, once typing pauses, and gives it
// back with SetScript.
func (e Model) HashPending() bool {
	_, ok := e.doc.scriptNow()
	return !ok
}

// ScriptNow is Script when it is at hand: false while HashPending, when
// computing it would hash a big text on the caller's goroutine.
func (e Model) ScriptNow() (redisx.Script, bool) { return e.doc.scriptNow() }

// SetScript gives the editor the Script of its text at revision rev,
// hashed off the UI goroutine (HashPending); ignored if the text has
// changed since.
func (e *Model) SetScript(rev uint64, sc redisx.Script) {
	d := e.doc
	if rev != d.rev || sc.SHA == "" {
		return
	}
	d.val, d.valRev = sc.Source, rev
	d.script, d.scriptOK = sc, true
}

// Revision changes whenever the text does (an edit, undo, redo,
// SetValue), so the root can notice an edit without comparing whole
// scripts: Value joins the lines, which on a 10,000-line script is
// worth avoiding on every key.
func (e Model) Revision() uint64 { return e.doc.rev }

// Modified reports whether the text differs from what was last saved
// (MarkSaved) or loaded (SetValue); undoing back to that text clears it.
func (e Model) Modified() bool { return e.hist.current() != e.hist.saved }

// MarkSaved records the current text as saved, after the root wrote it.
func (e *Model) MarkSaved() {
	e.hist.saved = e.hist.current()
	e.hist.open = false // typing on must not merge into the saved step
}

// SetFilename sets the path shown in the title and used by the root for
// saving; "" means an unsaved scratch script.
func (e *Model) SetFilename(path string) { e.filename = path }

// Filename is the path set by SetFilename.
func (e Model) Filename() string { return e.filename }

// CursorLine is the 1-based line of the cursor, for the status bar.
func (e Model) CursorLine() int { return e.cur.line + 1 }

// SetErrorLine marks the line (1-based) that the last error names, with a
// marker in the gutter; 0 clears it.
func (e *Model) SetErrorLine(n int) {
	if n < 0 {
		n = 0
	}
	e.errLine = n
}

// SetLintMarks shows lint findings in the gutter (✗ error, ! warning,
// · info) until the next call; the error marker ▶ of a run wins.
func (e *Model) SetLintMarks(marks map[int]byte) { e.marks = marks }

// GotoLine moves the cursor to the first non-blank character of line n
// (1-based, clamped) and scrolls it to the middle of the pane when it was
// off screen, so that the line an error names is seen with its context.
func (e *Model) GotoLine(n int) {
	n = max(1, min(n, e.doc.lineCount())) - 1
	text := e.doc.text(n)
	e.cur = pos{n, len(text) - len(strings.TrimLeft(text, " \t"))}
	e.sel, e.goal = false, -1
	e.hist.open = false
	if rows := e.textRows(); rows > 0 && (n < e.top || n >= e.top+rows) {
		e.top = max(0, n-rows/2)
	}
	e.scrollToCursor()
}

// Title is the pane title for the root to draw: file name, short SHA (the
// name Redis gives the script), shebang flags and [+] when modified, e.g.
// "script.lua • sha 1a2b3c4 • flags no-writes • [+]". The SHA is computed
// once per change of the text.
func (e Model) Title() string {
	name := "untitled"
	if e.filename != "" {
		name = filepath.Base(e.filename)
	}
	sc, ok := e.doc.scriptNow()
	parts := []string{name, "sha …"}
	if ok {
		parts[1] = "sha " + sc.SHA[:7]
	} else {
		// Redis reads the shebang on the first line only: at hand.
		sc = redisx.Unhashed(e.doc.lines[0].text)
	}
	if sb := sc.Shebang; sb != nil {
		if len(sb.Flags) > 0 {
			parts = append(parts, "flags "+strings.Join(sb.Flags, ","))
		}
		if len(sb.Unknown) > 0 {
			parts = append(parts, "unknown flags "+strings.Join(sb.Unknown, ","))
		}
	}
	if e.Modified() {
		parts = append(parts, "[+]")
	}
	return strings.Join(parts, " • ")
}

// SetSize sets the pane's inner size; View returns exactly width×height.
func (e *Model) SetSize(width, height int) {
	e.width, e.height = max(0, width), max(0, height)
	e.input.Width = max(1, e.width-promptWidth(e.prompt)-statusWidth-1)
	e.scrollToCursor()
}

// Focus gives the editor the keyboard: the cursor is drawn.
func (e *Model) Focus() {
	e.focused = true
	if e.prompt != promptNone {
		e.input.Focus()
	}
}

// Blur takes the keyboard away: the cursor is hidden.
func (e *Model) Blur() {
	e.focused = false
	e.input.Blur()
}

// Focused reports whether the editor has the keyboard.
func (e Model) Focused() bool { return e.focused }

// ClipboardWrittenMsg reports the OSC 52 write of a copy; Err is for the
// root's status bar (a closed terminal, say).
type ClipboardWrittenMsg struct {
	Err   error
	Bytes int // how much was copied, for the status line
}

// copyToClipboardCmd writes text to the terminal's clipboard with OSC 52.
// It captures only the writer and the text, never the model, and runs as
// a command so that Update stays free of I/O.
func copyToClipboardCmd(w io.Writer, text string) tea.Cmd {
	return func() tea.Msg { return ClipboardWrittenMsg{Err: WriteClipboard(w, text), Bytes: len(text)} }
}

// WriteClipboard writes text to w as an OSC 52 "set clipboard" sequence:
// the one place luascope speaks OSC 52 (the editor's copies and the result
// tree's). Call it from a tea.Cmd, never from Update.
func WriteClipboard(w io.Writer, text string) error {
	_, err := osc52.New(text).WriteTo(w)
	return err
}

// Update handles keys while focused (the root sends keys only to the
// focused pane and handles tab itself) and forwards other messages to the
// prompt's text input.
func (e Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if !e.focused {
			return e, nil
		}
		return e.updateKey(msg)
	case ClipboardWrittenMsg:
		return e, nil
	}
	if e.prompt != promptNone {
		var cmd tea.Cmd
		*e.input, cmd = e.input.Update(msg)
		return e, cmd
	}
	return e, nil
}

func (e Model) updateKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := e.KeyMap
	if e.prompt != promptNone {
		return e.updatePrompt(msg)
	}
	if msg.Paste {
		// One undo step, never merged with typing around it.
		e.insert(normalizeNewlines(string(msg.Runes)), editOther)
		return e, nil
	}
	// Printable text first, so that no binding can steal a letter.
	if (msg.Type == tea.KeyRunes && !msg.Alt) || msg.Type == tea.KeySpace {
		runes := msg.Runes
		if msg.Type == tea.KeySpace {
			runes = []rune{' '}
		}
		e.insert(normalizeNewlines(string(runes)), editType)
		return e, nil
	}
	if key.Matches(msg, k.Backspace) {
		e.backspace()
		return e, nil
	}
	if key.Matches(msg, k.DeleteForward) {
		e.deleteForward()
		return e, nil
	}
	e.hist.open = false // anything else ends a run of typing

	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Undo):
		e.undo()
	case key.Matches(msg, k.Redo):
		e.redo()
	case key.Matches(msg, k.SelectAll):
		e.anchor, e.cur, e.sel = pos{}, e.doc.end(), true
	case key.Matches(msg, k.Copy):
		cmd = e.copySelection(false)
	case key.Matches(msg, k.Cut):
		cmd = e.copySelection(true)
	case key.Matches(msg, k.Paste):
		if e.clip != "" {
			e.insert(e.clip, editOther)
		}
	case key.Matches(msg, k.Find):
		e.openFind()
	case key.Matches(msg, k.FindNext):
		if e.query == "" {
			e.openFind()
		} else {
			e.findNext()
		}
	case key.Matches(msg, k.GotoLine):
		e.openPrompt(promptGoto, "")
	case key.Matches(msg, k.Dismiss):
		e.sel = false
	case key.Matches(msg, k.Newline):
		e.newline()
	case key.Matches(msg, k.DeleteWordBackward):
		if !e.deleteSelection() {
			from := e.wordLeft(e.cur)
			e.replace(from, e.cur, "", editOther)
		}

	case key.Matches(msg, k.Left):
		if e.sel {
			e.moveTo(e.selStart(), false)
		} else {
			e.moveTo(e.runeLeft(e.cur), false)
		}
	case key.Matches(msg, k.Right):
		if e.sel {
			e.moveTo(e.selEnd(), false)
		} else {
			e.moveTo(e.runeRight(e.cur), false)
		}
	case key.Matches(msg, k.Up):
		e.moveVert(-1, false)
	case key.Matches(msg, k.Down):
		e.moveVert(1, false)
	case key.Matches(msg, k.PageUp):
		e.page(-1)
	case key.Matches(msg, k.PageDown):
		e.page(1)
	case key.Matches(msg, k.LineStart):
		e.moveTo(e.smartHome(e.cur), false)
	case key.Matches(msg, k.LineEnd):
		e.moveTo(pos{e.cur.line, len(e.doc.text(e.cur.line))}, false)
	case key.Matches(msg, k.DocStart):
		e.moveTo(pos{}, false)
	case key.Matches(msg, k.DocEnd):
		e.moveTo(e.doc.end(), false)
	case key.Matches(msg, k.WordLeft):
		e.moveTo(e.wordLeft(e.cur), false)
	case key.Matches(msg, k.WordRight):
		e.moveTo(e.wordRight(e.cur), false)

	case key.Matches(msg, k.SelectLeft):
		e.moveTo(e.runeLeft(e.cur), true)
	case key.Matches(msg, k.SelectRight):
		e.moveTo(e.runeRight(e.cur), true)
	case key.Matches(msg, k.SelectUp):
		e.moveVert(-1, true)
	case key.Matches(msg, k.SelectDown):
		e.moveVert(1, true)
	case key.Matches(msg, k.SelectLineStart):
		e.moveTo(e.smartHome(e.cur), true)
	case key.Matches(msg, k.SelectLineEnd):
		e.moveTo(pos{e.cur.line, len(e.doc.text(e.cur.line))}, true)
	case key.Matches(msg, k.SelectWordLeft):
		e.moveTo(e.wordLeft(e.cur), true)
	case key.Matches(msg, k.SelectWordRight):
		e.moveTo(e.wordRight(e.cur), true)
	case key.Matches(msg, k.SelectDocStart):
		e.moveTo(pos{}, true)
	case key.Matches(msg, k.SelectDocEnd):
		e.moveTo(e.doc.end(), true)
	default:
		return e, nil
	}
	e.scrollToCursor()
	return e, cmd
}

// updatePrompt handles keys while the find or go-to bar is open.
func (e Model) updatePrompt(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := e.KeyMap
	switch {
	case key.Matches(msg, k.Dismiss):
		e.closePrompt()
		return e, nil
	case key.Matches(msg, k.Newline):
		if e.prompt == promptFind {
			e.findNext()
			return e, nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(e.input.Value()))
		if err != nil || n < 1 {
			e.status, e.statusErr = "line 1–"+strconv.Itoa(e.doc.lineCount()), true
			return e, nil
		}
		e.closePrompt()
		e.GotoLine(n)
		return e, nil
	case e.prompt == promptFind && key.Matches(msg, k.FindNext):
		e.findNext()
		return e, nil
	}
	before := e.input.Value()
	var cmd tea.Cmd
	*e.input, cmd = e.input.Update(msg)
	if v := e.input.Value(); v != before {
		e.status = ""
		if e.prompt == promptFind {
			e.query = v
			e.searchGen++
		}
	}
	return e, cmd
}

func promptWidth(p uint8) int {
	switch p {
	case promptFind:
		return len(findPrompt)
	case promptGoto:
		return len(gotoPrompt)
	}
	return 0
}

const (
	findPrompt = "find: "
	gotoPrompt = "go to line: "
)

func (e *Model) openFind() {
	q := e.query
	if e.sel && e.anchor.line == e.cur.line && e.anchor != e.cur {
		q = e.doc.slice(e.selStart(), e.selEnd()) // find the selected word
	}
	e.openPrompt(promptFind, q)
	if q != e.query {
		e.query = q
	}
	e.searchGen++
}

func (e *Model) openPrompt(p uint8, value string) {
	e.prompt = p
	e.status = ""
	e.input.SetValue(value)
	e.input.CursorEnd()
	e.input.Width = max(1, e.width-promptWidth(p)-statusWidth-1)
	st := e.rc.styles(e.theme)
	e.input.TextStyle, e.input.PromptStyle = st.inputStyle, st.promptStyle
	if e.focused {
		e.input.Focus()
	}
	e.scrollToCursor() // the bar takes a row
}

func (e *Model) closePrompt() {
	e.prompt = promptNone
	e.status = ""
	e.input.Blur()
	e.searchGen++
}

// findNext moves the cursor to the next case-insensitive match of the
// query after the cursor, wrapping at the end of the script.
func (e *Model) findNext() {
	if e.query == "" {
		return
	}
	from := e.cur
	if s, _ := indexFold(e.doc.text(from.line), e.query, from.col); s == from.col {
		from = e.runeRight(from) // already on a match: look past it
	}
	n := e.doc.lineCount()
	// Lines from the cursor's to the end, then from the top round to the
	// cursor's line again (whole, for matches before the cursor).
	for i := 0; i <= n; i++ {
		line, col := from.line+i, 0
		if i == 0 {
			col = from.col
		}
		wrapped := line >= n
		if wrapped {
			line -= n
		}
		if s, _ := indexFold(e.doc.text(line), e.query, col); s >= 0 {
			e.cur, e.sel, e.goal = pos{line, s}, false, -1
			e.status, e.statusErr = "", false
			if wrapped {
				e.status = "wrapped"
			}
			e.scrollToCursor()
			return
		}
	}
	e.status, e.statusErr = "no match", true
}

// indexFold finds q in s at or after byte from, ignoring case; it
// returns the match's byte range or -1.
func indexFold(s, q string, from int) (int, int) {
	if q == "" {
		return -1, -1
	}
	q0, _ := utf8.DecodeRuneInString(q)
	for i := from; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if foldEq(r, q0) {
			if n, ok := prefixFold(s[i:], q); ok {
				return i, i + n
			}
		}
		i += size
	}
	return -1, -1
}

// prefixFold reports whether s starts with q ignoring case, and how many
// bytes of s that prefix takes.
func prefixFold(s, q string) (int, bool) {
	i := 0
	for _, qr := range q {
		if i >= len(s) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !foldEq(r, qr) {
			return 0, false
		}
		i += size
	}
	return i, true
}

func foldEq(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	return unicode.ToLower(a) == unicode.ToLower(b)
}

// normalizeNewlines turns the \r and \r\n that terminals send for
// newlines in pastes into \n.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// --- selection ---

func (e Model) selStart() pos {
	if e.anchor.less(e.cur) {
		return e.anchor
	}
	return e.cur
}

func (e Model) selEnd() pos {
	if e.anchor.less(e.cur) {
		return e.cur
	}
	return e.anchor
}

// moveTo moves the cursor, extending the selection when selecting.
func (e *Model) moveTo(p pos, selecting bool) {
	if selecting && !e.sel {
		e.anchor, e.sel = e.cur, true
	} else if !selecting {
		e.sel = false
	}
	e.cur = p
	e.goal = -1
	if e.sel && e.anchor == e.cur {
		e.sel = false
	}
}

// moveVert moves up or down keeping the display column of the first move.
func (e *Model) moveVert(dir int, selecting bool) {
	goal := e.goal
	if goal < 0 {
		goal = displayCol(e.doc.text(e.cur.line), e.cur.col)
	}
	var p pos
	switch line := e.cur.line + dir; {
	case line < 0:
		p = pos{}
	case line >= e.doc.lineCount():
		p = e.doc.end()
	default:
		p = pos{line, colForDisplay(e.doc.text(line), goal)}
	}
	e.moveTo(p, selecting)
	e.goal = goal
}

// page moves the cursor and the view by one screen.
func (e *Model) page(dir int) {
	rows := max(1, e.textRows())
	goal := e.goal
	if goal < 0 {
		goal = displayCol(e.doc.text(e.cur.line), e.cur.col)
	}
	line := max(0, min(e.cur.line+dir*rows, e.doc.lineCount()-1))
	e.top = max(0, min(e.top+dir*rows, e.doc.lineCount()-1))
	e.moveTo(pos{line, colForDisplay(e.doc.text(line), goal)}, false)
	e.goal = goal
}

func (e Model) runeLeft(p pos) pos {
	if p.col == 0 {
		if p.line == 0 {
			return p
		}
		return pos{p.line - 1, len(e.doc.text(p.line - 1))}
	}
	_, size := utf8.DecodeLastRuneInString(e.doc.text(p.line)[:p.col])
	return pos{p.line, p.col - size}
}

func (e Model) runeRight(p pos) pos {
	text := e.doc.text(p.line)
	if p.col >= len(text) {
		if p.line+1 >= e.doc.lineCount() {
			return p
		}
		return pos{p.line + 1, 0}
	}
	_, size := utf8.DecodeRuneInString(text[p.col:])
	return pos{p.line, p.col + size}
}

// class groups runes for word moves: space, word, punctuation.
func class(r rune) int {
	switch {
	case unicode.IsSpace(r):
		return 0
	case r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
		return 1
	}
	return 2
}

// wordLeft skips spaces backwards, then one run of the same class.
func (e Model) wordLeft(p pos) pos {
	if p.col == 0 {
		return e.runeLeft(p)
	}
	text := e.doc.text(p.line)
	i := p.col
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if class(r) != 0 {
			break
		}
		i -= size
	}
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		c := class(r)
		for i > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:i])
			if class(r) != c {
				break
			}
			i -= size
		}
	}
	return pos{p.line, i}
}

// wordRight skips one run of the same class, then spaces.
func (e Model) wordRight(p pos) pos {
	text := e.doc.text(p.line)
	if p.col >= len(text) {
		return e.runeRight(p)
	}
	i := p.col
	r, _ := utf8.DecodeRuneInString(text[i:])
	if c := class(r); c != 0 {
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if class(r) != c {
				break
			}
			i += size
		}
	}
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if class(r) != 0 {
			break
		}
		i += size
	}
	return pos{p.line, i}
}

// smartHome goes to the first non-blank character, or to column 0 when
// already there: code lines are indented, and that is where one starts.
func (e Model) smartHome(p pos) pos {
	text := e.doc.text(p.line)
	ind := len(text) - len(strings.TrimLeft(text, " \t"))
	if p.col == ind {
		return pos{p.line, 0}
	}
	return pos{p.line, ind}
}

// --- editing ---

// ReplaceAll swaps the whole text as one undoable edit: text coming back
// from $EDITOR is a change the user has not saved yet (unlike SetValue,
// which is for opening a file). The error marker goes, as with SetValue:
// it named a line of the old text.
func (e *Model) ReplaceAll(src string) {
	if src == e.Value() {
		return
	}
	e.replace(pos{}, e.doc.end(), src, editOther)
	e.errLine = 0
	// The text is src now, as with SetValue: keeping it as the joined
	// value spares a join, and makes a big src count as big at once (a
	// 10 MB script from $EDITOR or --watch is then hashed off the UI
	// goroutine, not by the first frame's title).
	d := e.doc
	d.val, d.valRev, d.scriptOK = src, d.rev, false
}

// moveErrLine keeps the error marker on the line it names while the user
// edits (before the edit from the text removed to inserted at from): lines
// added or removed above move it, Enter at the line's start pushes it
// down, an edit inside the line keeps it (the user is fixing that line),
// and an edit that removes the line's start with lines before it takes
// it away, since the line is gone.
func (e *Model) moveErrLine(from pos, removed, inserted string) {
	if e.errLine == 0 {
		return
	}
	el := e.errLine - 1
	rl, il := strings.Count(removed, "\n"), strings.Count(inserted, "\n")
	switch to := from.line + rl; {
	case to < el, from.line == el && from.col == 0 && removed == "":
		e.errLine += il - rl
	case from.line < el:
		e.errLine = 0
	}
}

// replace edits the text, records the undo step and moves the cursor to
// the end of the inserted text.
func (e *Model) replace(from, to pos, text string, kind uint8) {
	removed := e.doc.slice(from, to)
	if removed == "" && text == "" {
		return
	}
	ed := edit{
		from: from, removed: removed, inserted: text, kind: kind,
		curBefore: e.cur, anchorBefore: e.anchor, selBefore: e.sel,
	}
	e.doc.horizon = max(e.top, from.line) + e.textRows()
	e.moveErrLine(from, removed, text)
	e.cur = e.doc.replace(from, to, text)
	e.sel, e.goal = false, -1
	ed.curAfter = e.cur
	e.hist.record(ed)
	e.scrollToCursor()
}

// insert types or pastes text over the selection, if any.
func (e *Model) insert(text string, kind uint8) {
	if text == "" {
		return
	}
	from, to := e.cur, e.cur
	if e.sel {
		from, to = e.selStart(), e.selEnd()
		kind = editOther
	}
	e.replace(from, to, text, kind)
}

// deleteSelection deletes the selected text, reporting whether there was any.
func (e *Model) deleteSelection() bool {
	if !e.sel {
		return false
	}
	e.replace(e.selStart(), e.selEnd(), "", editOther)
	return true
}

func (e *Model) backspace() {
	if e.deleteSelection() {
		e.hist.open = false
		return
	}
	e.replace(e.runeLeft(e.cur), e.cur, "", editBackspace)
}

func (e *Model) deleteForward() {
	if e.deleteSelection() {
		e.hist.open = false
		return
	}
	e.replace(e.cur, e.runeRight(e.cur), "", editDelete)
}

// newline breaks the line and copies the current line's indentation (up to
// the cursor) onto the new one.
func (e *Model) newline() {
	from := e.cur
	if e.sel {
		from = e.selStart()
	}
	text := e.doc.text(from.line)
	ind := len(text) - len(strings.TrimLeft(text, " \t"))
	e.insert("\n"+text[:min(ind, from.col)], editOther)
}

func (e *Model) undo() {
	h := e.hist
	if len(h.undo) == 0 {
		return
	}
	ed := h.undo[len(h.undo)-1]
	h.undo = h.undo[:len(h.undo)-1]
	e.doc.horizon = max(e.top, ed.from.line) + e.textRows()
	e.moveErrLine(ed.from, ed.inserted, ed.removed)
	e.doc.replace(ed.from, after(ed.from, ed.inserted), ed.removed)
	h.redo = append(h.redo, ed)
	e.cur, e.anchor, e.sel, e.goal = ed.curBefore, ed.anchorBefore, ed.selBefore, -1
	e.scrollToCursor()
}

func (e *Model) redo() {
	h := e.hist
	if len(h.redo) == 0 {
		return
	}
	ed := h.redo[len(h.redo)-1]
	h.redo = h.redo[:len(h.redo)-1]
	e.doc.horizon = max(e.top, ed.from.line) + e.textRows()
	e.moveErrLine(ed.from, ed.removed, ed.inserted)
	e.doc.replace(ed.from, after(ed.from, ed.removed), ed.inserted)
	h.undo = append(h.undo, ed)
	e.cur, e.sel, e.goal = ed.curAfter, false, -1
	e.scrollToCursor()
}

// copySelection puts the selection on the internal clipboard and returns
// the command that also sets the terminal's clipboard; cut deletes it.
func (e *Model) copySelection(cut bool) tea.Cmd {
	if !e.sel {
		return nil
	}
	text := e.doc.slice(e.selStart(), e.selEnd())
	if text == "" {
		return nil
	}
	e.clip = text
	if cut {
		e.deleteSelection()
	}
	return copyToClipboardCmd(e.clipOut, text)
}

// --- scrolling ---

// textRows is the number of rows that show text (the bar takes one).
func (e Model) textRows() int {
	if e.prompt != promptNone {
		return max(0, e.height-1)
	}
	return e.height
}

// gutterWidth is the width of the gutter: a marker column, the line
// numbers and a space; 0 when the pane is too narrow for it and text.
func (e Model) gutterWidth() int {
	w := max(2, len(strconv.Itoa(e.doc.lineCount()))) + 2
	if e.width < w+1 {
		return 0
	}
	return w
}

func (e Model) textWidth() int { return max(0, e.width-e.gutterWidth()) }

// scrollToCursor scrolls as little as needed to show the cursor.
func (e *Model) scrollToCursor() {
	e.cur = e.doc.clamp(e.cur)
	e.anchor = e.doc.clamp(e.anchor)
	if rows := e.textRows(); rows > 0 {
		if e.cur.line < e.top {
			e.top = e.cur.line
		}
		if e.cur.line >= e.top+rows {
			e.top = e.cur.line - rows + 1
		}
	}
	e.top = max(0, min(e.top, e.doc.lineCount()-1))
	if tw := e.textWidth(); tw > 0 {
		c := displayCol(e.doc.text(e.cur.line), e.cur.col)
		if c < e.left {
			e.left = c
		}
		if c >= e.left+tw {
			e.left = c - tw + 1
		}
	}
}

// ShortHelp is the editor's most used bindings, for the one-line help.
func (e Model) ShortHelp() []key.Binding {
	k := e.KeyMap
	if e.prompt != promptNone {
		enter := k.Newline
		if e.prompt == promptFind {
			enter.SetHelp("enter", "next match")
			return []key.Binding{enter, k.Dismiss}
		}
		enter.SetHelp("enter", "go")
		return []key.Binding{enter, k.Dismiss}
	}
	copyB, cutB, pasteB, nextB := k.Copy, k.Cut, k.Paste, k.FindNext
	copyB.SetEnabled(e.sel)
	cutB.SetEnabled(e.sel)
	pasteB.SetEnabled(e.clip != "")
	nextB.SetEnabled(e.query != "")
	undoB, redoB := k.Undo, k.Redo
	undoB.SetEnabled(len(e.hist.undo) > 0)
	redoB.SetEnabled(len(e.hist.redo) > 0)
	return []key.Binding{undoB, redoB, k.Find, nextB, k.GotoLine, copyB, cutB, pasteB, k.SelectAll}
}

// FullHelp is every binding the editor uses, grouped for the help screen.
func (e Model) FullHelp() [][]key.Binding {
	k := e.KeyMap
	return [][]key.Binding{
		{k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown},
		{k.LineStart, k.LineEnd, k.DocStart, k.DocEnd, k.WordLeft, k.WordRight},
		{k.SelectLeft, k.SelectRight, k.SelectUp, k.SelectDown, k.SelectLineStart, k.SelectLineEnd,
			k.SelectWordLeft, k.SelectWordRight, k.SelectDocStart, k.SelectDocEnd, k.SelectAll},
		{k.Newline, k.Backspace, k.DeleteForward, k.DeleteWordBackward, k.Undo, k.Redo, k.Copy, k.Cut, k.Paste},
		{k.Find, k.FindNext, k.GotoLine, k.Dismiss},
	}
}
