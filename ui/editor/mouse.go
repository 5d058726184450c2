package editor

// Click moves the cursor to the cell at column x of row y of the pane
// (0-based, inside the pane, as drawn): a click in the gutter goes to the
// start of the line, one past a line's end or below the text to its end.
// It ends a run of typing (one undo step per run) and drops a selection;
// the find bar's row is not text and is left alone.
func (e *Model) Click(x, y int) {
	if y < 0 || y >= e.textRows() {
		return
	}
	line := e.top + y
	p := e.doc.end()
	if line < e.doc.lineCount() {
		p = pos{line, colForDisplay(e.doc.text(line), e.left+max(0, x-e.gutterWidth()))}
	}
	e.hist.open = false
	e.moveTo(p, false)
	e.scrollToCursor()
}

// Scroll moves the view by n lines (the mouse wheel) and leaves the
// cursor where it is; the next key that moves or types brings the cursor
// back into view. It stops with the last line at the bottom.
func (e *Model) Scroll(n int) {
	top := e.top + n
	if n > 0 {
		top = min(top, max(e.top, e.doc.lineCount()-e.textRows()))
	}
	e.top = max(0, top)
}
