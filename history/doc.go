// Package history records every run (from the TUI and the CLI) in a JSON
// Lines file, one entry per line, so a run can be found, compared and
// replayed later. It knows nothing of the UI or of Redis: callers convert
// their results into an Entry.
//
// The file is written crash-safely: each entry is one write(2) of one
// whole line to a file opened with O_APPEND, under an exclusive flock so
// that two luascope processes never interleave lines. A crash can at worst
// leave a torn last line, which Load skips and reports; earlier entries are
// never touched. When the file grows past Options.MaxBytes the newest
// entries that fit in Options.KeepBytes are copied to a temporary file
// that is renamed over the old one (atomic), so the oldest runs go first.
//
// Passwords never reach the file: targets are expected to be redacted
// already, and Append masks any user:password@ it still finds.
package history
