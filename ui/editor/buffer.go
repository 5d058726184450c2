package editor

import (
	"slices"
	"strings"
	"sync/atomic"
	"unsafe"

	"luascope/redisx"
)

// pos is a place in the text: a line index and a byte offset into that
// line, always on a rune boundary. Bytes rather than runes because the
// buffer keeps the script's exact bytes (its SHA must be what Redis
// computes) and slicing strings by byte offsets costs nothing.
type pos struct{ line, col int }

func (p pos) less(q pos) bool {
	return p.line < q.line || (p.line == q.line && p.col < q.col)
}

// docLine is one line of the script and, once it has been lexed (drawn,
// or re-lexed after an edit), its highlighting cache. Until then it is its
// text alone: opening a script splits every line but lexes a screenful,
// and 24 bytes a line rather than 64 is 400 KB less memory touched before
// the first frame of a 10,000-line script (13 MB for a 10 MB one).
type docLine struct {
	text string
	*lineLex
}

// lineLex is a line's tokens as lexed from its start state, and the end
// state the next line starts from. id is 0 while the tokens are stale;
// every lex gives a new id, so the render cache can key rows by it.
type lineLex struct {
	spans      []span
	start, end lexState
	id         uint64
}

// doc is the text of the editor plus its incremental highlighting.
//
// Lines [0, frontier) are lexed and consistent: each one's start state is
// its predecessor's end state. Lines past the frontier are lexed lazily
// when they are first drawn (ensure), so opening a 10,000-line script lexes
// only the screen. An edit re-lexes its own lines and then the following
// ones only while their start state changes (a `--[[` opened or closed);
// the walk stops at the first line whose start state is as before.
type doc struct {
	lines    []docLine
	frontier int
	nextID   uint64
	relexes  int // lines lexed so far; the tests count re-lexes with it
	// horizon is the last line worth re-lexing eagerly after an edit
	// (the bottom of the screen, set by the editor). Past it the frontier
	// is pulled back instead, so opening a `--[[` at the top of a long
	// script costs a screenful of lexing, not the whole script.
	horizon int
	rev     uint64 // bumped on every change of the text

	// Value and Script are cached until the text changes (valRev != rev).
	valRev   uint64
	val      string
	scriptOK bool
	script   redisx.Script
}

func newDoc(src string) *doc {
	d := &doc{}
	d.setText(src)
	return d
}

// setText replaces everything; nothing is lexed until drawn.
func (d *doc) setText(src string) {
	d.lines = make([]docLine, strings.Count(src, "\n")+1)
	rest := src
	for i := range d.lines {
		d.lines[i].text, rest, _ = strings.Cut(rest, "\n")
	}
	d.frontier = 0
	d.rev++
	// The lines are src cut at its newlines: src is their join already,
	// which spares value() copying a 10 MB script before the first frame.
	d.val, d.valRev, d.scriptOK = src, d.rev, false
}

func (d *doc) lineCount() int { return len(d.lines) }

func (d *doc) text(i int) string { return d.lines[i].text }

// end is the position after the last character.
func (d *doc) end() pos {
	n := len(d.lines) - 1
	return pos{n, len(d.lines[n].text)}
}

// clamp puts p inside the text.
func (d *doc) clamp(p pos) pos {
	p.line = max(0, min(p.line, len(d.lines)-1))
	p.col = max(0, min(p.col, len(d.lines[p.line].text)))
	return p
}

// value is the whole text, joined once per change.
func (d *doc) value() string {
	if d.valRev != d.rev {
		var n int
		for _, l := range d.lines {
			n += len(l.text) + 1
		}
		var b strings.Builder
		b.Grow(n)
		for i, l := range d.lines {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(l.text)
		}
		d.val, d.valRev, d.scriptOK = b.String(), d.rev, false
	}
	return d.val
}

// redisScript is the SHA and shebang of the text, computed on first use
// after a change: hashing 300 kB on every keystroke would be wasted work
// when the title is drawn at most once a frame.
func (d *doc) redisScript() redisx.Script {
	src := d.value()
	if !d.scriptOK {
		if p := preparedScript.Load(); p != nil && p.Source == src {
			d.script = *p
		} else {
			d.script = redisx.NewScript(src)
		}
		d.scriptOK = true
	}
	return d.script
}

// hashAhead is the size of text (as last joined) from which an edit does
// not make the next frame join and hash the whole text for the title's
// SHA, nor the rescue copy it: the root hashes it in the background once
// typing pauses (Model.HashPending, SetScript) and the title says "sha …"
// meanwhile. Joining and hashing a 10 MB script was ~25 ms a key.
const hashAhead = 1 << 20

// big reports whether the text was hashAhead or more when last joined.
func (d *doc) big() bool { return len(d.val) >= hashAhead }

// scriptNow is redisScript when that costs no join or hash of a big
// text: false while a big text's SHA waits for SetScript.
func (d *doc) scriptNow() (redisx.Script, bool) {
	if !d.big() || (d.valRev == d.rev && d.scriptOK) {
		return d.redisScript(), true
	}
	if d.valRev == d.rev {
		// The text as opened, hashed ahead (PrepareScript): the same
		// string, not only equal bytes (comparing 10 MB on every frame
		// would be the cost this avoids).
		if p := preparedScript.Load(); p != nil && len(p.Source) == len(d.val) && unsafe.StringData(p.Source) == unsafe.StringData(d.val) {
			return d.redisScript(), true
		}
	}
	return redisx.Script{}, false
}

// valueNow is value when that costs no join of a big text.
func (d *doc) valueNow() (string, bool) {
	if !d.big() || d.valRev == d.rev {
		return d.value(), true
	}
	return "", false
}

// preparedScript is a script hashed ahead by PrepareScript, taken by the
// first document with the same text.
var preparedScript atomic.Pointer[redisx.Script]

// PrepareScript hashes src ahead, on any goroutine, for the first editor
// whose text is src: the terminal UI hashes the script it opens while it
// connects, so that the first frame's title (the SHA) does not wait for
// hashing a large script.
func PrepareScript(src string) {
	sc := redisx.NewScript(src)
	preparedScript.Store(&sc)
}

// slice returns the text between from and to (from <= to).
func (d *doc) slice(from, to pos) string {
	if from.line == to.line {
		return d.lines[from.line].text[from.col:to.col]
	}
	var b strings.Builder
	b.WriteString(d.lines[from.line].text[from.col:])
	for i := from.line + 1; i < to.line; i++ {
		b.WriteByte('\n')
		b.WriteString(d.lines[i].text)
	}
	b.WriteByte('\n')
	b.WriteString(d.lines[to.line].text[:to.col])
	return b.String()
}

// after is where text inserted at p ends.
func after(p pos, text string) pos {
	n := strings.Count(text, "\n")
	if n == 0 {
		return pos{p.line, p.col + len(text)}
	}
	return pos{p.line + n, len(text) - strings.LastIndexByte(text, '\n') - 1}
}

// replace puts text in place of [from, to) and returns the end of the
// inserted text. It splices the line slice and re-lexes incrementally.
func (d *doc) replace(from, to pos, text string) pos {
	head := d.lines[from.line].text[:from.col]
	tail := d.lines[to.line].text[to.col:]
	oldN := to.line - from.line + 1
	if !strings.Contains(text, "\n") {
		// The common case, typing: one line in, one line out.
		d.lines[from.line].text = head + text + tail
		if lx := d.lines[from.line].lineLex; lx != nil {
			lx.id = 0
		}
		if oldN > 1 {
			d.lines = slices.Delete(d.lines, from.line+1, to.line+1)
		}
	} else {
		parts := strings.Split(text, "\n")
		parts[0] = head + parts[0]
		parts[len(parts)-1] += tail
		repl := make([]docLine, len(parts))
		for i, p := range parts {
			repl[i].text = p
		}
		if lx := d.lines[from.line].lineLex; lx != nil {
			// Its storage reused, stale (id 0): the line is replaced.
			repl[0].lineLex = &lineLex{spans: lx.spans[:0]}
		}
		d.lines = slices.Replace(d.lines, from.line, to.line+1, repl...)
	}
	delta := strings.Count(text, "\n") - (oldN - 1)
	switch {
	case d.frontier > to.line+1:
		d.frontier += delta
	case d.frontier > from.line:
		d.frontier = from.line
	}
	d.relexFrom(from.line)
	d.rev++
	return after(from, text)
}

// startState is the lexer state line i starts in.
func (d *doc) startState(i int) lexState {
	if i == 0 {
		return lexState{kind: stRoot}
	}
	if lx := d.lines[i-1].lineLex; lx != nil {
		return lx.end
	}
	return lexState{} // not lexed: current is false for the line after it
}

// lex tokenizes line i from its start state.
func (d *doc) lex(i int) {
	l := &d.lines[i]
	if l.lineLex == nil {
		l.lineLex = &lineLex{}
	}
	l.start = d.startState(i)
	l.spans, l.end = lexLine(l.text, l.start, l.spans)
	d.nextID++
	l.id = d.nextID
	d.relexes++
}

// relexFrom re-lexes line i and the lines after it that are inside the
// frontier, stopping at the first that is already lexed from the start
// state it would now have: from there on nothing changes.
func (d *doc) relexFrom(i int) {
	for ; i < d.frontier; i++ {
		if d.current(i) {
			return
		}
		if i > d.horizon {
			d.frontier = i // the rest is re-lexed when it is drawn
			return
		}
		d.lex(i)
	}
}

// current reports whether line i's tokens are valid: lexed since its text
// last changed (id != 0) and from the state it now starts in.
func (d *doc) current(i int) bool {
	l := &d.lines[i]
	return l.lineLex != nil && l.id != 0 && l.start == d.startState(i)
}

// ensure lexes every line up to and including last, so it can be drawn.
// Lines past the frontier that are still current (the frontier was pulled
// back over them, and their start state came out the same) are kept.
func (d *doc) ensure(last int) {
	last = min(last, len(d.lines)-1)
	for d.frontier <= last {
		if !d.current(d.frontier) {
			d.lex(d.frontier)
		}
		d.frontier++
	}
}

// Kinds of edit, for grouping undo steps.
const (
	editOther uint8 = iota
	editType
	editBackspace
	editDelete
)

// edit is one undo step: [from, from+inserted) replaced what is now
// removed. Undo puts removed back; redo puts inserted back.
type edit struct {
	from              pos
	removed, inserted string
	kind              uint8
	// The cursor and selection before the edit (restored by undo) and the
	// cursor after it (restored by redo).
	curBefore, anchorBefore pos
	selBefore               bool
	curAfter                pos
	// state names the text after this edit; Modified compares it with the
	// state MarkSaved recorded.
	state uint64
}

// history is the undo and redo stacks. open says the last undo step may
// still absorb the next typed character (or backspace) into one step.
type history struct {
	undo, redo []edit
	open       bool
	nextState  uint64
	saved      uint64
}

// maxTypeGroup caps one typing undo step, so that undo after a long
// stretch of typing takes back a line's worth, not a page.
const maxTypeGroup = 256

// maxUndo bounds memory in a long session; the oldest steps go first.
const maxUndo = 10000

func (h *history) reset() {
	h.undo, h.redo = h.undo[:0], h.redo[:0]
	h.open = false
	h.saved = h.current()
}

// current names the text as it is now.
func (h *history) current() uint64 {
	if len(h.undo) == 0 {
		return 0
	}
	return h.undo[len(h.undo)-1].state
}

func (h *history) newState() uint64 {
	h.nextState++
	return h.nextState
}

// record pushes an edit, or merges it into the previous step when both
// are single typed characters (or backspaces) in a row at adjacent places.
func (h *history) record(ed edit) {
	h.redo = h.redo[:0]
	if n := len(h.undo); n > 0 && h.open {
		last := &h.undo[n-1]
		switch {
		case ed.kind == editType && last.kind == editType && ed.removed == "" &&
			len(last.inserted) < maxTypeGroup &&
			last.curAfter == ed.from && after(last.from, last.inserted) == ed.from:
			last.inserted += ed.inserted
			last.curAfter = ed.curAfter
			last.state = h.newState()
			return
		case ed.kind == editBackspace && last.kind == editBackspace && ed.inserted == "" &&
			last.inserted == "" && after(ed.from, ed.removed) == last.from:
			last.removed = ed.removed + last.removed
			last.from = ed.from
			last.curAfter = ed.curAfter
			last.state = h.newState()
			return
		case ed.kind == editDelete && last.kind == editDelete && ed.inserted == "" &&
			last.inserted == "" && ed.from == last.from:
			last.removed += ed.removed
			last.state = h.newState()
			return
		}
	}
	ed.state = h.newState()
	if len(h.undo) >= maxUndo {
		h.undo = slices.Delete(h.undo, 0, len(h.undo)-maxUndo+1)
	}
	h.undo = append(h.undo, ed)
	h.open = ed.kind != editOther
}
