package suite

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"luascope/redisx/resp"
)

// CaseLine is a case's result as `luascope test` prints it, like go test
// -v: "ok", "FAIL", "ERROR" or "skip", the file and case, the time; then
// for anything but a pass, what went wrong, indented (and, for a failure
// or an error, the run's steps and classified error).
func CaseLine(r CaseResult) string {
	word := map[Outcome]string{Pass: "ok   ", Fail: "FAIL ", Skip: "skip ", Error: "ERROR"}[r.Outcome]
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s (%s)\n", word, resp.Printable(r.File), resp.Printable(r.Case), roundTime(r.Duration))
	if r.Outcome == Pass {
		return b.String()
	}
	for _, f := range r.Failures {
		for _, l := range strings.Split(f, "\n") {
			fmt.Fprintf(&b, "      %s\n", resp.Printable(l))
		}
	}
	if rep := r.Report; rep != nil && r.Outcome != Skip {
		b.WriteString("      steps:\n")
		for i, st := range rep.Steps {
			cmd := make([]string, len(st.Command))
			for j, a := range st.Command {
				cmd[j] = resp.Escape([]byte(a))
			}
			line := strings.Join(cmd, " ")
			if r := []rune(line); len(r) > 100 {
				line = string(r[:99]) + "…"
			}
			fmt.Fprintf(&b, "        %d. %-8s %s\n", i+1, st.Outcome, line)
		}
		for _, e := range rep.Effects {
			what := "unchanged"
			if len(e.Changes) > 0 {
				what = strings.Join(e.Changes, ", ")
			}
			fmt.Fprintf(&b, "      key %s: %s\n", resp.Quote([]byte(e.Key)), resp.Printable(what))
		}
		if e := rep.Error; e != nil {
			fmt.Fprintf(&b, "      error: %s: %s\n", e.Class, resp.Printable(e.Message))
			if e.Line > 0 {
				fmt.Fprintf(&b, "      at line %d of the script\n", e.Line)
			}
		}
	}
	return b.String()
}

// Summary is the last line: "N passed, N failed" and the rest.
func Summary(c Counts) string {
	s := fmt.Sprintf("%d passed, %d failed", c.Passed, c.Failed)
	if c.Errors > 0 {
		s += fmt.Sprintf(", %d errors", c.Errors)
	}
	if c.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", c.Skipped)
	}
	return s
}

// Overhead is the time a server's run spent outside its cases, as the
// end of its summary line: " (start-up 2.1s, recovery 5.0s)", recovery
// only when a sandbox had to be replaced; "" when there is none.
func Overhead(s ServerResult) string {
	var parts []string
	if s.Startup > 0 {
		parts = append(parts, "start-up "+roundTime(s.Startup).String())
	}
	if s.Recovery > 0 {
		parts = append(parts, "recovery "+roundTime(s.Recovery).String())
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// roundTime is d as the case lines show times: to 0.1ms, and to 1ms past
// a second (2.1s, not 2.0953417s).
func roundTime(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

// Doc is `luascope test --json`'s document: each server's cases, and the
// totals. A stable contract, fields only ever added (docs/testing.md).
type Doc struct {
	Servers []DocServer `json:"servers"`
	Passed  int         `json:"passed"`
	Failed  int         `json:"failed"`
	Errors  int         `json:"errors"`
	Skipped int         `json:"skipped"`
}

// DocServer is one server's run in Doc.
type DocServer struct {
	Name   string `json:"name"`
	Binary string `json:"binary"`
	// Target is --target's URL (password masked); there only on --target,
	// where binary is "".
	Target string    `json:"target,omitempty"`
	Error  string    `json:"error,omitempty"`
	Cases  []DocCase `json:"cases"`
	// StartupMS and RecoveryMS are ServerResult's Startup and Recovery:
	// the time outside the cases' duration_ms.
	StartupMS  float64 `json:"startup_ms"`
	RecoveryMS float64 `json:"recovery_ms"`
}

// DocCase is one case in Doc; report is `luascope run --json`'s document
// of its last run.
type DocCase struct {
	CaseResult
	// Failures is there for every case: [] for a pass, so that a reader
	// need not tell "none" from "not given".
	Failures   []string `json:"failures"`
	DurationMS float64  `json:"duration_ms"`
}

// WriteJSON writes the results as one JSON document.
func WriteJSON(w io.Writer, results []ServerResult) error {
	c := Count(results)
	doc := Doc{Servers: []DocServer{}, Passed: c.Passed, Failed: c.Failed, Errors: c.Errors, Skipped: c.Skipped}
	for _, s := range results {
		ds := DocServer{Name: s.Name, Binary: s.Binary, Target: s.Target, Error: s.Err, Cases: []DocCase{},
			StartupMS: float64(s.Startup.Microseconds()) / 1000, RecoveryMS: float64(s.Recovery.Microseconds()) / 1000}
		for _, r := range s.Cases {
			ds.Cases = append(ds.Cases, DocCase{CaseResult: r, Failures: append([]string{}, r.Failures...), DurationMS: float64(r.Duration.Microseconds()) / 1000})
		}
		doc.Servers = append(doc.Servers, ds)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// The JUnit XML that CI systems read (Jenkins, GitLab, GitHub actions
// that publish test reports): a testsuite per file and server.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the results as JUnit XML: one testsuite per test file
// and server ("limit.test.toml (redis 7.0.15)"), one testcase per case.
// Text from a server is escaped (resp.Printable), so the XML holds no
// control character XML forbids.
func WriteJUnit(w io.Writer, results []ServerResult) error {
	var doc junitSuites
	for _, s := range results {
		byFile := map[string]int{}
		for _, r := range s.Cases {
			i, ok := byFile[r.File]
			if !ok {
				i = len(doc.Suites)
				byFile[r.File] = i
				doc.Suites = append(doc.Suites, junitSuite{Name: resp.Printable(r.File) + " (" + resp.Printable(s.Name) + ")"})
			}
			su := &doc.Suites[i]
			// The server is in the class name: with --server-bin twice, the
			// same case on two servers stays two test cases for a CI report.
			jc := junitCase{Name: resp.Printable(r.Case), Classname: resp.Printable(strings.TrimSuffix(r.File, Ext) + " (" + s.Name + ")"), Time: fmt.Sprintf("%.3f", r.Duration.Seconds())}
			text := strings.TrimPrefix(CaseLine(r), "")
			msg := ""
			if len(r.Failures) > 0 {
				msg = resp.Printable(r.Failures[0])
			}
			switch r.Outcome {
			case Fail:
				jc.Failure = &junitProblem{Message: msg, Text: text}
				su.Failures++
			case Error:
				jc.Error = &junitProblem{Message: msg, Text: text}
				su.Errors++
			case Skip:
				jc.Skipped = &junitProblem{Message: msg}
				su.Skipped++
			}
			su.Tests++
			var t float64
			fmt.Sscanf(su.Time, "%g", &t)
			su.Time = fmt.Sprintf("%.3f", t+r.Duration.Seconds())
			su.Cases = append(su.Cases, jc)
		}
	}
	for _, su := range doc.Suites {
		doc.Tests += su.Tests
		doc.Failures += su.Failures
		doc.Errors += su.Errors
		doc.Skipped += su.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
