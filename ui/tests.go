package ui

// The Tests view (alt+t): the *.test.toml files of the script in the
// editor (luascope test, docs/testing.md), run on private sandboxes with
// the editor's text — saved or not — and each case's outcome listed, the
// selected one's failure (the typed diff, the steps, the error) below.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/suite"
)

// testsKey opens (and closes) the Tests view; inside, compareAgainKey
// (ctrl+r) runs the tests again and compareOpenKey shows a case whole.
var testsKey = key.NewBinding(key.WithKeys("alt+t"), key.WithHelp("alt+t", "tests: run the script's *.test.toml"))

// testsView is the Tests layer.
type testsView struct {
	seq int
	// paths are the test files as found (what results name), files the
	// same as shown (relative to the working directory, printable).
	paths   []string
	files   []string
	notes   []string
	running bool
	cancel  context.CancelFunc
	server  string
	results []suite.CaseResult
	sums    []string // each file's summary ("3 passed, 1 failed"), by index into paths; "" when it has no case
	cursor  int      // index into results
	top     int      // the first listed row (rows())
}

type testsFinishedMsg struct {
	seq     int
	paths   []string // the test files found
	files   []string // the same, as shown (relative to the working directory)
	server  string
	results []suite.CaseResult
	notes   []string // printable
	err     string
}

// testsSeq numbers test runs, as compareSeq numbers comparisons.
var testsSeq atomic.Int64

func (v *testsView) fullScreen() bool { return true }

func (v *testsView) draw(m Model, _ string) string { return m.testsViewText(v) }

// scriptTests lists the test files of the script at path: those in its
// directory (and a tests/ or test/ directory beside it) whose script is
// that file. The note of a script with none and docs/testing.md name the
// same directories.
func scriptTests(path string) []string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil
	}
	dir := filepath.Dir(abs)
	var out []string
	for _, d := range []string{dir, filepath.Join(dir, "tests"), filepath.Join(dir, "test")} {
		names, err := suite.Discover([]string{d})
		if err != nil {
			continue
		}
		for _, n := range names {
			if filepath.Dir(n) != d {
				continue // Discover walks down; only these directories
			}
			f, err := suite.Load(n)
			if err != nil {
				// A broken file of this script still belongs here: its
				// error is the first thing to fix.
				if strings.HasPrefix(filepath.Base(n), strings.TrimSuffix(filepath.Base(abs), ".lua")) {
					out = append(out, n)
				}
				continue
			}
			for _, p := range []string{f.Script, f.Library} {
				if s, err := filepath.Abs(p); p != "" && err == nil && s == abs {
					out = append(out, n)
					break
				}
			}
		}
	}
	return out
}

// openTests opens the Tests view and runs the tests.
func (m Model) openTests() (Model, tea.Cmd) {
	v := &testsView{}
	reopen(&m, v)
	return m.startTests(v)
}

func (m Model) startTests(v *testsView) (Model, tea.Cmd) {
	if v.cancel != nil {
		v.cancel()
	}
	*v = testsView{seq: int(testsSeq.Add(1))}
	name := m.editor.Filename()
	if name == "" {
		v.notes = append(v.notes, "the script has no file: its tests are the *.test.toml files beside it that name it (luascope test --init FILE.lua writes one); save it first (ctrl+s)")
		return m, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel, v.running = cancel, true
	return m, testsCmd(ctx, v.seq, name, m.editor.Value(), m.opts.CompareServers)
}

// testsCmd finds the script's test files, loads them, puts the editor's
// text in place of the script's file, and runs them on a sandbox: all of
// it off the UI goroutine (the finding reads directories and files).
func testsCmd(ctx context.Context, seq int, script, src string, bins []string) tea.Cmd {
	return func() (msg tea.Msg) {
		out := testsFinishedMsg{seq: seq}
		files := scriptTests(script)
		wd, _ := os.Getwd()
		out.paths = files
		for _, f := range files {
			if r, err := filepath.Rel(wd, f); wd != "" && err == nil && !strings.HasPrefix(r, "..") {
				f = r
			}
			out.files = append(out.files, sanitize(f))
		}
		if len(files) == 0 {
			out.notes = append(out.notes, "no test file names "+sanitize(filepath.Base(script))+" in its directory (or a tests/ or test/ directory beside it): luascope test --init "+sanitize(script)+" writes one (docs/testing.md)")
			return out
		}
		abs, _ := filepath.Abs(script)
		var loaded []*suite.File
		var problems []string
		for _, n := range files {
			f, err := suite.Load(n)
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			if s, err := filepath.Abs(f.Script); f.Script != "" && err == nil && s == abs {
				f.Source = src // the editor's text, saved or not
			}
			if s, err := filepath.Abs(f.Library); f.Library != "" && err == nil && s == abs {
				f.LibrarySource = src
			}
			loaded = append(loaded, f)
		}
		if len(problems) > 0 {
			out.err = strings.Join(problems, "\n")
		}
		var opt suite.Options
		if len(bins) > 0 {
			// The Compare view's first server: the one the user named.
			opt.Binaries = bins[:1]
		}
		opt.Jobs = 2
		res := suite.Run(ctx, loaded, opt, nil)
		if len(res) > 0 {
			out.server, out.results = res[0].Name, res[0].Cases
			if res[0].Err != "" && out.err == "" && len(res[0].Cases) > 0 && res[0].Cases[0].Outcome == suite.Error {
				out.err = res[0].Err
			}
		}
		return out
	}
}

func (m Model) updateTests(msg testsFinishedMsg) (tea.Model, tea.Cmd) {
	v, ok := topOf[*testsView](m.overlays)
	if !ok || msg.seq != v.seq {
		return m, nil
	}
	v.running, v.cancel = false, nil
	v.paths, v.files, v.server, v.results = msg.paths, msg.files, msg.server, msg.results
	// The file headers' summaries, once per run rather than per frame.
	v.sums = make([]string, len(v.paths))
	for fi, p := range v.paths {
		var cases []suite.CaseResult
		for _, r := range v.results {
			if r.File == p {
				cases = append(cases, r)
			}
		}
		if len(cases) > 0 {
			v.sums[fi] = suite.Summary(suite.Count([]suite.ServerResult{{Cases: cases}}))
		}
	}
	v.notes = append(v.notes, msg.notes...)
	if msg.err != "" {
		for _, l := range strings.Split(msg.err, "\n") {
			v.notes = append(v.notes, sanitize(l))
		}
	}
	// Start on the first case that did not pass.
	for i, r := range v.results {
		if r.Outcome == suite.Fail || r.Outcome == suite.Error {
			v.cursor = i
			break
		}
	}
	return m, nil
}

func (v *testsView) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	n := len(v.results)
	switch {
	case km.Type == tea.KeyEsc || key.Matches(km, testsKey, m.c.Keys.Quit):
		if v.cancel != nil {
			v.cancel()
		}
		m.overlays.remove(v)
		return m, nil
	case key.Matches(km, compareAgainKey):
		return m.startTests(v)
	case key.Matches(km, compareOpenKey):
		if v.cursor < n {
			r := v.results[v.cursor]
			d := detailDoc{title: "Test: " + sanitize(r.Case), what: "the case"}
			d.add("", strings.TrimRight(suite.CaseLine(v.shown(r)), "\n"))
			if r.Actual != "" {
				d.add("reply", r.Actual)
			}
			m.overlays.push(&detailView{doc: d})
		}
	default:
		v.cursor = moveCursor(m.c.Keys, km, v.cursor, n, max(1, m.h/2))
	}
	return m, nil
}

// testsRow is a line of the Tests view's list: a file's header (result
// -1) or one of its cases (an index into results).
type testsRow struct {
	file   int // index into files
	result int
}

// rows are the list's lines: each test file's header, its cases under
// it, in the order they ran. A file with no case run (it does not read:
// the notes say why) still has its header.
func (v *testsView) rows() []testsRow {
	var out []testsRow
	next := 0
	for fi, p := range v.paths {
		out = append(out, testsRow{file: fi, result: -1})
		for next < len(v.results) && v.results[next].File == p {
			out = append(out, testsRow{file: fi, result: next})
			next++
		}
	}
	// Results of no file found (not expected): listed under the last.
	for ; next < len(v.results); next++ {
		out = append(out, testsRow{file: len(v.paths) - 1, result: next})
	}
	return out
}

// shown is r naming its file as the view shows it (relative to the
// working directory), for suite.CaseLine.
func (v *testsView) shown(r suite.CaseResult) suite.CaseResult {
	for i, p := range v.paths {
		if p == r.File && i < len(v.files) {
			r.File = v.files[i]
		}
	}
	return r
}

// testsFileHeader is a file's line in the list: its name, its cases' summary.
func (m Model) testsFileHeader(v *testsView, fi int, w int) string {
	name := "(tests)"
	if fi >= 0 && fi < len(v.files) {
		name = v.files[fi]
	}
	sum := "not run"
	switch {
	case v.running:
		sum = "running…"
	case fi >= 0 && fi < len(v.sums) && v.sums[fi] != "":
		sum = v.sums[fi]
	}
	// Cut on the left: the file's own name is at the end of its path.
	if room := max(2, w-2-ansi.StringWidth(" · "+sum)); ansi.StringWidth(name) > room {
		name = ansi.TruncateLeft(name, ansi.StringWidth(name)-room+1, "…")
	}
	return m.st.accent.Render(name) + m.st.muted.Render(" · "+sum)
}

// testsViewText draws the head, the cases (only those on screen), and
// the selected case's failure below.
func (m Model) testsViewText(v *testsView) string {
	w, h := m.w, m.h
	c := suite.Count([]suite.ServerResult{{Cases: v.results}})
	title := "Tests"
	switch {
	case v.running:
		title += " · running…"
	case len(v.results) > 0:
		title += " · " + sanitize(v.server) + " · " + suite.Summary(c)
	}
	lines := []string{m.st.dialogTitle.Render(title) + m.st.muted.Render("  ↑↓ • enter: the case whole • ctrl+r: again • esc")}
	for _, n := range v.notes {
		for _, l := range wrap(n, max(10, w)) {
			lines = append(lines, m.st.warn.Render(l))
		}
	}
	rows := v.rows()
	if len(rows) > 0 && len(lines) < h-1 {
		listH := max(1, min(len(rows), (h-len(lines))/2))
		if len(v.results) == 0 {
			listH = max(1, min(len(rows), h-len(lines)))
		}
		at := 0 // the cursor's row
		for i, r := range rows {
			if r.result == v.cursor {
				at = i
			}
		}
		// A case at the top of the window has its file's header drawn
		// above it (sticky), which takes a line of the window.
		sticky := func(top int) bool { return listH > 1 && rows[top].result >= 0 }
		for {
			n := listH
			if sticky(v.top) {
				n--
			}
			switch {
			case at < v.top:
				v.top = at
				continue
			case at >= v.top+n:
				v.top = at - n + 1
				continue
			}
			break
		}
		// No blank lines under the last row while rows above fit.
		shown := func(top int) int {
			if sticky(top) {
				return min(len(rows)-top, listH-1)
			}
			return min(len(rows)-top, listH)
		}
		for v.top > 0 && shown(v.top-1) > shown(v.top) && at < v.top-1+shown(v.top-1) {
			v.top--
		}
		list := rows[v.top:]
		if sticky(v.top) {
			lines = append(lines, m.testsFileHeader(v, rows[v.top].file, w))
			list = list[:min(len(list), listH-1)]
		} else {
			list = list[:min(len(list), listH)]
		}
		for _, row := range list {
			if row.result < 0 {
				lines = append(lines, m.testsFileHeader(v, row.file, w))
				continue
			}
			r := v.results[row.result]
			word := map[suite.Outcome]string{suite.Pass: "ok   ", suite.Fail: "FAIL ", suite.Skip: "skip ", suite.Error: "ERROR"}[r.Outcome]
			text := "  " + word + " " + sanitize(r.Case)
			if listH == 1 {
				// No room for the header: the line names the file.
				text = word + " " + sanitize(filepath.Base(r.File)) + ": " + sanitize(r.Case)
			}
			line := ansi.Truncate(text, w-2, "…")
			switch {
			case row.result == v.cursor:
				line = m.st.accent.Reverse(true).Render("▶ " + line)
			case r.Outcome == suite.Fail || r.Outcome == suite.Error:
				line = "  " + m.st.errText.Bold(true).Render(line)
			case r.Outcome == suite.Pass:
				line = "  " + m.st.ok.Render(line)
			default:
				line = "  " + m.st.muted.Render(line)
			}
			lines = append(lines, line)
		}
		if v.cursor < len(v.results) && len(lines) < h-1 {
			lines = append(lines, m.st.muted.Render(strings.Repeat("─", w)))
			detail := strings.Split(strings.TrimRight(suite.CaseLine(v.shown(v.results[v.cursor])), "\n"), "\n")
			for _, l := range detail {
				if len(lines) >= h {
					break
				}
				lines = append(lines, sanitize(l))
			}
		}
	}
	return fitLines(lines, w, h)
}
