package compare

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// Run is one server's run of the script: the name the differences use
// for it (unique among the runs, e.g. "redis 7.0.15") and its report.
type Run struct {
	Name   string
	Report redisx.Report
}

// Difference is one place where the runs disagree. Values holds each
// run's value there by run name, on one line and escaped; a run that has
// nothing there (a shorter array, no error, one step fewer) says Absent.
type Difference struct {
	Path   string            `json:"path"`
	Values map[string]string `json:"values"`
}

// Absent is the value of a run that has nothing at a difference's path.
const Absent = "(absent)"

// maxValue bounds one value's text: a difference is read on one line,
// and the whole value is in each run's report.
const maxValue = 200

// Compare returns where runs differ, in the order of a report: the reply
// (depth first), the error, the steps, the effects, the explain warnings.
// Fewer than two runs cannot differ. Timings, addresses and connection
// names are not compared: they differ on every run; in the text of a
// client-side error (a timeout, a lost connection) each address is
// Addr, so two runs that failed alike read alike (see LocalText).
func Compare(runs []Run) []Difference {
	if len(runs) < 2 {
		return nil
	}
	c := &comparer{runs: runs}
	c.walk()
	return c.diffs
}

// Row is one line of a side-by-side table of the runs: a path (as a
// Difference names it), each run's value there in the order of the runs
// (escaped, on one line), and whether they differ.
type Row struct {
	Path    string
	Values  []string
	Differs bool
}

// Table is every path of the runs side by side, the ones where they agree
// too, in the order of Compare; the terminal UI's Compare view draws it
// and highlights the rows that differ. It keeps at most maxRows rows
// (maxRows <= 0: no bound): past it, rows where the runs agree are
// counted in dropped instead, and rows that differ are kept up to
// maxRows more, so that a huge reply costs a bounded table and still
// shows its first differences. Differences counts every differing path,
// kept or not. A single run is a table without differences.
func Table(runs []Run, maxRows int) (rows []Row, dropped, differences int) {
	if len(runs) == 0 {
		return nil, 0, 0
	}
	c := &comparer{runs: runs, table: true, maxRows: maxRows}
	c.walk()
	return c.rows, c.dropped, c.ndiff
}

// walk compares everything, in report order.
func (c *comparer) walk() {
	replies := make([]*resp.Value, len(c.runs))
	for i, r := range c.runs {
		replies[i] = r.Report.Reply
	}
	if !allErrors(replies) {
		// An error reply of every run is compared as error.class and
		// error.text below, not a second time here.
		c.reply("reply", replies)
	}
	c.errors()
	c.steps()
	c.effects()
	c.warnings()
}

type comparer struct {
	runs  []Run
	diffs []Difference

	// A table (Table) keeps every row, not only the differences.
	table   bool
	maxRows int
	rows    []Row
	dropped int
	ndiff   int
	shadow  int // > 0: inside a shape difference (inside), not counted
}

// add records a row: a difference when the values are not all the same;
// a table keeps the others too.
func (c *comparer) add(path string, values []string) {
	differs := false
	for _, v := range values[1:] {
		if v != values[0] {
			differs = true
			break
		}
	}
	if c.table {
		if differs && c.shadow == 0 {
			c.ndiff++
		}
		kept := len(c.rows)
		if c.maxRows > 0 && (kept >= 2*c.maxRows || (kept >= c.maxRows && !differs)) {
			c.dropped++
			return
		}
		c.rows = append(c.rows, Row{Path: path, Values: values, Differs: differs})
		return
	}
	if !differs {
		return
	}
	d := Difference{Path: path, Values: make(map[string]string, len(values))}
	for i, r := range c.runs {
		d.Values[r.Name] = values[i]
	}
	c.diffs = append(c.diffs, d)
}

// full reports whether a table has no room left, so the walk of a huge
// reply stops describing nodes nobody will see (they are still counted).
func (c *comparer) full() bool {
	return c.table && c.maxRows > 0 && len(c.rows) >= 2*c.maxRows
}

// reply compares the nodes at one path of each run's reply (nil: the run
// has none there). It descends only while every run has an aggregate of
// the same kind; otherwise the nodes are compared whole, as one value.
func (c *comparer) reply(path string, vs []*resp.Value) {
	if descend(vs) {
		c.attrs(path, vs)
		if c.table && (vs[0].Kind == resp.Map || vs[0].Kind == resp.Attribute) && allEmpty(vs) {
			// An empty map has no pairs to list: it is a row.
			values := make([]string, len(vs))
			for i, v := range vs {
				values[i] = Describe(v)
			}
			c.add(path, values)
			return
		}
		if vs[0].Kind == resp.Map || vs[0].Kind == resp.Attribute {
			c.pairs(path, vs)
			return
		}
		n := 0
		for _, v := range vs {
			n = max(n, len(v.Elems))
		}
		if n == 0 && c.table {
			// An empty aggregate has no children to list: it is a row.
			values := make([]string, len(vs))
			for i, v := range vs {
				values[i] = Describe(v)
			}
			c.add(path, values)
			return
		}
		for i := range n {
			kids := make([]*resp.Value, len(vs))
			for j, v := range vs {
				if i < len(v.Elems) {
					kids[j] = &v.Elems[i]
				}
			}
			c.reply(path+"["+strconv.Itoa(i+1)+"]", kids)
		}
		return
	}
	if same(vs) {
		if c.table {
			if c.maxRows > 0 && len(c.rows) >= c.maxRows {
				c.dropped++ // no room for rows that agree
				return
			}
			v := Describe(vs[0])
			values := make([]string, len(vs))
			for i := range values {
				values[i] = v
			}
			c.add(path, values)
		}
		return
	}
	if c.full() {
		c.dropped++
		if c.shadow == 0 {
			c.ndiff++
		}
		return
	}
	values := make([]string, len(vs))
	for i, v := range vs {
		values[i] = Describe(v)
	}
	c.add(path, values)
	if c.table {
		c.inside(path, vs)
	}
}

// inside lists, for a table, the children of the aggregates at a path
// where the runs disagree on shape (an array against an error): each
// run's elements in rows of their own, the others absent, so the table
// shows what the aggregate held. They differ, but are not counted as
// differences: the path above is the one.
func (c *comparer) inside(path string, vs []*resp.Value) {
	n, kind := 0, resp.Kind(0)
	for _, v := range vs {
		if v != nil && v.IsAggregate() && len(v.Elems) > n {
			n, kind = len(v.Elems), v.Kind
		}
	}
	if n == 0 {
		return
	}
	c.shadow++
	defer func() { c.shadow-- }()
	step := 1
	if kind == resp.Map || kind == resp.Attribute {
		step = 2
	}
	for i := 0; i < n; i += step {
		kids := make([]*resp.Value, len(vs))
		for j, v := range vs {
			if v != nil && v.IsAggregate() && v.Kind == kind && i < len(v.Elems) {
				kids[j] = &v.Elems[i]
				if step == 2 && i+1 < len(v.Elems) {
					kids[j] = &v.Elems[i+1]
				}
			}
		}
		p := path + "[" + strconv.Itoa(i+1) + "]"
		if step == 2 {
			for _, v := range vs {
				if v != nil && v.Kind == kind && i < len(v.Elems) {
					p = path + "{" + keyLabel(&v.Elems[i]) + "}"
					break
				}
			}
		}
		c.reply(p, kids)
	}
}

// allEmpty reports whether every aggregate has no elements.
func allEmpty(vs []*resp.Value) bool {
	for _, v := range vs {
		if len(v.Elems) > 0 {
			return false
		}
	}
	return true
}

// allErrors reports whether every run's reply is an error reply.
func allErrors(vs []*resp.Value) bool {
	for _, v := range vs {
		if v == nil || v.Kind != resp.Error {
			return false
		}
	}
	return true
}

// descend reports whether every run has an aggregate of one kind at a
// path, so the children are compared rather than the nodes.
func descend(vs []*resp.Value) bool {
	for _, v := range vs {
		if v == nil || !v.IsAggregate() || v.Kind != vs[0].Kind {
			return false
		}
	}
	return true
}

// same reports whether all the nodes are the same reply on the wire.
func same(vs []*resp.Value) bool {
	for _, v := range vs[1:] {
		if (v == nil) != (vs[0] == nil) || (v != nil && !v.Equal(*vs[0])) {
			return false
		}
	}
	return true
}

// attrs compares the attributes that came before aggregates (RESP3).
func (c *comparer) attrs(path string, vs []*resp.Value) {
	as := make([]*resp.Value, len(vs))
	some := false
	for i, v := range vs {
		as[i] = v.Attr
		some = some || v.Attr != nil
	}
	if some {
		c.reply(path+".attr", as)
	}
}

// pairs compares maps by key, not by position: a path names a key
// (reply{"double"}), and a key one run lacks is a difference of its own.
func (c *comparer) pairs(path string, vs []*resp.Value) {
	var order []string
	keys := map[string]*resp.Value{}
	byRun := make([]map[string]*resp.Value, len(vs))
	for i, v := range vs {
		byRun[i] = map[string]*resp.Value{}
		for j := 0; j+1 < len(v.Elems); j += 2 {
			k := keyID(&v.Elems[j])
			if _, seen := keys[k]; !seen {
				keys[k] = &v.Elems[j]
				order = append(order, k)
			}
			if _, dup := byRun[i][k]; !dup {
				byRun[i][k] = &v.Elems[j+1]
			}
		}
	}
	for _, k := range order {
		kids := make([]*resp.Value, len(vs))
		for i := range vs {
			kids[i] = byRun[i][k]
		}
		c.reply(path+"{"+keyLabel(keys[k])+"}", kids)
	}
}

// keyID identifies a map key by kind and wire bytes.
func keyID(k *resp.Value) string {
	switch k.Kind {
	case resp.Integer:
		return "i" + strconv.FormatInt(k.Int, 10)
	case resp.Bulk, resp.Status, resp.Verbatim, resp.BigNumber, resp.Double:
		return k.Kind.String() + ":" + string(k.Str)
	}
	return k.Kind.String() + ":" + resp.Summary(*k, 0)
}

// keyLabel is a key as a path shows it: a string quoted and escaped.
func keyLabel(k *resp.Value) string {
	switch k.Kind {
	case resp.Bulk, resp.Status, resp.Verbatim:
		return resp.Quote(k.Str)
	case resp.Integer:
		return strconv.FormatInt(k.Int, 10)
	}
	return resp.Summary(*k, 40)
}

// Describe renders one reply node on one line with its wire type, so
// that a bulk string and a double that print alike still read apart:
// (bulk) "3.9", (double) 3.9, (nil $-1), array[3]. nil is Absent.
func Describe(v *resp.Value) string {
	if v == nil {
		return Absent
	}
	switch v.Kind {
	case resp.Bulk:
		return "(bulk) " + resp.Summary(*v, maxValue-7)
	case resp.Nil:
		switch v.NilWire {
		case '$':
			return "(nil $-1)"
		case '*':
			return "(nil *-1)"
		}
		return "(nil _)"
	case resp.Error:
		if v.BulkError {
			return "(blob error) " + strings.TrimPrefix(resp.Summary(*v, maxValue), "(error) ")
		}
	}
	s := resp.Summary(*v, maxValue)
	if v.Attr != nil {
		s += " with attribute " + resp.Summary(*v.Attr, 40)
	}
	return s
}

// Addr stands for a socket address (host:port, a unix socket's path) in
// a client-side error's text, which names the run's own ports.
const Addr = "<addr>"

// perRun matches what a client-side error's text holds of one run only:
// an address with its port, as Go's net package prints them ("read tcp
// 127.0.0.1:46944->127.0.0.1:46151: i/o timeout"; an IPv4, a bracketed
// IPv6, localhost) and a unix socket's path (a sandbox's temporary
// directory). Compiled on first use: most runs of luascope compare nothing.
var perRun = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\[[0-9A-Za-z:.%_-]*\]:\d{1,5}\b|\b(?:\d{1,3}\.){3}\d{1,3}:\d{1,5}\b|\blocalhost:\d{1,5}\b|/[^\s:;,]*\.sock\b`)
})

// LocalText is a client-side error's text with what differs on every
// run (ports, addresses, socket paths) replaced by Addr, as Compare and
// Table compare it. A server's reply is never rewritten: what it says
// is the servers' difference to show.
func LocalText(s string) string {
	if !strings.ContainsAny(s, ":/") {
		return s
	}
	return perRun().ReplaceAllString(s, Addr)
}

// errorText is a classified error's text as compared: a client-side
// one's addresses replaced (LocalText), escaped, on one line.
func errorText(e *classify.Classification) string {
	msg := e.Message
	if e.Source == classify.SourceClient {
		msg = LocalText(msg)
	}
	return cutLine(resp.Escape([]byte(msg)))
}

// errors compares the classified errors: whether there is one, then its
// class and its text.
func (c *comparer) errors() {
	errs := make([]*classify.Classification, len(c.runs))
	some, all := false, true
	for i, r := range c.runs {
		errs[i] = r.Report.Error
		some = some || errs[i] != nil
		all = all && errs[i] != nil
	}
	if !some {
		return
	}
	if !all {
		values := make([]string, len(errs))
		for i, e := range errs {
			values[i] = "(no error)"
			if e != nil {
				values[i] = resp.Printable(string(e.Class)) + ": " + errorText(e)
			}
		}
		c.add("error", values)
		return
	}
	classes := make([]string, len(errs))
	texts := make([]string, len(errs))
	for i, e := range errs {
		classes[i] = resp.Printable(string(e.Class))
		texts[i] = errorText(e)
	}
	c.add("error.class", classes)
	c.add("error.text", texts)
}

// steps compares the round trips one by one: outcome, command and, for a
// step that failed or that a strategy handled (NOSCRIPT, whose wording
// differs between servers), what it got. Other replies are the run's
// reply or its error, compared above. The redirects a cluster client
// follows are left out (see compared): step N is the Nth of the others.
func (c *comparer) steps() {
	steps := make([][]redisx.ReportStep, len(c.runs))
	n := 0
	for i, r := range c.runs {
		steps[i] = compared(r.Report.Steps)
		n = max(n, len(steps[i]))
	}
	for i := range n {
		values := make([]string, len(c.runs))
		for j := range c.runs {
			values[j] = Absent
			if i < len(steps[j]) {
				values[j] = describeStep(steps[j][i])
			}
		}
		c.add("step "+strconv.Itoa(i+1), values)
	}
}

// compared is the steps of a run without the cluster's routing: a MOVED
// or ASK that was followed, the ASKING before the retry, a TRYAGAIN that
// was waited out. Where the client first sends a command depends on the
// slot map it has learnt, not on the server's behaviour: a cluster's run
// would otherwise always differ from a single server's (MOVED, then the
// command, against the command alone). The run's last step is kept
// whatever it is: a redirect not followed is the run's result.
func compared(steps []redisx.ReportStep) []redisx.ReportStep {
	out := steps[:0:0]
	for i, st := range steps {
		if i < len(steps)-1 && routing(st) {
			continue
		}
		out = append(out, st)
	}
	return out
}

// routing reports whether a step only moved the command to another node.
func routing(st redisx.ReportStep) bool {
	switch {
	case st.Outcome == redisx.OutcomeMoved || st.Outcome == redisx.OutcomeAsk:
		return true
	case len(st.Command) == 1 && strings.EqualFold(string(st.Command[0]), "ASKING"):
		return true
	case st.Outcome == redisx.OutcomeError && st.Reply != nil && strings.HasPrefix(string(st.Reply.Str), "TRYAGAIN"):
		return true
	}
	return false
}

// describeStep is one round trip on one line, without its node, time or
// connection (which differ between any two servers).
func describeStep(st redisx.ReportStep) string {
	args := make([]string, len(st.Command))
	for i, a := range st.Command {
		args[i] = resp.Escape([]byte(a))
	}
	s := string(st.Outcome) + " " + strings.Join(args, " ")
	switch {
	case st.Error != "":
		s += " <- no reply: " + resp.Escape([]byte(LocalText(st.Error)))
	case st.Reply != nil && st.Reply.Kind == resp.Error && st.Outcome != redisx.OutcomeError:
		s += " <- " + Describe(st.Reply)
	}
	return cutLine(s)
}

// effects compares each key's change (--effects): what changed, and the
// key after the run (type, size, preview, whether it expires).
func (c *comparer) effects() {
	var order []string
	byRun := make([]map[string]redisx.Effect, len(c.runs))
	seen := map[string]bool{}
	for i, r := range c.runs {
		byRun[i] = map[string]redisx.Effect{}
		for _, e := range r.Report.Effects {
			byRun[i][e.Key] = e
			if !seen[e.Key] {
				seen[e.Key] = true
				order = append(order, e.Key)
			}
		}
	}
	for _, k := range order {
		values := make([]string, len(c.runs))
		for i := range c.runs {
			e, ok := byRun[i][k]
			values[i] = Absent
			if ok {
				values[i] = describeEffect(e)
			}
		}
		c.add("key "+resp.Escape([]byte(k)), values)
	}
}

// describeEffect is one key's effect on one line. The TTL counts only as
// none, gone or set: its milliseconds tick between two runs.
func describeEffect(e redisx.Effect) string {
	what := "unchanged"
	if len(e.Changes) > 0 {
		what = strings.Join(e.Changes, ", ")
	}
	a := e.After
	var after string
	switch {
	case a.Err != "":
		after = "unreadable: " + a.Err
	case !a.Exists:
		after = "missing"
	default:
		ttl := "no ttl"
		if a.TTLms >= 0 {
			ttl = "expires"
		}
		after = fmt.Sprintf("%s, size %d, %s: %s", a.Type, a.Size, ttl, a.Preview)
	}
	return cutLine(resp.Printable(what + "; now " + after))
}

// warnings compares --explain's lossy-conversion warnings as one list.
func (c *comparer) warnings() {
	values := make([]string, len(c.runs))
	some := false
	for i, r := range c.runs {
		values[i] = "(none)"
		if len(r.Report.Warnings) > 0 {
			some = true
			values[i] = cutLine(resp.Printable(strings.Join(r.Report.Warnings, "; ")))
		}
	}
	if some {
		c.add("explain warnings", values)
	}
}

// cutLine bounds an already escaped line to maxValue runes.
func cutLine(s string) string {
	r := []rune(s)
	if len(r) <= maxValue {
		return s
	}
	return string(r[:maxValue-1]) + "…"
}
