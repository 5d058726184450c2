// Package editor is luascope's script editor, a bubbles-shaped component:
// a multi-line Lua editor with incremental syntax highlighting (a line
// lexer that agrees with chroma, relexing only what an edit changes),
// grouped undo, selection, find, go to line and lint/error markers in the
// gutter. Rendered rows are cached per line, width, scroll and theme, so
// a keystroke re-renders one row.
//
// The root owns a Model, sends it keys only while it is focused, and reads
// the text with Value and Revision. Nothing here does I/O in Update: a
// copy returns a command that writes the OSC 52 sequence.
package editor
