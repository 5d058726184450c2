package ui

// The detail view: everything luascope knows about one thing a pane shows
// cut to its width (a result row, a trace step, a history run, an error),
// wrapped to the terminal, scrollable and copyable. The panes only say
// what to show (a detailDoc built by a plain function of their data) and
// ask the root to open it with a detailOpenMsg; the view is a layer on the
// overlay stack like the help screen.

import (
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/history"
	"luascope/redisx/classify"
	"luascope/redisx/explain"
	"luascope/redisx/resp"
	"luascope/ui/editor"
)

// The detail view's bindings. detailKey opens it from the result tree, the
// trace and the error panel; in History (histDetailKey) alt+i works too,
// as it did when letters typed into the filter. In the trace, enter opens it too
// (traceDetailKey), as it does on a leaf of the tree (KeyMap.Toggle).
var (
	detailKey      = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "details"))
	histDetailKey  = key.NewBinding(key.WithKeys("i", "alt+i"), key.WithHelp("i", "details"))
	detailCopyKey  = key.NewBinding(key.WithKeys("y", "alt+c"), key.WithHelp("y/alt+c", "copy the whole text"))
	detailCloseKey = key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", "close"))
)

// detailMaxBytes bounds one value in a detail text: a 100 MB bulk string
// would take seconds to wrap. Past it the text says how much is left out
// and where to get it whole (copy in the tree, the raw view, --json).
const detailMaxBytes = 1 << 20

// detailField is one labelled value of a detail; the value is already
// printable (escaped) and may hold several lines, each wrapped on its own.
type detailField struct {
	label string // "" for a line of its own
	value string
}

// detailDoc is what a detail view shows: a title and labelled fields.
type detailDoc struct {
	title  string
	what   string // what the status says was copied: "the trace step"
	fields []detailField
}

// add appends a field, skipping empty values.
func (d *detailDoc) add(label, value string) {
	if value != "" {
		d.fields = append(d.fields, detailField{label, value})
	}
}

// labelWidth is the label column: the longest label and two spaces.
func (d detailDoc) labelWidth() int {
	w := 0
	for _, f := range d.fields {
		w = max(w, ansi.StringWidth(f.label))
	}
	if w == 0 {
		return 0
	}
	return w + 2
}

// Text is the whole detail as plain text, unwrapped: what y copies and
// what search and tests read. A value's later lines are indented under
// its first.
func (d detailDoc) Text() string {
	var b strings.Builder
	b.WriteString(d.title)
	b.WriteByte('\n')
	lw := d.labelWidth()
	for _, f := range d.fields {
		lines := strings.Split(f.value, "\n")
		for i, l := range lines {
			switch {
			case f.label == "":
			case i == 0:
				b.WriteString(f.label)
				b.WriteString(blanks(lw - ansi.StringWidth(f.label)))
			default:
				b.WriteString(blanks(lw))
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// detailLine is a wrapped line: the label part (painted muted) and the
// value part.
type detailLine struct{ label, value string }

// wrapLines lays the fields out for w cells: labels in a column, values
// wrapped beside them (at spaces where possible, inside a long word when
// not). Below 30 cells each label gets a line of its own.
func (d detailDoc) wrapLines(w int) []detailLine {
	w = max(w, 1)
	lw := d.labelWidth()
	stacked := lw > 0 && w-lw < 20
	var out []detailLine
	for _, f := range d.fields {
		indent := lw
		if f.label == "" {
			indent = 0
		} else if stacked {
			out = append(out, detailLine{label: f.label})
			indent = 2
		}
		first := !stacked
		for _, para := range strings.Split(f.value, "\n") {
			for _, l := range strings.Split(ansi.Wrap(para, max(w-indent, 1), ""), "\n") {
				lab := blanks(indent)
				if first && f.label != "" {
					lab = f.label + blanks(indent-ansi.StringWidth(f.label))
				}
				first = false
				out = append(out, detailLine{lab, l})
			}
		}
	}
	return out
}

// detailOpenMsg asks the root to open a detail view; panes send it, as
// they cannot reach the overlay stack.
type detailOpenMsg struct{ doc detailDoc }

func (msg detailOpenMsg) apply(m Model) (tea.Model, tea.Cmd) {
	if d, ok := topOf[*detailView](m.overlays); ok {
		m.overlays.remove(d)
	}
	m.overlays.push(&detailView{doc: msg.doc})
	return m, nil
}

// openDetail is the command a pane returns to open doc.
func openDetail(doc detailDoc) tea.Cmd { return deliver(detailOpenMsg{doc}) }

// detailCopiedMsg reports the copy of a detail's text.
type detailCopiedMsg struct {
	what  string
	bytes int
	err   error
}

func (msg detailCopiedMsg) apply(m Model) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.setStatus("copy: "+msg.err.Error(), true)
	} else {
		m.setStatus("copied "+msg.what+" ("+strconv.Itoa(msg.bytes)+" bytes) to the clipboard (OSC 52: the terminal must allow it)", false)
	}
	return m, nil
}

// detailView is the open detail: the document, where it is scrolled to,
// and its lines wrapped for the last width drawn.
type detailView struct {
	doc  detailDoc
	top  int
	clip io.Writer // nil: the terminal

	w     int
	lines []detailLine
}

func (d *detailView) fullScreen() bool { return false }

// area is where the view's box goes: everything above the status bar.
func (d *detailView) area(m Model) rect {
	l := layout(m.w, m.h, m.layoutState())
	return rect{0, 0, m.w, max(l.status.Y, 3)}
}

// wrapped returns the lines for text width w, wrapping again only when w
// changed.
func (d *detailView) wrapped(w int) []detailLine {
	if d.lines == nil || d.w != w {
		d.lines, d.w = d.doc.wrapLines(w), w
	}
	return d.lines
}

// textWidth and bodyHeight are the room for text inside the box: a
// border and a space each side, a line for the keys at the bottom.
func (d *detailView) textWidth(m Model) int  { return max(d.area(m).W-4, 1) }
func (d *detailView) bodyHeight(m Model) int { return max(d.area(m).H-3, 1) }

func (d *detailView) update(m Model, km tea.KeyMsg) (Model, tea.Cmd) {
	m.status, m.statusErr = "", false
	k := m.c.Keys
	total := len(d.wrapped(d.textWidth(m)))
	page := d.bodyHeight(m)
	switch {
	case key.Matches(km, detailCloseKey), key.Matches(km, k.Quit):
		m.overlays.remove(d)
		return m, nil
	case key.Matches(km, detailCopyKey):
		return m, detailClipboardCmd(d.clip, d.doc.what, d.doc.Text())
	case key.Matches(km, k.Down):
		d.top++
	case key.Matches(km, k.Up):
		d.top--
	case key.Matches(km, k.PageDown):
		d.top += page
	case key.Matches(km, k.PageUp):
		d.top -= page
	case key.Matches(km, k.Top):
		d.top = 0
	case key.Matches(km, k.Bottom):
		d.top = total
	}
	d.top = clampOff(d.top, total, page)
	return m, nil
}

// detailClipboardCmd writes text to w (the terminal when nil) as OSC 52,
// the tree's and the editor's way, from the command, not from Update.
func detailClipboardCmd(w io.Writer, what, text string) tea.Cmd {
	if w == nil {
		w = os.Stdout
	}
	return func() tea.Msg {
		return detailCopiedMsg{what: what, bytes: len(text), err: editor.WriteClipboard(w, text)}
	}
}

// draw puts the box over everything above the status bar, and the view's
// own keys in the help bar's place.
func (d *detailView) draw(m Model, below string) string {
	a := d.area(m)
	tw, body := d.textWidth(m), d.bodyHeight(m)
	ls := d.wrapped(tw)
	top := clampOff(d.top, len(ls), body)
	label := inkOf(m.st.muted)
	rows := make([]string, 0, body+1)
	for _, l := range ls[top:min(top+body, len(ls))] {
		rows = append(rows, " "+cellCut(label.on(l.label)+l.value, tw)+" ")
	}
	for len(rows) < body {
		rows = append(rows, "")
	}
	pos := "all " + plural(len(ls), "line")
	if len(ls) > body {
		pos = "lines " + strconv.Itoa(top+1) + "–" + strconv.Itoa(min(top+body, len(ls))) + " of " + strconv.Itoa(len(ls))
		if top+body < len(ls) {
			pos += " · ↓ more"
		}
	}
	rows = append(rows, " "+label.on(cellCut(pos, tw)))
	box := m.st.box(cellCut(d.doc.title, max(a.W-8, 1)), blockFit(rows, a.W-2, a.H-2), a.W, a.H, true)
	c := &canvas{w: m.w, h: m.h, lines: strings.Split(below, "\n")}
	for len(c.lines) < m.h {
		c.lines = append(c.lines, blanks(m.w))
	}
	c.put(a, box)
	l := layout(m.w, m.h, m.layoutState())
	if l.status.H > 0 && l.status.Y < len(c.lines) {
		// Over a full-screen view (Tests, Compare) this row is the view's
		// own text, cut mid-way: the status bar, as over the panes.
		c.lines[l.status.Y] = m.statusBar()
	}
	if l.help.H > 0 && l.help.Y < len(c.lines) {
		c.lines[l.help.Y] = fitLines([]string{d.helpBar(m)}, m.w, 1)
	}
	return c.String()
}

// helpBar is the view's keys, in the help bar's place: the panes' keys do
// not apply while it is open.
func (d *detailView) helpBar(m Model) string {
	var parts []string
	for _, h := range []struct{ key, desc string }{
		{detailCloseKey.Help().Key, "close"}, {detailCopyKey.Help().Key, "copy all"},
		{"↑↓ pgup/pgdn home/end", "scroll"},
	} {
		parts = append(parts, m.st.helpKey.Render(h.key)+" "+m.st.helpDesc.Render(h.desc))
	}
	return ansi.Truncate(strings.Join(parts, m.st.helpDesc.Render(" • ")), m.w, "…")
}

// detail is the open detail view, nil when none is open.
func (m Model) detail() *detailView { d, _ := topOf[*detailView](m.overlays); return d }

// detailValue escapes server or user bytes for a detail, cut at
// detailMaxBytes with a note of what was left out.
func detailValue(b []byte) string {
	if len(b) <= detailMaxBytes {
		return resp.Escape(b)
	}
	cut := detailMaxBytes
	for cut > 0 && b[cut]&0xC0 == 0x80 {
		cut--
	}
	return resp.Escape(b[:cut]) + "…\n(" + strconv.Itoa(len(b)-cut) + " more bytes not shown of " + strconv.Itoa(len(b)) + ")"
}

// runningCode is a library's code for the detail, line by line, each
// escaped (it comes from a server), at most detailMaxBytes of it.
func runningCode(code string) string {
	more := ""
	if len(code) > detailMaxBytes {
		cut := detailMaxBytes
		for cut > 0 && code[cut]&0xC0 == 0x80 {
			cut--
		}
		more = "\n… (" + strconv.Itoa(len(code)-cut) + " more bytes not shown of " + strconv.Itoa(len(code)) + ")"
		code = code[:cut]
	}
	return printableParas(strings.TrimRight(code, "\n")) + more
}

// detailQuoted is detailValue in double quotes, so that spaces, an empty
// value and the ends of a value are visible.
func detailQuoted(b []byte) string {
	if len(b) <= detailMaxBytes {
		return resp.Quote(b)
	}
	return `"` + detailValue(b)
}

// detailSource shows a script body as its lines, each escaped (a tab or
// an escape byte in a line never reaches the terminal raw).
func detailSource(s string) string {
	if len(s) > detailMaxBytes {
		return detailValue([]byte(s))
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = printableText(l)
	}
	return strings.Join(lines, "\n")
}

// plural is "1 element", "3 elements".
func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + one + "s"
}

// ---- the result tree ----

// detailAggregateRows bounds the children listed in an aggregate's detail;
// the tree shows the rest.
const detailAggregateRows = 200

// detailDoc is the row under the cursor in full: its path from the reply,
// wire type, size, the whole value escaped, and explain mode's note.
func (t Tree) detailDoc() detailDoc {
	info, path := t.idx.locate(t.cursor, nil)
	n := info.n
	doc := detailDoc{title: "Result row " + strconv.Itoa(t.cursor+1) + " of " + strconv.Itoa(t.idx.total()), what: "the result row"}
	doc.add("path", treePath(t.idx.root, path))
	switch n.kind {
	case nodeAttr:
		doc.add("type", "attribute (RESP3 metadata sent before its value)")
		doc.add("size", plural((len(n.v.Elems)+1)/2, "pair"))
		a := *n.v
		a.Attr, a.Kind = nil, resp.Attribute
		doc.add("value", detailAggregate(a))
		return doc
	case nodePair, nodeEntry:
		doc.add("key type", n.key.Kind.String())
		doc.add("key", detailScalar(*n.key))
	}
	v := *n.v
	doc.add("type", v.Kind.String()+treeWireNote(v))
	switch {
	case v.IsAggregate():
		doc.add("size", plural(elemCount(n.v), map[bool]string{true: "pair", false: "element"}[v.Kind == resp.Map]))
	case v.Kind == resp.Bulk || v.Kind == resp.Verbatim || v.Kind == resp.Status || v.Kind == resp.Error || v.Kind == resp.BigNumber:
		doc.add("size", plural(len(v.Str), "byte")+runeNote(v.Str))
	}
	if v.IsAggregate() {
		v.Attr = nil
		doc.add("value", detailAggregate(v))
	} else {
		doc.add("value", detailScalar(v))
	}
	if en, ok := t.explain[n.v]; ok && n.kind != nodeAttr {
		doc.add("lua value", printableText(en.Lua))
		for _, note := range en.Notes {
			mark := "note"
			if note.Lossy {
				mark = "⚠ lossy"
			}
			doc.add(mark, printableParas(note.Text))
		}
	} else if t.explain != nil && n.kind != nodeAttr {
		doc.add("lua value", explain.Undescribed)
	}
	return doc
}

// treeWireNote says which wire byte a value came as when the type name
// alone does not (the three nulls, status versus bulk).
func treeWireNote(v resp.Value) string {
	switch v.Kind {
	case resp.Status:
		return " (simple string, '+': not a bulk string)"
	case resp.Bulk:
		return " (bulk string, '$')"
	case resp.Nil:
		if v.NilWire != 0 {
			return " (wire '" + string(rune(v.NilWire)) + "')"
		}
	}
	return ""
}

// runeNote adds the character count when it differs from the bytes.
func runeNote(b []byte) string {
	n := 0
	for range string(b) {
		n++
	}
	if n == len(b) {
		return ""
	}
	return ", " + plural(n, "character")
}

// detailScalar is a scalar's whole value: strings quoted and escaped.
func detailScalar(v resp.Value) string {
	switch v.Kind {
	case resp.Bulk, resp.Verbatim:
		s := detailQuoted(v.Str)
		if v.Kind == resp.Verbatim {
			s = "(" + resp.Escape([]byte(v.Format)) + ") " + s
		}
		return s
	case resp.Status, resp.Error, resp.BigNumber:
		return detailValue(v.Str)
	case resp.Integer:
		return strconv.FormatInt(v.Int, 10)
	case resp.Nil:
		return "(nil)"
	case resp.Double:
		return strings.TrimPrefix(resp.Summary(v, 0), "(double) ")
	case resp.Boolean:
		return strconv.FormatBool(v.Bool)
	}
	if v.IsAggregate() {
		return detailAggregate(v)
	}
	return "(invalid kind " + strconv.Itoa(int(v.Kind)) + ")"
}

// detailAggregate lists an aggregate's children, one summary line each,
// up to detailAggregateRows: the tree below the row shows them all.
func detailAggregate(v resp.Value) string {
	var b strings.Builder
	b.WriteString(resp.Summary(v, 0))
	n := 0
	if v.Kind == resp.Map || v.Kind == resp.Attribute {
		for i := 0; i < len(v.Elems); i += 2 {
			if n == detailAggregateRows {
				break
			}
			val := missingValue
			if i+1 < len(v.Elems) {
				val = v.Elems[i+1]
			}
			b.WriteString("\n" + resp.Summary(v.Elems[i], 80) + " => " + resp.Summary(val, 160))
			n++
		}
		if rest := elemCount(&v) - n; rest > 0 {
			b.WriteString("\n… " + plural(rest, "more pair") + ": open the row in the tree")
		}
		return b.String()
	}
	for i := range v.Elems {
		if n == detailAggregateRows {
			break
		}
		b.WriteString("\n" + strconv.Itoa(i+1) + ") " + resp.Summary(v.Elems[i], 200))
		n++
	}
	if rest := len(v.Elems) - n; rest > 0 {
		b.WriteString("\n… " + plural(rest, "more element") + ": open the row in the tree")
	}
	return b.String()
}

// treePath names a node by the labels of the rows from the reply down
// to it: reply › 3) › "name" => › 2).
func treePath(root tnode, path []int) string {
	parts := []string{"reply"}
	n := root
	for d, i := range path {
		c := n.child(i)
		label := treeLabel(rowInfo{n: c, parent: n, idx: i, depth: d + 1}, 60)
		if c.kind == nodeAttr {
			label = "|attr"
		}
		parts = append(parts, strings.TrimSpace(label))
		n = c
	}
	return strings.Join(parts, " › ")
}

// ---- the trace ----

// detailDoc is a step in full: the command with every argument, where it
// went, what came back and why it was sent.
func (s traceStep) detailDoc(r *traceRun) detailDoc {
	doc := detailDoc{title: "Trace #" + strconv.Itoa(r.id) + " · step " + strconv.Itoa(s.seq) + " of " + strconv.Itoa(len(r.steps)), what: "the trace step"}
	run := r.title
	if r.live {
		run += " · running"
	} else if r.verdict != "" {
		run += " · " + r.verdict
	}
	doc.add("run", "#"+strconv.Itoa(r.id)+" "+run)
	args := s.sent
	if len(args) == 0 { // a step without its whole arguments (older data): what the trace has
		doc.add("command", s.command)
	} else {
		doc.add("command", commandLine(args))
		for j, a := range argLabels(args) {
			if j == 0 {
				continue
			}
			var v string
			switch a {
			case "script", "library":
				v = detailSource(args[j])
			case "sha", "numkeys", "subcommand", "option":
				v = detailValue([]byte(args[j]))
			default:
				v = detailQuoted([]byte(args[j]))
			}
			doc.add(a, v)
		}
		if s.sentCut > 0 {
			doc.add("note", strconv.Itoa(s.sentCut)+" bytes of the longest arguments were not kept by the trace (it keeps "+plural(traceSentMax, "byte")+" of each)")
		}
	}
	doc.add("node", s.node)
	conn := s.connFull
	if s.dialed {
		conn += " (new connection)"
	}
	doc.add("connection", conn)
	doc.add("outcome", string(s.outcome))
	doc.add("duration", s.dur)
	if s.failed {
		doc.add("failed", s.replyFull)
	} else {
		doc.add("reply", s.replyFull)
	}
	doc.add("why", s.why)
	return doc
}

// commandLine is the command on one line, each argument escaped and, when
// it needs it, quoted; a script body or a value over 200 bytes is named
// there and shown whole under its label.
func commandLine(args []string) string {
	labels := argLabels(args)
	parts := make([]string, len(args))
	for i, a := range args {
		switch {
		case i > 0 && (strings.ContainsRune(a, '\n') || len(a) > 200):
			parts[i] = "‹" + labels[i] + ": " + plural(len(a), "byte") + ", below›"
		case a == "" || strings.ContainsAny(a, " \"'\\") || resp.Escape([]byte(a)) != a:
			parts[i] = resp.Quote([]byte(a))
		default:
			parts[i] = a
		}
	}
	return strings.Join(parts, " ")
}

// argLabels names each argument of a command: for EVAL, EVALSHA and FCALL
// (and their _RO forms) the script, SHA or function, numkeys, KEYS[i] and
// ARGV[i]; SCRIPT LOAD's and FUNCTION LOAD's body; "arg N" otherwise.
func argLabels(args []string) []string {
	out := make([]string, len(args))
	if len(args) == 0 {
		return out
	}
	out[0] = "name"
	for i := 1; i < len(args); i++ {
		out[i] = "arg " + strconv.Itoa(i)
	}
	name := strings.ToUpper(args[0])
	switch strings.TrimSuffix(name, "_RO") {
	case "EVAL", "EVALSHA", "FCALL":
		if len(args) > 1 {
			out[1] = map[string]string{"EVAL": "script", "EVALSHA": "sha", "FCALL": "function"}[strings.TrimSuffix(name, "_RO")]
		}
		if len(args) > 2 {
			out[2] = "numkeys"
			nk, err := strconv.Atoi(args[2])
			if err != nil || nk < 0 {
				nk = 0
			}
			for i := 3; i < len(args); i++ {
				if i-3 < nk {
					out[i] = "KEYS[" + strconv.Itoa(i-2) + "]"
				} else {
					out[i] = "ARGV[" + strconv.Itoa(i-2-nk) + "]"
				}
			}
		}
	case "SCRIPT":
		if len(args) == 3 && strings.EqualFold(args[1], "LOAD") {
			out[1], out[2] = "subcommand", "script"
		}
	case "FUNCTION":
		if len(args) >= 3 && strings.EqualFold(args[1], "LOAD") {
			out[1] = "subcommand"
			for i := 2; i < len(args)-1; i++ {
				out[i] = "option"
			}
			out[len(args)-1] = "library"
		}
	}
	return out
}

// ---- history ----

// historyDetail is everything history recorded for a run.
func historyDetail(e history.Entry) detailDoc {
	doc := detailDoc{title: "History run of " + e.Time.Local().Format("2006-01-02 15:04:05"), what: "the history run"}
	doc.add("time", e.Time.Local().Format(time.RFC3339Nano))
	doc.add("server", printableText(e.Target))
	doc.add("label", printableText(e.Label))
	if e.Function != "" {
		doc.add("function", detailValue([]byte(e.Function)))
	}
	doc.add("sha", printableText(e.SHA))
	doc.add("strategy", printableText(e.Strategy))
	if e.ReadOnly {
		doc.add("read-only", "yes (EVAL_RO / EVALSHA_RO / FCALL_RO)")
	}
	doc.add("duration", humanDur(time.Duration(e.Micros)*time.Microsecond))
	if e.ErrorClass != "" {
		doc.add("outcome", "error: "+printableText(e.ErrorClass))
		doc.add("error", detailValue([]byte(e.Error)))
	} else {
		doc.add("outcome", "ok")
	}
	doc.add("reply", printableText(e.Reply)+cutNote(e.Reply, historyReplyRunes))
	doc.add("numkeys", strconv.Itoa(len(e.Keys)))
	for i, k := range e.Keys {
		doc.add("KEYS["+strconv.Itoa(i+1)+"]", detailQuoted([]byte(k)))
	}
	for i, a := range e.Args {
		doc.add("ARGV["+strconv.Itoa(i+1)+"]", detailQuoted([]byte(a)))
	}
	if e.Truncated {
		doc.add("note", "history cut this entry to its limits: the script, keys or args above are not exact")
	}
	for i, st := range e.Steps {
		// As the trace's detail writes a command: a word with quotes or
		// escapes is quoted, so it is escaped once and reads as a value.
		line := st.Outcome + " " + commandLine(st.Command)
		if st.Node != "" {
			line += " · " + st.Node
		}
		line += " · " + humanDur(time.Duration(st.Micros)*time.Microsecond)
		if st.Reply != "" {
			line += "\n<- " + st.Reply + cutNote(st.Reply, historyStepReplyRunes)
		}
		doc.add("step "+strconv.Itoa(i+1), printableParas(line))
	}
	doc.add("script", detailSource(e.Source))
	return doc
}

// cutNote says that history stored a reply summary cut, so that the "…"
// is not taken for the reply's own text.
func cutNote(summary string, limit int) string {
	if !storedCut(summary, limit) {
		return ""
	}
	return " (stored cut to " + strconv.Itoa(limit) + " chars)"
}

// ---- the error panel ----

// errorDetail is a classified error with nothing cut: class, source, the
// server's whole text, line, SHA, hint, what the class means, how client
// libraries report it, and the docs.
func errorDetail(e *classify.Classification, action, running string) detailDoc {
	doc := detailDoc{title: "Error: " + printableText(string(e.Class)), what: "the error"}
	doc.add("class", printableText(string(e.Class)))
	doc.add("source", printableText(string(e.Source)))
	doc.add("prefix", printableText(e.Prefix))
	doc.add("message", detailValue([]byte(e.Message)))
	if e.Line > 0 {
		doc.add("line", strconv.Itoa(e.Line))
	}
	doc.add(errSHAField(e))
	doc.add("command", printableText(e.Command))
	doc.add("function", printableText(e.Function))
	if e.Addr != "" {
		doc.add("redirect", "slot "+strconv.Itoa(e.Slot)+" → "+printableText(e.Addr))
	}
	doc.add("hint", printableParas(e.Hint))
	doc.add("keys", printableText(action))
	if running != "" {
		doc.add("running code", runningCode(running))
	}
	doc.add("about", printableParas(e.Class.Explain()))
	doc.add("redis-py", printableParas(e.Clients.RedisPy))
	doc.add("go-redis", printableParas(e.Clients.GoRedis))
	doc.add("docs", strings.Join(e.Class.Docs(), "\n"))
	return doc
}
