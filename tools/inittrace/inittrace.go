// Package inittrace reads a Go program's GODEBUG=inittrace=1 report: what
// each package's init cost. TestInitBudget (what must not grow) and make
// bench-cli (the total, printed) read the same lines.
package inittrace

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Trace is one process's report.
type Trace struct {
	ClockMS float64 // sum of every package's init clock
	Bytes   int64
	Allocs  int64
	Lines   []string
}

// Run runs `bin version` (luascope's command that does nothing but init
// and print) once and sums its inittrace lines:
// "init PKG @T ms, C ms clock, B bytes, N allocs".
func Run(bin string) (*Trace, error) {
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s version: %v\n%s", bin, err, stderr.String())
	}
	tr := &Trace{}
	sc := bufio.NewScanner(bytes.NewReader(stderr.Bytes()))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 11 || f[0] != "init" || f[6] != "clock," {
			continue
		}
		c, err1 := strconv.ParseFloat(f[4], 64)
		b, err2 := strconv.ParseInt(f[7], 10, 64)
		n, err3 := strconv.ParseInt(f[9], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("unexpected inittrace line %q", sc.Text())
		}
		tr.ClockMS += c
		tr.Bytes += b
		tr.Allocs += n
		tr.Lines = append(tr.Lines, sc.Text())
	}
	if len(tr.Lines) == 0 {
		return nil, fmt.Errorf("no inittrace lines in:\n%s", stderr.String())
	}
	return tr, nil
}

// PerPackage is each package's init clock in this run, in ms.
func (tr *Trace) PerPackage() map[string]float64 {
	m := make(map[string]float64, len(tr.Lines))
	for _, l := range tr.Lines {
		f := strings.Fields(l)
		c, _ := strconv.ParseFloat(f[4], 64)
		m[f[1]] += c
	}
	return m
}

// Top is the k most expensive inits by clock, for a failure message.
func (tr *Trace) Top(k int) string {
	lines := append([]string(nil), tr.Lines...)
	clock := func(s string) float64 { v, _ := strconv.ParseFloat(strings.Fields(s)[4], 64); return v }
	for i := range lines { // few lines: a selection sort is enough
		for j := i + 1; j < len(lines); j++ {
			if clock(lines[j]) > clock(lines[i]) {
				lines[i], lines[j] = lines[j], lines[i]
			}
		}
	}
	if len(lines) > k {
		lines = lines[:k]
	}
	return strings.Join(lines, "\n")
}
