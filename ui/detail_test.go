package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/explain"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox/sandboxtest"
)

// detailTestKeys and detailTestArgs are longer together than any trace
// row, so the row cuts them: the detail must show every one.
var (
	detailTestKeys = []string{"tenant:{acme}:rate:2024-06-01T12:00", "tenant:{acme}:rate:2024-06-01T12:01", "tenant:{acme}:audit-log"}
	detailTestArgs = []string{"5", "60", "a value with spaces", "", "the-last-argument-that-a-cut-row-never-shows"}
)

// detailTestSteps is a cold evalsha-load run of a script with the keys
// and args above, its steps carrying every argument as the runner sends it.
func detailTestSteps(src string) []redisx.Step {
	sha := redisx.SHA1(src)
	noscript := resp.Value{Kind: resp.Error, Str: []byte("NOSCRIPT No matching script. Please use EVAL.")}
	loaded := resp.Value{Kind: resp.Bulk, Str: []byte(sha)}
	reply := resp.Value{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Integer, Int: 1}, {Kind: resp.Integer, Int: 1}}}
	call := append([]string{"EVALSHA", sha, "3"}, append(append([]string{}, detailTestKeys...), detailTestArgs...)...)
	step := func(seq int, sent []string, o redisx.Outcome, v *resp.Value, note string) redisx.Step {
		return redisx.Step{Seq: seq, Command: escapeAllTest(sent), Args: sent, Sent: sent, Node: "127.0.0.1:6379",
			Conn: "127.0.0.1:50000", Outcome: o, Reply: v, Note: note, Dur: time.Duration(seq) * 90 * time.Microsecond}
	}
	steps := []redisx.Step{
		step(1, call, redisx.OutcomeNoScript, &noscript, ""),
		step(2, []string{"SCRIPT", "LOAD", src}, redisx.OutcomeOK, &loaded, "NOSCRIPT: load the script on the same connection"),
		step(3, call, redisx.OutcomeOK, &reply, "retry EVALSHA on the same connection"),
	}
	steps[0].Dialed = true
	return steps
}

func escapeAllTest(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = resp.Escape([]byte(a))
	}
	return out
}

// detailTestTraceModel is the app after that run, the trace focused.
func detailTestTraceModel(t *testing.T, w, h int) Model {
	m := offlineModel(t, demoSrc, detailTestKeys, detailTestArgs)
	st := detailTestSteps(demoSrc)
	m = feedRun(m, st, st[2].Reply, nil)
	m.setFocus(paneTrace)
	return sized(m, w, h)
}

// pressKeys feeds keys to the root and runs what they lead to.
func pressKeys(t *testing.T, m Model, keys ...tea.KeyMsg) Model {
	t.Helper()
	for _, k := range keys {
		mm, cmd := m.Update(k)
		m = runCmds(t, mm.(Model), cmd, 3)
	}
	return m
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	keyUp    = tea.KeyMsg{Type: tea.KeyUp}
	keyDown  = tea.KeyMsg{Type: tea.KeyDown}
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyEsc   = tea.KeyMsg{Type: tea.KeyEsc}
)

// TestDetailTraceStepShowsWholeCommand: the trace row cuts the command
// (EVALSHA e9f0258… with its keys and args at 80 columns); enter on the
// step opens the detail with every key and arg, each labelled.
func TestDetailTraceStepShowsWholeCommand(t *testing.T) {
	m := detailTestTraceModel(t, 80, 24)
	view := m.View()
	if strings.Contains(view, detailTestArgs[4]) {
		t.Fatalf("the trace row is not cut, the test proves nothing:\n%s", view)
	}
	m = pressKeys(t, m, keyUp, keyUp, keyEnter) // from the newest step (3) to the first
	d := m.detail()
	if d == nil {
		t.Fatalf("enter opened no detail:\n%s", m.View())
	}
	text := d.doc.Text()
	if !strings.Contains(d.doc.title, "step 1 of 3") {
		t.Errorf("title %q: not the selected step", d.doc.title)
	}
	for i, k := range detailTestKeys {
		want := "KEYS[" + string(rune('1'+i)) + "]"
		if !strings.Contains(text, want) || !strings.Contains(text, `"`+k+`"`) {
			t.Errorf("detail lacks %s %q:\n%s", want, k, text)
		}
	}
	for i, a := range detailTestArgs {
		want := "ARGV[" + string(rune('1'+i)) + "]"
		if !strings.Contains(text, want) || !strings.Contains(text, `"`+a+`"`) {
			t.Errorf("detail lacks %s %q:\n%s", want, a, text)
		}
	}
	for _, want := range []string{"EVALSHA " + redisx.SHA1(demoSrc) + " 3 " + detailTestKeys[0], `"a value with spaces" "" ` + detailTestArgs[4],
		"numkeys", "127.0.0.1:6379", "127.0.0.1:50000 (new connection)", "noscript", "90µs", "(error) NOSCRIPT No matching script. Please use EVAL."} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q:\n%s", want, text)
		}
	}
	// Wrapped on screen, not cut: the last argument is drawn whole.
	view = m.View()
	treeTestCheckSize(t, "detail", view, 80, 24)
	if !strings.Contains(view, detailTestArgs[4]) || !strings.Contains(view, "Trace #1 · step 1 of 3") {
		t.Errorf("the detail view does not show the last argument:\n%s", view)
	}
	m = pressKeys(t, m, keyEsc)
	if m.detail() != nil {
		t.Fatal("esc did not close the detail")
	}
	// The script body of SCRIPT LOAD is shown whole, as its lines.
	m = pressKeys(t, m, keyDown, runes("i"))
	if d := m.detail(); d == nil || !strings.Contains(d.doc.Text(), "local calls = redis.call('INCR', KEYS[1])\n") ||
		!strings.Contains(d.doc.Text(), "return {calls <= tonumber(ARGV[1]) and 1 or 0, calls}") {
		t.Fatalf("SCRIPT LOAD's body not whole: %+v", d)
	}
}

// TestDetailTraceStepEscapes: a step's arguments and reply may carry any
// bytes; the detail shows each escaped, nothing raw.
func TestDetailTraceStepEscapes(t *testing.T) {
	tr := traceTestNew(80, 10)
	tr.StartRun(1, "eval")
	v := resp.Value{Kind: resp.Error, Str: []byte("ERR bad \x1b]0;x\x07 \xff")}
	sent := []string{"EVAL", "return 1 -- \x1b[2J\n\tsecond line", "1", "key\x00\xfe", "\u202eevil"}
	tr.AddStep(1, redisx.Step{Seq: 1, Command: escapeAllTest(sent), Args: sent, Sent: sent, Outcome: redisx.OutcomeError, Reply: &v, Note: "why\x1b"})
	_, cmd := tr.update(treeTestPress(traceDetailKey))
	text := treeTestDetail(t, cmd).Text()
	for _, want := range []string{`return 1 -- \x1b[2J`, `\tsecond line`, `"key\x00\xfe"`, `"\u{202e}evil"`, `\x1b]0;x\a \xff`, `why\x1b`, `KEYS[1]`, `ARGV[1]`} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
	if strings.ContainsAny(text, "\x00\x1b\x07\t\u202e") || !utf8.ValidString(text) {
		t.Errorf("raw bytes in the detail: %q", text)
	}
}

// TestDetailLiveTraceStep: on a real server the runner hands the trace
// every argument as sent; the script body and a long argument, which the
// row abbreviates ("…(N bytes)"), are whole in the detail.
func TestDetailLiveTraceStep(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	srv := sandboxtest.StartT(t)
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}
	s, err := redisx.Connect(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	long := strings.Repeat("0123456789", 30) + "-end"
	src := "-- echo the keys and args\nreturn {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}\n"
	m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Label: "sandbox", Source: src,
		Keys: []string{"k:one", "k:two"}, Args: []string{long, "last"}})
	m = sized(m, 80, 24)
	m, _, res := liveRun(t, ctx, m)
	if res.Error != nil {
		t.Fatalf("run: %s", res.Error.Message)
	}
	m.setFocus(paneTrace)
	m = pressKeys(t, m, keyEnter)
	d := m.detail()
	if d == nil {
		t.Fatal("enter opened no detail")
	}
	text := d.doc.Text()
	for label, want := range map[string]string{"KEYS[1]": `"k:one"`, "KEYS[2]": `"k:two"`, "ARGV[1]": `"` + long + `"`, "ARGV[2]": `"last"`, "sha": redisx.SHA1(src)} {
		if got := detailTestField(text, label); got != want {
			t.Errorf("%s = %q, want %q:\n%s", label, got, want, text)
		}
	}
	// the SCRIPT LOAD step carries the whole body
	m = pressKeys(t, m, keyEsc, keyUp, keyEnter)
	if d := m.detail(); d == nil || !strings.Contains(d.doc.Text(), "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}") {
		t.Fatalf("SCRIPT LOAD step without its body: %+v", d)
	}
}

// detailTestField is the value on a label's first line of a detail text.
func detailTestField(text, label string) string {
	for _, l := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(l, label+"  "); ok {
			return strings.TrimLeft(rest, " ")
		}
	}
	return ""
}

// TestDetailTreeRowWithExplainNote: i on a row shows its path, type,
// size, whole value and explain mode's note in full; enter on a leaf too,
// while enter on a branch still folds it.
func TestDetailTreeRowWithExplainNote(t *testing.T) {
	v := treeTestParse(t, "*2\r\n*1\r\n:1\r\n$300\r\n"+strings.Repeat("x", 299)+"!\r\n")
	note := "array cut at the first nil: the Lua table {1, nil, 3} has a hole at index 2, so the reply keeps only what comes before it (" + strings.Repeat("long explanation ", 10) + "end)"
	tr := treeTestNew(v, 60, 10)
	tr.SetExplain(&explain.Node{Lua: "table {…}", Items: []explain.Node{
		{Lua: "table {1, nil, 3}", Notes: []explain.Note{{Text: note, Lossy: true}}},
		{Lua: "string (300 bytes)"},
	}})
	k := tr.common.Keys
	tr = treeTestSend(tr, k.Down)
	if view := tr.View(); strings.Contains(view, "(end)") {
		t.Fatalf("the row shows the whole note, the test proves nothing:\n%s", view)
	}
	_, cmd := tr.update(runes("i"))
	doc := treeTestDetail(t, cmd)
	text := doc.Text()
	for _, want := range []string{"path", "reply › 1)", "type", "array", "size", "1 element", "lua value", "table {1, nil, 3}", "⚠ lossy", note, "1) (integer) 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q:\n%s", want, text)
		}
	}
	// enter on a branch folds it, enter on a leaf opens the detail
	tr2, cmd := tr.update(treeTestPress(k.Toggle))
	if cmd != nil || tr2.rowCount() != 3 {
		t.Fatalf("enter on a branch: rows %d, cmd %v", tr2.rowCount(), cmd != nil)
	}
	tr = treeTestSend(tr, k.Down, k.Down)
	_, cmd = tr.update(treeTestPress(k.Toggle))
	text = treeTestDetail(t, cmd).Text()
	for _, want := range []string{"reply › 2)", "bulk (bulk string, '$')", "300 bytes", `"` + strings.Repeat("x", 299) + `!"`, "string (300 bytes)"} {
		if !strings.Contains(text, want) {
			t.Errorf("leaf detail lacks %q:\n%s", want, text)
		}
	}
}

func treeTestDetail(t *testing.T, cmd tea.Cmd) detailDoc {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command")
	}
	msg, ok := cmd().(detailOpenMsg)
	if !ok {
		t.Fatalf("not a detail: %#v", msg)
	}
	return msg.doc
}

// TestDetailEscapesControlBytesAndBinary: nothing from the server reaches
// the terminal raw, in the text or on screen; every byte is there escaped.
func TestDetailEscapesControlBytesAndBinary(t *testing.T) {
	bad := "\x1b[2J\x1b]0;pwned\x07\x00\xff\xfe tab\there\r\nnext\u202eevil"
	m := offlineModel(t, demoSrc, nil, nil)
	v := resp.Value{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Bulk, Str: []byte(bad)}, {Kind: resp.Status, Str: []byte("OK\x1b")}}}
	m = feedRun(m, nil, &v, nil)
	m.setFocus(paneResult)
	m = sized(m, 80, 24)
	m = pressKeys(t, m, keyDown, runes("i"))
	d := m.detail()
	if d == nil {
		t.Fatal("no detail")
	}
	text := d.doc.Text()
	want := `"\x1b[2J\x1b]0;pwned\a\x00\xff\xfe tab\there\r\nnext\u{202e}evil"`
	if !strings.Contains(text, want) {
		t.Errorf("value not escaped whole:\n%s", text)
	}
	if !strings.Contains(text, "bytes, ") || !strings.Contains(text, "characters") {
		t.Errorf("size lacks bytes and characters:\n%s", text)
	}
	for _, s := range [][2]int{{40, 12}, {80, 24}, {200, 60}} {
		m = sized(m, s[0], s[1])
		view := m.View()
		if strings.ContainsAny(view, "\x00\x07\u202e") || strings.Contains(view, "\x1b[2J") || strings.Contains(view, "\x1b]0") {
			t.Fatalf("%v: raw bytes on screen: %q", s, view)
		}
		treeTestCheckSize(t, "detail", view, s[0], s[1])
	}
	// a status reply keeps its type: not a bulk string
	m = pressKeys(t, m, keyEsc, keyDown, runes("i"))
	if text := m.detail().doc.Text(); !strings.Contains(text, "status (simple string, '+': not a bulk string)") || !strings.Contains(text, `OK\x1b`) {
		t.Errorf("status detail:\n%s", text)
	}
}

// TestDetailHistoryEntry: i (or alt+i) in History shows everything
// recorded for the run.
func TestDetailHistoryEntry(t *testing.T) {
	m := offlineModel(t, demoSrc, nil, nil)
	e := history.Entry{
		Time: time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC), Target: "redis://app:***@10.0.0.7:6379", Label: "prod",
		SHA: redisx.SHA1(demoSrc), Source: demoSrc, Keys: detailTestKeys, Args: detailTestArgs,
		Strategy: "evalsha-load", Micros: 1234, ErrorClass: "runtime",
		Error: "ERR user_script:2: Script attempted to access nonexistent global variable 'nosuch' " + strings.Repeat("and then some ", 12) + "end of text",
		Steps: []history.Step{{Command: []string{"EVALSHA", redisx.SHA1(demoSrc), "3"}, Node: "10.0.0.7:6379", Outcome: "error", Micros: 900, Reply: "(error) ERR user_script:2"}},
	}
	m = update(m, historyLoadedMsg{entries: []history.Entry{e}})
	m.setFocus(paneHistory)
	m = sized(m, 80, 24)
	// i, as in every pane (letters type into the filter only after /).
	m = pressKeys(t, m, runes("i"))
	if m.detail() == nil || m.hist.filter.Value() != "" {
		t.Fatalf("i in History: detail %v, filter %q", m.detail() != nil, m.hist.filter.Value())
	}
	m = pressKeys(t, m, keyEsc, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("i"), Alt: true})
	d := m.detail()
	if d == nil {
		t.Fatalf("alt+i opened no detail:\n%s", m.View())
	}
	text := d.doc.Text()
	for _, want := range []string{"redis://app:***@10.0.0.7:6379", "prod", redisx.SHA1(demoSrc), "evalsha-load", "1.23ms",
		"error: runtime", "end of text", `KEYS[3]`, `"` + detailTestKeys[2] + `"`, `ARGV[5]`, `"` + detailTestArgs[4] + `"`,
		"EVALSHA " + redisx.SHA1(demoSrc) + " 3 · 10.0.0.7:6379", "local calls = redis.call('INCR', KEYS[1])", "2026-05-04"} {
		if !strings.Contains(text, want) {
			t.Errorf("history detail lacks %q:\n%s", want, text)
		}
	}
}

// TestDetailError: i in the error panel shows the whole error, enter
// still goes to the line.
func TestDetailError(t *testing.T) {
	msg := "ERR user_script:2: Script attempted to access nonexistent global variable 'nosuch' " + strings.Repeat("padding words ", 20) + "\x1b[31mtail"
	c := classify.Classify(msg)
	p := errPanelTestNew(&c, 30, 6)
	_, cmd := p.update(treeTestPress(p.common.Keys.JumpLine))
	if cmd == nil {
		t.Fatal("enter no longer goes to the line")
	}
	if _, ok := cmd().(JumpToLineMsg); !ok {
		t.Fatal("enter does not jump")
	}
	_, cmd = p.update(runes("i"))
	doc := treeTestDetail(t, cmd)
	text := doc.Text()
	for _, want := range []string{"class", string(c.Class), "line", "2", "hint", c.Hint[:20], "redis-py", "go-redis", `\x1b[31mtail`, "padding words padding words"} {
		if !strings.Contains(text, want) {
			t.Errorf("error detail lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\x1b") {
		t.Error("raw escape in the error detail")
	}
}

// TestDetailScrollsAndCopies: a long detail scrolls with the movement
// keys, and y copies the whole text through OSC 52 with a status saying
// what was copied.
func TestDetailScrollsAndCopies(t *testing.T) {
	m := offlineModel(t, demoSrc, nil, nil)
	m = sized(m, 60, 16)
	doc := detailDoc{title: "many lines", what: "the test text"}
	for i := 0; i < 100; i++ {
		doc.add("line", strings.Repeat("w", i%7+1)+" "+string(rune('a'+i%26)))
	}
	m = update(m, detailOpenMsg{doc})
	d := m.detail()
	var buf bytes.Buffer
	d.clip = &buf
	if !strings.Contains(m.View(), "lines 1–") {
		t.Fatalf("no position:\n%s", m.View())
	}
	m = pressKeys(t, m, keyDown, keyDown)
	if d.top != 2 {
		t.Fatalf("down: top %d", d.top)
	}
	m = pressKeys(t, m, tea.KeyMsg{Type: tea.KeyPgDown})
	if d.top <= 2 {
		t.Fatalf("pgdown: top %d", d.top)
	}
	m = pressKeys(t, m, tea.KeyMsg{Type: tea.KeyEnd})
	body := d.bodyHeight(m)
	if d.top != 100-body {
		t.Fatalf("end: top %d, want %d", d.top, 100-body)
	}
	if view := m.View(); !strings.Contains(view, "–100 of 100") {
		t.Errorf("end position:\n%s", view)
	}
	m = pressKeys(t, m, tea.KeyMsg{Type: tea.KeyHome}, keyUp)
	if d.top != 0 {
		t.Fatalf("home: top %d", d.top)
	}
	m = pressKeys(t, m, runes("y"))
	const pre, post = "\x1b]52;c;", "\x07"
	seq := buf.String()
	if !strings.HasPrefix(seq, pre) || !strings.HasSuffix(seq, post) {
		t.Fatalf("not OSC 52: %q", seq)
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(seq, pre), post))
	if err != nil || string(got) != doc.Text() {
		t.Fatalf("clipboard = %q, %v", got, err)
	}
	if !strings.Contains(m.status, "copied the test text (") || m.statusErr {
		t.Errorf("status %q", m.status)
	}
	if !strings.Contains(m.View(), "copied the test text") {
		t.Errorf("the status is not on screen:\n%s", m.View())
	}
	// alt+c copies as well; q closes
	buf.Reset()
	m = pressKeys(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("c"), Alt: true})
	if buf.Len() == 0 {
		t.Error("alt+c copied nothing")
	}
	m = pressKeys(t, m, runes("q"))
	if m.detail() != nil {
		t.Error("q did not close")
	}
}

// TestDetailWrapLayout: labels in a column with values wrapped beside
// them; in a narrow view each label on its own line.
func TestDetailWrapLayout(t *testing.T) {
	doc := detailDoc{title: "t"}
	doc.add("command", "EVALSHA abc 1 key arg")
	doc.add("script", "line one\nline two is a bit longer than the rest")
	lines := doc.wrapLines(30)
	got := make([]string, len(lines))
	for i, l := range lines {
		got[i] = l.label + l.value
	}
	want := []string{"command  EVALSHA abc 1 key arg", "script   line one", "         line two is a bit", "         longer than the rest"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wide:\n%s", strings.Join(got, "\n"))
	}
	lines = doc.wrapLines(20)
	if lines[0].label != "command" || lines[0].value != "" || !strings.HasPrefix(lines[1].label, "  ") {
		t.Errorf("narrow: %+v", lines)
	}
	if doc.Text() != "t\ncommand  EVALSHA abc 1 key arg\nscript   line one\n         line two is a bit longer than the rest\n" {
		t.Errorf("text:\n%s", doc.Text())
	}
}

// TestTraceCursorAndSearch: up/down move between steps (the selected one
// marked and kept in view), / finds steps by their whole text, n/N move
// between matches with a count.
func TestTraceCursorAndSearch(t *testing.T) {
	tr := traceTestNew(100, 12)
	for id := 1; id <= 3; id++ {
		tr.StartRun(id, "evalsha-load")
		for _, st := range traceTestSteps() {
			st.Sent = append([]string(nil), st.Args...)
			if id == 2 && st.Seq == 3 {
				st.Sent = append(st.Sent, "needle-arg")
			}
			tr.AddStep(id, st)
		}
		tr.FinishRun(id, redisx.Result{Strategy: redisx.EvalshaLoad})
	}
	if r, i, _ := tr.selected(); r.id != 3 || i != 2 || !tr.follow {
		t.Fatalf("following: selected #%d step %d", r.id, i)
	}
	if view := tr.View(); !strings.Contains(view, "› 3. ok") {
		t.Fatalf("the newest step is not marked:\n%s", view)
	}
	k := tr.common.Keys
	tr = traceTestSendKeys(tr, treeTestPress(k.Up), treeTestPress(k.Up), treeTestPress(k.Up))
	if r, i, _ := tr.selected(); r.id != 2 || i != 2 || tr.follow {
		t.Fatalf("three up: #%d step %d follow %v", r.id, i, tr.follow)
	}
	if view := tr.View(); !strings.Contains(view, "› 3. ok") {
		t.Fatalf("selected step not in view:\n%s", view)
	}
	_, cmd := tr.update(treeTestPress(traceDetailKey))
	if doc := treeTestDetail(t, cmd); !strings.Contains(doc.Text(), "needle-arg") || !strings.Contains(doc.title, "#2") {
		t.Fatalf("enter opened the wrong step:\n%s", doc.Text())
	}
	tr = traceTestSendKeys(tr, treeTestPress(k.Top))
	if r, i, _ := tr.selected(); r.id != 1 || i != 0 || !strings.HasPrefix(tr.View(), "#1 ok · evalsha-load") {
		t.Fatalf("top: #%d step %d\n%s", r.id, i, tr.View())
	}
	tr = traceTestSendKeys(tr, treeTestPress(k.PageDown))
	if r, _, _ := tr.selected(); r.id == 1 && tr.cursorKey().step == 0 {
		t.Fatal("pgdown did not move")
	}

	// search: a word in every run's first step's reply
	tr = traceTestSendKeys(tr, treeTestPress(k.Top), runes("/"))
	tr = traceTestSendKeys(tr, runes("n"), runes("o"), runes("s"), runes("c"), runes("r"), runes("i"), runes("p"), runes("t"), runes(" "), runes("n"), runes("o"))
	if len(tr.search.hits) != 3 {
		t.Fatalf("hits %d: %+v", len(tr.search.hits), tr.search.hits)
	}
	if view := tr.View(); !strings.Contains(view, "1/3") || !strings.Contains(view, "/noscript no") {
		t.Fatalf("search bar:\n%s", view)
	}
	tr = traceTestSendKeys(tr, keyEnter, runes("n"))
	if r, i, _ := tr.selected(); r.id != 2 || i != 0 || !strings.Contains(tr.View(), "2/3") {
		t.Fatalf("n: #%d step %d\n%s", r.id, i, tr.View())
	}
	tr = traceTestSendKeys(tr, runes("N"), runes("N"))
	if r, _, _ := tr.selected(); r.id != 3 || !strings.Contains(tr.View(), "3/3") {
		t.Fatalf("N wraps to the last match: #%d\n%s", r.id, tr.View())
	}
	// a match in an argument the row cuts: the whole text is searched
	tr = traceTestSendKeys(tr, runes("/"), tea.KeyMsg{Type: tea.KeyCtrlU})
	for _, r := range "needle" {
		tr = traceTestSendKeys(tr, runes(string(r)))
	}
	if r, i, _ := tr.selected(); len(tr.search.hits) != 1 || r.id != 2 || i != 2 {
		t.Fatalf("needle: hits %d, #%d step %d", len(tr.search.hits), r.id, i)
	}
	// esc while typing ends the search where it began; sizes stay exact
	tr = traceTestSendKeys(tr, keyEsc)
	if tr.search.bar.Query() != "" || tr.search.bar.Typing() {
		t.Fatalf("esc kept the search: %+v", tr.search)
	}
	if r, i, _ := tr.selected(); r.id != 3 || i != 0 { // where N left it
		t.Fatalf("esc did not go back to where the search began: #%d step %d", r.id, i)
	}
	tr = traceTestSendKeys(tr, runes("/"), runes("x"))
	for _, s := range [][2]int{{1, 1}, {10, 2}, {38, 10}, {100, 12}} {
		tr.SetSize(s[0], s[1])
		treeTestCheckSize(t, "trace", tr.View(), s[0], s[1])
	}
}

func traceTestSendKeys(tr Trace, keys ...tea.KeyMsg) Trace {
	for _, k := range keys {
		tr, _ = tr.update(k)
	}
	return tr
}

// TestHistoryEscapesOnce: the list row and the detail escape a run's text
// exactly once (history stores reply summaries already escaped), and a
// reply history stored cut says so.
func TestHistoryEscapesOnce(t *testing.T) {
	src := `return redis.call("SET", KEYS[1], "v")`
	hk := "k\x1b[31m"
	long := resp.Value{Kind: resp.Bulk, Str: []byte(hk + strings.Repeat("x", 100))}
	e := history.Entry{
		Time: time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC), SHA: redisx.SHA1(src), Source: src, Keys: []string{hk},
		Reply: resp.Summary(resp.Value{Kind: resp.Bulk, Str: []byte(hk)}, historyReplyRunes),
		Steps: []history.Step{{Command: []string{"EVAL", src, "1", hk}, Outcome: "ok", Reply: resp.Summary(long, historyStepReplyRunes)}},
	}
	m := offlineModel(t, src, nil, nil)
	m = update(m, historyLoadedMsg{entries: []history.Entry{e}})
	m.setFocus(paneHistory)
	m = sized(m, 120, 30)
	list := ansi.Strip(m.hist.View())
	for _, want := range []string{`return redis.call("SET", KEYS[1], "v")  → "k\x1b[31m"`, ` ok k\x1b[31m`} {
		if !strings.Contains(list, want) {
			t.Errorf("history row lacks %s:\n%s", want, list)
		}
	}
	m = pressKeys(t, m, runes("i"))
	if m.detail() == nil {
		t.Fatal("i opened no detail")
	}
	text := m.detail().doc.Text()
	for _, want := range []string{
		`reply     "k\x1b[31m"` + "\n", // short: no note
		`step 1    ok EVAL "return redis.call(\"SET\", KEYS[1], \"v\")" 1 "k\x1b[31m"`,
		`(bulk, 106 bytes) (stored cut to 80 chars)`,
		"script    " + src,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("history detail lacks %s:\n%s", want, text)
		}
	}
	for _, bad := range []string{`\\x1b`, `\"SET\", KEYS[1], \"v\")  →`, "\x1b"} {
		if strings.Contains(list+text, bad) {
			t.Errorf("escaped twice or raw: %q in\n%s\n%s", bad, list, text)
		}
	}
}

// TestHistoryFilterLineFits: the filter line is drawn whole at 80 and 120
// columns, idle, typing and with a long filter: it used to be a cell
// wider than the pane and always end in fitLines' "…".
func TestHistoryFilterLineFits(t *testing.T) {
	for _, w := range []int{80, 120} {
		m := offlineModel(t, demoSrc, nil, nil)
		m.setFocus(paneHistory)
		m = sized(m, w, 30)
		check := func(state string) {
			t.Helper()
			inner := m.hist.w
			own := ansi.StringWidth(m.hist.filter.View())
			line := ansi.Strip(strings.SplitN(m.hist.View(), "\n", 2)[0])
			if own > inner || strings.HasSuffix(line, "…") {
				t.Errorf("%d columns, %s: the input is %d cells in a pane of %d: %q", w, state, own, inner, line)
			}
		}
		check("idle")
		m = pressApp(m, searchTestType("/class:runtime")...)
		check("typing")
		m = pressApp(m, searchTestType(strings.Repeat("x", 130))...)
		check("long filter")
	}
}
