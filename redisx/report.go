package redisx

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"luascope/redisx/classify"
	"luascope/redisx/explain"
	"luascope/redisx/resp"
)

// Report is a run as the CLI's --json prints it: a stable contract that
// tests and users' scripts rely on. Fields are only ever added.
type Report struct {
	Target string       `json:"target"`
	Server ReportServer `json:"server"`
	Script ReportScript `json:"script"`
	// SentSHA (run --explain) is the SHA of what was sent, the explain
	// wrapper's, when it is not the script's.
	SentSHA  string                   `json:"sent_sha,omitempty"`
	Function Arg                      `json:"function,omitempty"`
	Strategy Strategy                 `json:"strategy"`
	ReadOnly bool                     `json:"readonly"`
	Keys     []Arg                    `json:"keys"` // a string, or {"hex":…} when not UTF-8
	Args     []Arg                    `json:"args"`
	Steps    []ReportStep             `json:"steps"`
	Reply    *resp.Value              `json:"reply"`
	Error    *classify.Classification `json:"error"`
	Micros   int64                    `json:"micros"`
	// Explain (run --explain) is a tree parallel to reply: each node's
	// "lua" value and its conversion "notes"; Warnings lists the lossy ones.
	Explain  *explain.Node `json:"explain,omitempty"`
	Warnings []string      `json:"warnings,omitempty"`
	// Effects (run --effects): each declared key before and after.
	Effects []Effect `json:"effects,omitempty"`
}

// ReportServer is the server part of a Report.
type ReportServer struct {
	Version  string `json:"version"`
	Mode     string `json:"mode"`
	Flavor   string `json:"flavor"`
	Protocol int    `json:"protocol"`
}

// ReportScript is the script part of a Report.
type ReportScript struct {
	SHA   string   `json:"sha"`
	Flags []string `json:"flags"`
	// Shebang is present when the script starts with #!.
	Shebang *Shebang `json:"shebang,omitempty"`
}

// ReportStep is one round trip in a Report.
type ReportStep struct {
	// Command is the command as sent: each argument a JSON string, or
	// {"hex":"…"} when its bytes are not UTF-8 (as for replies); a long
	// script body is cut to its first line plus "…(N bytes)".
	Command []Arg       `json:"command"`
	Node    string      `json:"node"`
	Conn    string      `json:"conn"`
	Outcome Outcome     `json:"outcome"`
	Reply   *resp.Value `json:"reply"`
	Error   string      `json:"error,omitempty"`
	Note    string      `json:"note,omitempty"`
	Micros  int64       `json:"micros"`
}

// NewReport assembles the report of a finished run.
func NewReport(s *Session, call Call, res Result) Report {
	info := s.Info()
	rep := Report{
		Target:   s.Target().String(),
		Server:   ReportServer{Version: info.Version, Mode: info.Mode, Flavor: info.Flavor, Protocol: info.Protocol},
		Script:   ReportScript{SHA: res.SHA, Flags: []string{}, Shebang: res.Shebang},
		Function: Arg(call.Function),
		Strategy: res.Strategy,
		ReadOnly: call.ReadOnly || s.ReadOnly(),
		Keys:     toArgs(call.Keys),
		Args:     toArgs(call.Args),
		Steps:    make([]ReportStep, len(res.Steps)),
		Reply:    res.Reply,
		Error:    res.Error,
		Micros:   res.Duration.Microseconds(),
		Explain:  res.Explain,
		Effects:  res.Effects,
	}
	if res.Explain != nil {
		rep.Warnings = res.Explain.Warnings()
	}
	if call.Function == "" && res.SentSHA != "" && res.SentSHA != res.SHA {
		rep.SentSHA = res.SentSHA
	}
	if res.Shebang != nil {
		rep.Script.Flags = res.Shebang.Flags
	}
	if call.Function != "" {
		rep.Script = ReportScript{Flags: []string{}}
	}
	for i, st := range res.Steps {
		rep.Steps[i] = ReportStep{Command: toArgs(st.Args), Node: st.Node, Conn: st.Conn, Outcome: st.Outcome,
			Reply: st.Reply, Error: st.Err, Note: st.Note, Micros: st.Dur.Microseconds()}
	}
	return rep
}

// toArgs is s as JSON byte strings, never nil (an empty list is [], not null).
func toArgs(s []string) []Arg {
	out := make([]Arg, len(s))
	for i, a := range s {
		out[i] = Arg(a)
	}
	return out
}

// WriteJSON writes the report as one JSON document and a newline, by the
// rule of every --json output (resp.WriteJSON), byte for byte. The
// replies (the final one and each step's) are streamed into w by
// resp.JSONStream rather than passed through encoding/json, so a large
// reply is written once, in chunks.
func (r Report) WriteJSON(w io.Writer) error {
	var js resp.JSONStream
	r.Reply = js.Ref(r.Reply)
	steps := make([]ReportStep, len(r.Steps))
	for i, st := range r.Steps {
		st.Reply = js.Ref(st.Reply)
		steps[i] = st
	}
	if r.Steps != nil {
		r.Steps = steps
	}
	return js.WriteJSON(w, r)
}

// WriteText writes the report for a person: where it ran, each round
// trip, the reply like redis-cli prints it, and the classified error.
// Everything from the server or the user is escaped: data (keys,
// commands, replies) with resp.Escape, luascope's own lines that carry
// such text (a redirect's address in a note, a hint) with resp.Printable.
//
// It streams: lines go through one 64 KiB buffer and the reply through
// resp.WriteText, so a reply of any size is never assembled whole.
func (r Report) WriteText(w io.Writer, quiet bool) error {
	b := bufio.NewWriterSize(w, 64<<10)
	if !quiet {
		fmt.Fprintf(b, "target    %s (%s %s, %s, RESP%d)\n", resp.Printable(r.Target), resp.Printable(r.Server.Flavor),
			resp.Printable(r.Server.Version), resp.Printable(r.Server.Mode), r.Server.Protocol)
		if r.Function != "" {
			fmt.Fprintf(b, "function  %s\n", resp.Escape([]byte(r.Function)))
		} else {
			flags := "none"
			if r.Script.Shebang != nil {
				flags = strings.Join(r.Script.Flags, ",")
				if flags == "" {
					flags = "none"
				}
				if len(r.Script.Shebang.Unknown) > 0 {
					flags += " (unknown to Redis: " + strings.Join(r.Script.Shebang.Unknown, ",") + ")"
				}
			}
			fmt.Fprintf(b, "script    sha %s, flags %s\n", r.Script.SHA, resp.Escape([]byte(flags)))
			fmt.Fprintf(b, "strategy  %s%s\n", r.Strategy, map[bool]string{true: " (read-only)"}[r.ReadOnly])
			if r.SentSHA != "" {
				fmt.Fprintf(b, "explain   the steps send the explain wrapper of this script (sha %s); run without --explain for the plain run\n", r.SentSHA)
			}
		}
		fmt.Fprintf(b, "steps     %d round trip%s, %s\n", len(r.Steps), plural(len(r.Steps)), FormatMicros(r.Micros))
		for i, st := range r.Steps {
			fmt.Fprintf(b, "  %d. %-8s %s  %s  %s\n", i+1, st.Outcome, strings.Join(escapeAll(st.Command), " "), resp.Escape([]byte(st.Node)), FormatMicros(st.Micros))
			if st.Note != "" {
				fmt.Fprintf(b, "     why: %s\n", resp.Printable(st.Note))
			}
			switch {
			case st.Reply != nil:
				fmt.Fprintf(b, "     <- %s\n", resp.Summary(*st.Reply, 100))
			case st.Error != "":
				fmt.Fprintf(b, "     <- no reply: %s\n", resp.Escape([]byte(st.Error)))
			}
		}
		b.WriteString("reply\n")
	}
	if r.Reply != nil {
		// Text has no trailing newline; WriteText adds the one.
		if err := resp.WriteText(b, *r.Reply); err != nil {
			return err
		}
	} else {
		b.WriteString("(no reply)\n")
	}
	if r.Explain != nil && !quiet {
		b.WriteString("explain (Lua value → reply)\n")
		writeExplain(b, *r.Explain, "reply", 1)
		if len(r.Warnings) > 0 {
			b.WriteString("warnings\n")
			for _, w := range r.Warnings {
				b.WriteString("  ⚠ " + resp.Printable(w) + "\n")
			}
		}
	}
	if len(r.Effects) > 0 && !quiet {
		b.WriteString("effects (keys before → after)\n")
		for _, e := range r.Effects {
			what := "unchanged"
			if len(e.Changes) > 0 {
				what = strings.Join(e.Changes, ", ")
			}
			fmt.Fprintf(b, "  %s: %s\n", resp.Escape([]byte(e.Key)), resp.Printable(what))
			if len(e.Changes) > 0 && e.After.Exists {
				fmt.Fprintf(b, "      now %s, size %d, ttl %s: %s\n", resp.Printable(e.After.Type), e.After.Size, ttlText(e.After.TTLms), resp.Printable(e.After.Preview))
			}
		}
	}
	if r.Error != nil && !quiet {
		writeClassification(b, *r.Error)
	}
	return b.Flush()
}

// WriteClassification writes a classified error for a person, as
// `luascope explain-error` and `run` print it.
func WriteClassification(w io.Writer, c classify.Classification) error {
	var b strings.Builder
	writeClassification(&b, c)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeClassification prints c. The hint and client notes quote the
// message (a redirect's address, a command's name), so they are
// printed with resp.Printable like the message is escaped.
func writeClassification(b io.Writer, c classify.Classification) {
	fmt.Fprintf(b, "error\n  class     %s (source: %s)\n", resp.Printable(string(c.Class)), resp.Printable(string(c.Source)))
	fmt.Fprintf(b, "  message   %s\n", resp.Escape([]byte(c.Message)))
	if c.SHA != "" {
		fmt.Fprintf(b, "  script    %s\n", resp.Printable(c.SHA))
	}
	if c.Line > 0 {
		fmt.Fprintf(b, "  line      %d\n", c.Line)
	}
	if c.Hint != "" {
		fmt.Fprintf(b, "  hint      %s\n", resp.Printable(c.Hint))
	}
	if c.Clients.RedisPy != "" {
		fmt.Fprintf(b, "  redis-py  %s\n", resp.Printable(c.Clients.RedisPy))
	}
	if c.Clients.GoRedis != "" {
		fmt.Fprintf(b, "  go-redis  %s\n", resp.Printable(c.Clients.GoRedis))
	}
	if about := c.Class.Explain(); about != "" {
		fmt.Fprintf(b, "  about     %s\n", about)
	}
	for i, d := range c.Class.Docs() {
		label := "docs"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(b, "  %-8s  %s\n", label, d)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// FormatMicros writes a duration in microseconds the way every luascope
// report does (850µs, 1.25ms, 2.3s), so a run and a batch read alike.
func FormatMicros(us int64) string {
	d := time.Duration(us) * time.Microsecond
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", us)
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(us)/1000)
	}
	return d.Round(time.Millisecond).String()
}

// Arg is one argument of a command in the JSON report (and a key or an
// argument of the run): a string when it is UTF-8, else {"hex":"…"}, so
// any bytes survive exactly.
type Arg = resp.ByteString

// ConnectFailureReport is the --json document of a run that never
// reached a server: no steps, no reply, the classified connection error.
func ConnectFailureReport(target string, call Call, err error) Report {
	c := classify.ClassifyError(err)
	if c.Class == classify.Unknown {
		c.Class, c.Source = classify.Connection, classify.SourceClient
	}
	strategy := call.Strategy
	if strategy == "" {
		strategy = EvalshaLoad
	}
	rep := Report{
		Target:   target,
		Script:   ReportScript{SHA: call.Script.SHA, Flags: []string{}, Shebang: call.Script.Shebang},
		Function: Arg(call.Function),
		Strategy: strategy,
		ReadOnly: call.ReadOnly,
		Keys:     toArgs(call.Keys),
		Args:     toArgs(call.Args),
		Steps:    []ReportStep{},
		Error:    &c,
	}
	if call.Script.Shebang != nil {
		rep.Script.Flags = call.Script.Shebang.Flags
	}
	return rep
}

// writeExplain prints the explain tree, one line per node, children
// indented under their parent.
func writeExplain(b *bufio.Writer, n explain.Node, path string, depth int) {
	notes := make([]string, 0, len(n.Notes))
	for _, note := range n.Notes {
		mark := ""
		if note.Lossy {
			mark = "⚠ "
		}
		notes = append(notes, mark+note.Text)
	}
	// The descriptions come back from the server (the wrapper's reply).
	fmt.Fprintf(b, "%s%s: %s — %s\n", strings.Repeat("  ", depth), path, resp.Printable(n.Lua), resp.Printable(strings.Join(notes, "; ")))
	for i, c := range n.Items {
		if depth > 6 || i >= 50 {
			fmt.Fprintf(b, "%s… %d more\n", strings.Repeat("  ", depth+1), len(n.Items)-i)
			break
		}
		writeExplain(b, c, fmt.Sprintf("%s[%d]", path, i+1), depth+1)
	}
	if n.Cut > 0 {
		fmt.Fprintf(b, "%s… %d more not described (the explanation stops after 20,000 values)\n", strings.Repeat("  ", depth+1), n.Cut)
	}
}
