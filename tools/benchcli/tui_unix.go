//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"luascope/tools/ptyterm"
)

// tuiRows measures the terminal UI rows the way a person meets
// them, each program on a pseudo-terminal of its own that answers the
// terminal's queries (tools/ptyterm): the first frame of a 10,000-line
// script against vim's (paired rounds, in turns), ctrl+r to the first
// frame that reacts (10,000 lines, a 10 MB script the server has not
// cached, and 3 lines for reference), and the
// resident set 3 s after a 1,000,000-element reply is shown, plain and
// in explain mode. The goals are the issue's: ≤ 1.5× vim, ≤ 20 ms,
// ≤ 150 MB.
func tuiRows(bin, port, work string) error {
	if _, err := exec.LookPath("vim"); err != nil {
		return fmt.Errorf("vim, the first frame's reference, is not installed")
	}
	var big, small strings.Builder
	big.WriteString("-- ptytime-mark first line\n")
	for i := 1; i <= 9998; i++ {
		fmt.Fprintf(&big, "redis.call('get', KEYS[1]) -- comment %d\n", i)
	}
	big.WriteString("return 1\n")
	small.WriteString("-- ptytime-mark first line\nredis.call('get', KEYS[1])\nreturn 1\n")
	// The largest script the UI opens: "whatever the size".
	var huge strings.Builder
	huge.WriteString("-- ptytime-mark first line\n")
	for i := 1; huge.Len() < 10_000_000-len("return 1\n")-60; i++ {
		fmt.Fprintf(&huge, "redis.call('get', KEYS[1]) -- comment %d\n", i)
	}
	huge.WriteString("return 1\n")
	files := map[string]string{
		"s10k.lua": big.String(), "s3.lua": small.String(), "s10m.lua": huge.String(),
		"m1.lua": "-- 1M reply\nlocal t = {}\nfor i = 1, 1000000 do t[i] = i end\nreturn t\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(work, name), []byte(src), 0o644); err != nil {
			return err
		}
	}
	path := func(name string) string { return filepath.Join(work, name) }
	ls := func(args ...string) []string { return append([]string{bin, "-p", port}, args...) }
	const timeout = 30 * time.Second

	fmt.Printf("\nTUI rows (pseudo-terminals, 120×40; %d rounds for frames and keys)\n", 3**rounds)
	fmt.Printf("%-44s %-14s %-30s %-14s %-10s %s\n", "row", "luascope", "reference", "ratio (paired)", "goal", "")
	pass, miss := 0, 0
	verdict := func(ok bool) string {
		if ok {
			pass++
			return "PASS"
		}
		miss++
		return "MISS"
	}

	// Start to first frame: luascope and vim in turns.
	var lsFirst, vimFirst, ratios []float64
	for i := 0; i < 3**rounds; i++ {
		order := [][]string{ls(path("s10k.lua"), "k"), {"vim", "-u", "NONE", "-n", path("s10k.lua")}}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		var l, v float64
		for _, argv := range order {
			d, _, err := ptyTime(argv, "ptytime-mark", "", "", timeout)
			if err != nil {
				return fmt.Errorf("first frame, %s: %w", argv[0], err)
			}
			if argv[0] == "vim" {
				v = d
			} else {
				l = d
			}
		}
		lsFirst, vimFirst, ratios = append(lsFirst, l), append(vimFirst, v), append(ratios, l/v)
	}
	fmt.Printf("%-44s %-14s %-30s %-14s %-10s %s\n", "start to first frame, 10,000-line script", fmtSec(median(lsFirst)),
		fmtSec(median(vimFirst))+" vim -u NONE -n", fmt.Sprintf("%.2f (%.2f)", median(lsFirst)/median(vimFirst), median(ratios)),
		"≤ 1.50", verdict(median(ratios) <= 1.5))

	// ctrl+r to the first frame that shows the run.
	var key10k, key3 []float64
	for i := 0; i < 3**rounds; i++ {
		for _, f := range []string{"s10k.lua", "s3.lua"} {
			_, d, err := ptyTime(ls(path(f), "k"), "ptytime-mark", "\x12", "evalsha-load", timeout)
			if err != nil {
				return fmt.Errorf("ctrl+r, %s: %w", f, err)
			}
			if f == "s10k.lua" {
				key10k = append(key10k, d)
			} else {
				key3 = append(key3, d)
			}
		}
	}
	fmt.Printf("%-44s %-14s %-30s %-14s %-10s %s\n", "ctrl+r to first reaction, 10,000 lines", fmtSec(median(key10k)),
		fmtSec(median(key3))+" (3-line script)", fmt.Sprintf("%.2f", median(key10k)/median(key3)), "≤ 20 ms", verdict(median(key10k) <= 0.020))

	// The same with a 10 MB script, not in the server's cache (SCRIPT
	// FLUSH before each round), so the run goes through EVALSHA, NOSCRIPT
	// and a 10 MB SCRIPT LOAD while the frame is drawn.
	var key10m []float64
	for i := 0; i < *rounds; i++ {
		if out, err := exec.Command("redis-cli", "-p", port, "SCRIPT", "FLUSH").CombinedOutput(); err != nil {
			return fmt.Errorf("SCRIPT FLUSH: %v: %s", err, out)
		}
		_, d, err := ptyTime(ls(path("s10m.lua"), "k"), "ptytime-mark", "\x12", "evalsha-load", timeout)
		if err != nil {
			return fmt.Errorf("ctrl+r, s10m.lua: %w", err)
		}
		key10m = append(key10m, d)
	}
	fmt.Printf("%-44s %-14s %-30s %-14s %-10s %s\n", "ctrl+r to first reaction, 10 MB, not cached", fmtSec(median(key10m)),
		fmtSec(median(key3))+" (3-line script)", fmt.Sprintf("%.2f", median(key10m)/median(key3)), "≤ 20 ms", verdict(median(key10m) <= 0.020))

	// Resident set with a 1,000,000-element reply shown.
	for _, explain := range []bool{false, true} {
		args := []string{path("m1.lua")}
		title := "RSS 3 s after a 1M-element reply"
		if explain {
			args, title = append([]string{"--explain"}, args...), title+", explain"
		} else {
			args = append([]string{"--no-explain"}, args...)
		}
		rss, hwm, err := ptyRSS(ls(args...), timeout)
		if err != nil {
			return fmt.Errorf("%s: %w", title, err)
		}
		fmt.Printf("%-44s %-14s %-30s %-14s %-10s %s\n", title, fmtMiB(float64(rss)), "(peak "+fmtMiB(float64(hwm))+")", "—",
			"≤ 150 MB", verdict(float64(rss) <= 150e6))
	}
	fmt.Printf("%d PASS, %d MISS (TUI rows)\ncommands: %s s10k.lua k | vim -u NONE -n s10k.lua; ctrl+r until the trace shows evalsha-load; %s [--explain|--no-explain] m1.lua, ctrl+r, /proc/PID/status\n",
		pass, miss, strings.Join(ls(), " "), strings.Join(ls(), " "))
	return nil
}

// ptyTime runs argv on a pseudo-terminal: the seconds until its output
// holds until, and, with key, from writing key (after a pause for the
// start's background work) until the output written since holds after.
func ptyTime(argv []string, until, key, after string, timeout time.Duration) (first, react float64, err error) {
	s, err := ptyterm.Start(argv, ptyterm.Options{})
	if err != nil {
		return 0, 0, err
	}
	defer s.Close()
	at, err := s.WaitFor(0, until, timeout)
	if err != nil {
		return 0, 0, err
	}
	first = at.Sub(s.Started).Seconds()
	if key == "" {
		return first, 0, nil
	}
	time.Sleep(300 * time.Millisecond)
	since := s.Len()
	sent := time.Now()
	if err := s.Write([]byte(key)); err != nil {
		return 0, 0, err
	}
	at, err = s.WaitFor(since, after, timeout)
	if err != nil {
		return 0, 0, err
	}
	return first, at.Sub(sent).Seconds(), nil
}

// ptyRSS runs the TUI on argv's script, presses ctrl+r, waits until the
// reply's million elements are counted on screen, and reads the
// process's VmRSS 3 s later (and its peak, VmHWM).
func ptyRSS(argv []string, timeout time.Duration) (rss, hwm int64, err error) {
	s, err := ptyterm.Start(argv, ptyterm.Options{})
	if err != nil {
		return 0, 0, err
	}
	defer s.Close()
	if _, err := s.WaitFor(0, "1M reply", timeout); err != nil {
		return 0, 0, err
	}
	time.Sleep(300 * time.Millisecond)
	since := s.Len()
	if err := s.Write([]byte("\x12")); err != nil {
		return 0, 0, err
	}
	if _, err := s.WaitFor(since, "1000000", 2*timeout); err != nil {
		return 0, 0, err
	}
	time.Sleep(3 * time.Second)
	v, err := procStatus(strconv.Itoa(s.Cmd.Process.Pid), "VmRSS", "VmHWM")
	if err != nil {
		return 0, 0, err
	}
	rss, hwm = v["VmRSS"], v["VmHWM"]
	return rss, hwm, nil
}
