// Command benchcli measures luascope's CLI against redis-cli and
// redis-benchmark on the same private servers, whole processes, and
// prints each row of the performance issue's table as a ratio next to its
// goal, PASS or MISS. `make bench-cli` runs it; it is not part of
// `make test`.
//
//	go run ./tools/benchcli -luascope bin/luascope            # every row
//	go run ./tools/benchcli -luascope bin/luascope -rows batch -rounds 9
//	go run ./tools/benchcli -luascope bin/luascope -rows batch-cluster -rounds 9
//
// Every row runs the two programs in turns, round after round (A B, then
// B A, so that neither always runs on a cache the other warmed), after
// one unmeasured run of each; a row reports each program's median and
// the median of the per-round ratios, which a busy machine disturbs less
// than the ratio of the medians. Wall time is the process's, start to
// exit; peak memory is the process's maximum resident set (getrusage
// ru_maxrss, what /usr/bin/time -v reports), so nothing needs installing
// beyond redis-server, redis-cli and redis-benchmark, which `make test`
// already needs.
//
// The servers are the project's sandbox (package redisx/sandbox): a
// standalone redis-server and, for the cluster row, three primaries, on
// free loopback ports, stopped at the end. luascope runs with its config
// and history in a temporary directory, so a user's own are not touched.
//
// Rows measured by other tools: the run over a slow link uses
// tools/rttproxy when the tree has it; the TUI rows are timed by
// tools/ptytime (docs/performance.md) and only named here.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"luascope/redisx"
	"luascope/redisx/sandbox"
	"luascope/tools/inittrace"
)

var (
	luascope  = flag.String("luascope", "bin/luascope", "the luascope binary to measure")
	rounds    = flag.Int("rounds", 5, "paired rounds per row (the tiny-script rows run 4× as many, the 50-connection and cluster rows 3×)")
	rowsFlag  = flag.String("rows", "all", "comma-separated groups: init, run, reply, script, batch, batch-cluster (only the cluster row of batch), rtt, tui")
	batchN    = flag.Int("calls", 1000000, "calls per batch run")
	pipeline  = flag.Int("pipeline", 64, "calls per round trip, luascope --pipeline and redis-benchmark -P")
	manyConns = flag.Int("connections", 50, "connections of the many-connections batch row")
	verbose   = flag.Bool("v", false, "print every round")
)

// The reference tools; valkey-cli and valkey-benchmark where only Valkey
// is installed.
var cliBin, benchBin = "redis-cli", "redis-benchmark"

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-cli:", err)
		os.Exit(1)
	}
}

// sample is one process's measurement.
type sample struct {
	wall time.Duration
	rss  int64   // peak resident set, bytes
	rate float64 // calls/s, for the batch rows
	// cpu is the program's own CPU time (user + system); srv the servers'
	// (the row's servers), over the same run. A row whose servers are
	// busy the whole run compares the servers, not the clients: these
	// say which it was.
	cpu, srv time.Duration
	srvKnown bool // the servers' CPU time could be read (Linux /proc)
}

// prog is one side of a row.
type prog struct {
	name string   // for the table: "luascope", "redis-cli --no-raw"…
	argv []string // run without a shell
	// rate, when set, reads calls/s from the program's stdout.
	rate func(out []byte) (float64, error)
}

// metric picks what a row compares and how.
type metric struct {
	what   string                 // "wall", "peak RSS", "calls/s"
	get    func(s sample) float64 // the figure
	unit   func(v float64) string // prints it
	higher bool                   // for calls/s: the ratio is luascope/ref and the goal a minimum
	goal   float64                // ratio goal: at most (or, when higher, at least)
}

var (
	wallM = func(goal float64) metric {
		return metric{"wall", func(s sample) float64 { return s.wall.Seconds() }, fmtSec, false, goal}
	}
	rssM = func(goal float64) metric {
		return metric{"peak RSS", func(s sample) float64 { return float64(s.rss) }, fmtMiB, false, goal}
	}
	rateM = func(goal float64) metric {
		return metric{"calls/s", func(s sample) float64 { return s.rate }, fmtRate, true, goal}
	}
)

// row is one line of the table.
type row struct {
	title   string
	a, b    prog // a is luascope; b the reference
	metrics []metric
	rounds  int
	servers []int // pids whose CPU time each run is charged (batch rows)
}

// result is a measured row, ready to print.
type result struct {
	row
	as, bs []sample
	err    error
}

func run() error {
	for _, tool := range []*string{&cliBin, &benchBin} {
		if _, err := exec.LookPath(*tool); err != nil {
			valkey := strings.Replace(*tool, "redis-", "valkey-", 1)
			if _, verr := exec.LookPath(valkey); verr != nil {
				return fmt.Errorf("%s not found on PATH (make deps installs it with redis-server)", *tool)
			}
			*tool = valkey
		}
	}
	bin, err := filepath.Abs(*luascope)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%s: %w (make bench-cli builds it)", *luascope, err)
	}
	want := map[string]bool{}
	for _, g := range strings.Split(*rowsFlag, ",") {
		want[strings.TrimSpace(g)] = true
	}
	on := func(g string) bool { return want["all"] || want[g] }

	work, err := os.MkdirTemp("", "bench-cli-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	// luascope's config and history go to the temporary directory.
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(work, "config"))
	os.Setenv("XDG_STATE_HOME", filepath.Join(work, "state"))
	os.Unsetenv("REDIS_URL")
	os.Unsetenv("REDISCLI_AUTH")

	ctx := context.Background()
	srv, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	defer srv.Stop()
	port := strconv.Itoa(srv.Port())
	fmt.Printf("bench-cli: redis-server %s on %s, %d CPUs, %d paired rounds per row (tiny script: %d)\n\n",
		srv.Version(), srv.Addr(), runtime.NumCPU(), *rounds, 4**rounds)

	file := func(name, content string) string {
		p := filepath.Join(work, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			panic(err)
		}
		return p
	}
	gen := func(name string, write func(w *bufio.Writer)) string {
		p := filepath.Join(work, name)
		f, err := os.Create(p)
		if err != nil {
			panic(err)
		}
		w := bufio.NewWriter(f)
		write(w)
		if err := w.Flush(); err != nil {
			panic(err)
		}
		if err := f.Close(); err != nil {
			panic(err)
		}
		return p
	}
	tiny := "return 1"
	ints := file("ints.lua", "local t = {} for i = 1, 1000000 do t[i] = i end return t\n")
	bulk := file("bulk.lua", "return string.rep('x', 100 * 1024 * 1024)\n")
	incr := "return redis.call('INCRBY', KEYS[1], ARGV[1])"
	incrFile := file("incr.lua", incr+"\n")
	lsRun := func(args ...string) []string { return append([]string{bin, "run", "-p", port}, args...) }
	cli := func(args ...string) []string { return append([]string{cliBin, "-p", port}, args...) }

	var rows []row
	if on("run") {
		rows = append(rows, row{title: "`run` tiny script",
			a: prog{name: "luascope run", argv: lsRun("-e", tiny)}, b: prog{name: "redis-cli EVAL", argv: cli("EVAL", tiny, "0")},
			metrics: []metric{wallM(1.3)}, rounds: 4 * *rounds})
	}
	if on("reply") {
		noRaw := prog{name: "redis-cli --no-raw", argv: cli("--no-raw", "--eval", ints)}
		rows = append(rows,
			row{title: "1M-integer reply, text", a: prog{name: "luascope run", argv: lsRun(ints)}, b: noRaw,
				metrics: []metric{wallM(0.8), rssM(1.3)}, rounds: *rounds},
			row{title: "1M-integer reply, --json", a: prog{name: "luascope run --json", argv: lsRun("--json", ints)}, b: noRaw,
				metrics: []metric{wallM(1.0)}, rounds: *rounds},
			row{title: "100 MB bulk reply", a: prog{name: "luascope run", argv: lsRun(bulk)},
				b:       prog{name: "redis-cli --no-raw", argv: cli("--no-raw", "--eval", bulk)},
				metrics: []metric{rssM(1.3), wallM(0)}, rounds: *rounds})
	}
	if on("script") {
		big := gen("big.lua", func(w *bufio.Writer) { bigScript(w, 10<<20) })
		rows = append(rows, row{title: "10 MB script", a: prog{name: "luascope run", argv: lsRun(big)},
			b: prog{name: "redis-cli --eval", argv: cli("--eval", big)}, metrics: []metric{wallM(2)}, rounds: *rounds})
	}
	if on("rtt") {
		r, stop, err := rttRow(work, srv.Addr(), bin, tiny)
		if err != nil {
			fmt.Printf("skipped: `run` over a 100 ms RTT link: %v\n", err)
		} else {
			defer stop()
			rows = append(rows, r)
		}
	}
	var cluster *sandbox.Cluster
	if on("batch") || on("batch-cluster") {
		sha := sha1Hex(incr)
		if out, err := exec.Command(cliBin, "-p", port, "SCRIPT", "LOAD", incr).CombinedOutput(); err != nil {
			return fmt.Errorf("script load: %v: %s", err, out)
		}
		calls := gen("calls.txt", func(w *bufio.Writer) { batchInput(w, *batchN) })
		P := strconv.Itoa(*pipeline)
		N := strconv.Itoa(*batchN)
		lsBatch := func(p, input string, extra ...string) prog {
			argv := append([]string{bin, "batch", "-p", p, "--json", "--pipeline", P}, extra...)
			return prog{name: "luascope batch", argv: append(argv, incrFile, "--input", input), rate: batchRate(*batchN)}
		}
		bench := func(p string, extra ...string) prog {
			argv := append([]string{benchBin, "-p", p, "-n", N, "-P", P, "-r", "100000", "--csv"}, extra...)
			key := "key:__rand_int__"
			if len(extra) > 0 && extra[0] == "--cluster" {
				key = "key:{tag}:__rand_int__" // redis-benchmark puts each client's node's hash tag in {tag}
			}
			return prog{name: "redis-benchmark", argv: append(argv, "EVALSHA", sha, "1", key, "1"), rate: benchRate}
		}
		if on("batch") {
			srvs := []int{srv.Pid()}
			rows = append(rows, row{title: "batch, one connection (-c 1)", a: lsBatch(port, calls), b: bench(port, "-c", "1"),
				metrics: []metric{rateM(1.0)}, rounds: *rounds, servers: srvs})
			// Three times the rounds, as the cluster's: fifty connections
			// keep the server busy the whole run with either client, so
			// the ratio is the server's pace under each, moving ±10% a
			// round with the host (docs/performance.md).
			c := strconv.Itoa(*manyConns)
			rows = append(rows, row{title: "batch, " + c + " connections (-c " + c + ")", a: lsBatch(port, calls, "--connections", c),
				b: bench(port, "-c", c), metrics: []metric{rateM(1.0)}, rounds: 3 * *rounds, servers: srvs})
		}

		cluster, err = sandbox.StartCluster(ctx, sandbox.ClusterOptions{ReplicasPerPrimary: -1})
		if err != nil {
			return fmt.Errorf("start the cluster: %w", err)
		}
		defer cluster.Stop()
		for _, n := range cluster.Nodes {
			if out, err := exec.Command(cliBin, "-p", strconv.Itoa(n.Port()), "SCRIPT", "LOAD", incr).CombinedOutput(); err != nil {
				return fmt.Errorf("script load on %s: %v: %s", n.Addr(), err, out)
			}
		}
		cp := strconv.Itoa(cluster.Nodes[0].Port())
		var srvs []int
		for _, n := range cluster.Nodes {
			srvs = append(srvs, n.Pid())
		}
		tagged := gen("calls-cluster.txt", func(w *bufio.Writer) { clusterBatchInput(w, *batchN, primaryTags(3)) })
		// Three times the rounds: four processes share the two cores,
		// and a round's ratio moves ±15% with the host's other work, more
		// than the two clients differ (docs/performance.md).
		rows = append(rows, row{title: "batch on a 3-primary cluster (--cluster -c 3)", a: lsBatch(cp, tagged, "-c"), b: bench(cp, "--cluster", "-c", "3"),
			metrics: []metric{rateM(1.0)}, rounds: 3 * *rounds, servers: srvs})
		rows = append(rows, row{title: "same, untagged keys over all slots (no goal)", a: lsBatch(cp, calls, "-c"), b: bench(cp, "--cluster", "-c", "3"),
			metrics: []metric{rateM(0)}, rounds: *rounds, servers: srvs})
	}

	// A child's peak RSS (ru_maxrss) is at least this process's resident
	// size when it was started (Linux counts the address space the child
	// leaves at exec), so this process gives back what it can first and
	// says what is left: peaks below it are not measured.
	runtime.GC()
	debug.FreeOSMemory()
	fmt.Fprintf(os.Stderr, "bench-cli: peak RSS figures are exact above this process's own %s\n", fmtMiB(float64(selfRSS())))

	var results []result
	for _, r := range rows {
		fmt.Fprintf(os.Stderr, "bench-cli: %s …\n", r.title)
		results = append(results, measure(r))
	}
	failed := printTable(results)
	if on("init") {
		if err := initRow(bin, 4**rounds); err != nil {
			fmt.Printf("init row: %v\n", err)
			failed++
		}
	}
	if on("tui") {
		if err := tuiRows(bin, port, work); err != nil {
			fmt.Printf("TUI rows: %v\n", err)
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d row(s) could not be measured (see above)", failed)
	}
	return nil
}

// measure runs a row: one unmeasured run of each program, then paired
// rounds, alternating which goes first.
func measure(r row) result {
	res := result{row: r}
	for _, p := range []prog{r.a, r.b} {
		if _, err := once(p, r.servers); err != nil {
			res.err = err
			return res
		}
	}
	for i := 0; i < r.rounds; i++ {
		order := []*prog{&r.a, &r.b}
		if i%2 == 1 {
			order = []*prog{&r.b, &r.a}
		}
		for _, p := range order {
			s, err := once(*p, r.servers)
			if err != nil {
				res.err = err
				return res
			}
			if p == &r.a {
				res.as = append(res.as, s)
			} else {
				res.bs = append(res.bs, s)
			}
		}
		if *verbose {
			a, b := res.as[len(res.as)-1], res.bs[len(res.bs)-1]
			fmt.Fprintf(os.Stderr, "  round %d: %s %v %s, %s %v %s\n", i+1, r.a.name, a.wall.Round(time.Millisecond), fmtMiB(float64(a.rss)),
				r.b.name, b.wall.Round(time.Millisecond), fmtMiB(float64(b.rss)))
		}
	}
	return res
}

// once runs a program to its end, output to /dev/null (or read for a
// rate), and measures it, with the CPU time the servers (pids) spent
// meanwhile.
func once(p prog, servers []int) (sample, error) {
	cmd := exec.Command(p.argv[0], p.argv[1:]...)
	var out bytes.Buffer
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if p.rate != nil {
		cmd.Stdout = &out
	} else {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return sample{}, err
		}
		defer devnull.Close()
		cmd.Stdout = devnull
	}
	srv, known := procCPU(servers)
	start := time.Now()
	err := cmd.Run()
	s := sample{wall: time.Since(start)}
	if after, ok := procCPU(servers); known && ok {
		s.srv, s.srvKnown = after-srv, true
	}
	if err != nil {
		return s, fmt.Errorf("%s: %v: %s", strings.Join(p.argv, " "), err, lastLines(stderr.String(), 3))
	}
	s.rss = peakRSS(cmd.ProcessState)
	s.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if p.rate != nil {
		r, err := p.rate(out.Bytes())
		if err != nil {
			return s, fmt.Errorf("%s: %v", strings.Join(p.argv, " "), err)
		}
		s.rate = r
	}
	return s, nil
}

// batchRate reads calls_per_sec from luascope batch's JSON summary, after
// checking that every call ended ok.
func batchRate(n int) func([]byte) (float64, error) {
	return func(out []byte) (float64, error) {
		lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
		var sum struct {
			Type     string         `json:"type"`
			Outcomes map[string]int `json:"outcomes"`
			Rate     float64        `json:"calls_per_sec"`
		}
		if err := json.Unmarshal(lines[len(lines)-1], &sum); err != nil || sum.Type != "summary" {
			return 0, fmt.Errorf("no summary record in %q", lastLines(string(out), 2))
		}
		if sum.Outcomes["ok"] != n {
			return 0, fmt.Errorf("%d of %d calls ok: %v", sum.Outcomes["ok"], n, sum.Outcomes)
		}
		return sum.Rate, nil
	}
}

// benchRate reads requests per second from redis-benchmark --csv:
// "test","rps",… then one line per test.
func benchRate(out []byte) (float64, error) {
	for _, line := range strings.Split(string(out), "\n")[1:] {
		f := strings.Split(line, ",")
		if len(f) >= 2 {
			if v, err := strconv.ParseFloat(strings.Trim(f[1], `"`), 64); err == nil {
				return v, nil
			}
		}
	}
	return 0, fmt.Errorf("no rate in %q", lastLines(string(out), 3))
}

// batchInput writes n lines "key:N , 1", N spread over 100,000 keys
// written as redis-benchmark writes __rand_int__ (12 digits), so both
// send the same bytes per call.
func batchInput(w *bufio.Writer, n int) {
	x := uint32(1)
	for i := 0; i < n; i++ {
		x = x*1664525 + 1013904223
		fmt.Fprintf(w, "key:%012d , 1\n", x%100000)
	}
}

// clusterBatchInput writes n lines for the cluster row with
// redis-benchmark --cluster's own keys, "key:{TAG}:N" (22 bytes): each of
// redis-benchmark's connections gives its calls the hash tag of one slot
// of its node and -r 100000 numbers, so each primary gets 100,000 keys
// in one slot. tags holds one such tag per primary; a line's key takes
// one of them and a number, and the lines go to the primaries in equal
// shares, as redis-benchmark's calls do. The key's shape is the server's
// work: it hashes the tag, not the whole key, to find the slot (twice a
// call: the EVALSHA and the script's redis.call), and looks up the
// slot's owner in its tables; with untagged 16-byte keys over all slots
// (the other cluster row), getNodeByQuery, keyHashSlot and crc16 took
// 8.2% of the servers' CPU against 3.0% for redis-benchmark's keys, and
// 3.2% with these (perf record on the three servers, 1M calls each).
func clusterBatchInput(w *bufio.Writer, n int, tags []string) {
	x := uint32(1)
	k := uint32(len(tags))
	for i := 0; i < n; i++ {
		x = x*1664525 + 1013904223
		v := x % (100000 * k)
		fmt.Fprintf(w, "key:{%s}:%012d , 1\n", tags[v%k], v/k)
	}
}

// primaryTags returns, for each of n primaries with the slots split
// evenly in order (sandbox.StartCluster's layout), a three-digit hash tag
// of one of its slots.
func primaryTags(n int) []string {
	tags := make([]string, n)
	for t, found := 0, 0; found < n && t < 1000; t++ {
		tag := fmt.Sprintf("%03d", t)
		slot, i := redisx.KeySlot(tag), 0
		for slot >= (i+1)*16384/n {
			i++
		}
		if tags[i] == "" {
			tags[i] = tag
			found++
		}
	}
	return tags
}

// bigScript writes a Lua script of about size bytes that Redis compiles
// and runs quickly: one statement per line, few constants (Lua allows
// 2^18 per function).
func bigScript(w *bufio.Writer, size int) {
	const line = len("n = n + 1 -- step 0000000\n")
	w.WriteString("local n = 0\n")
	for i := 0; i < size/line; i++ {
		fmt.Fprintf(w, "n = n + 1 -- step %07d\n", i)
	}
	w.WriteString("return n\n")
}

// rttRow measures `run` through tools/rttproxy (50 ms each way), when the
// tree has it.
func rttRow(work, upstream, bin, code string) (row, func(), error) {
	const dir = "./tools/rttproxy/cmd/rttproxy"
	if _, err := os.Stat(dir); err != nil {
		return row{}, nil, errors.New("tools/rttproxy is not in this tree (it measures this row)")
	}
	proxy := filepath.Join(work, "rttproxy")
	if out, err := exec.Command("go", "build", "-o", proxy, dir).CombinedOutput(); err != nil {
		return row{}, nil, fmt.Errorf("build rttproxy: %v: %s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return row{}, nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(proxy, "-listen", addr, "-upstream", upstream, "-delay", "50ms")
	if err := cmd.Start(); err != nil {
		return row{}, nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if i == 100 {
			stop()
			return row{}, nil, errors.New("rttproxy did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, p, _ := net.SplitHostPort(addr)
	return row{title: "`run` over a 100 ms RTT link", a: prog{name: "luascope run", argv: []string{bin, "run", "-p", p, "-e", code}},
		b: prog{name: "redis-cli EVAL", argv: []string{cliBin, "-p", p, "EVAL", code, "0"}}, metrics: []metric{wallM(1.25)}, rounds: *rounds}, stop, nil
}

// printTable prints the rows and returns how many could not be measured.
func printTable(results []result) (failed int) {
	fmt.Println()
	fmt.Printf("%-44s %-9s %-14s %-26s %-14s %-8s %s\n", "row", "metric", "luascope", "reference", "ratio (paired)", "goal", "")
	var cmds []string
	pass, miss := 0, 0
	for _, r := range results {
		cmds = append(cmds, fmt.Sprintf("  %s\n    A: %s\n    B: %s", r.title, shellWords(r.a.argv), shellWords(r.b.argv)))
		if r.err != nil {
			fmt.Printf("%-44s error: %v\n", r.title, r.err)
			failed++
			continue
		}
		for _, m := range r.metrics {
			a, b := med(r.as, m.get), med(r.bs, m.get)
			var ratios []float64
			for i := range r.as {
				if d := m.get(r.bs[i]); d > 0 {
					ratios = append(ratios, m.get(r.as[i])/d)
				}
			}
			paired := median(ratios)
			goal, verdict := "—", ""
			if m.goal > 0 {
				ok := paired <= m.goal
				goal = fmt.Sprintf("≤ %.2f", m.goal)
				if m.higher {
					ok, goal = paired >= m.goal, fmt.Sprintf("≥ %.2f", m.goal)
				}
				verdict = "MISS"
				if ok {
					verdict = "PASS"
					pass++
				} else {
					miss++
				}
			}
			fmt.Printf("%-44s %-9s %-14s %-26s %-14s %-8s %s\n", r.title, m.what, m.unit(a), m.unit(b)+" "+r.b.name,
				fmt.Sprintf("%.2f (%.2f)", a/b, paired), goal, verdict)
		}
		if len(r.servers) > 0 {
			fmt.Printf("%-44s %s\n", "", cpuLine(r))
		}
	}
	fmt.Printf("\nratio: luascope / reference, of the medians; (paired): the median of the per-round ratios, which the verdict uses.\n")
	fmt.Printf("%d PASS, %d MISS\n\ncommands (A is luascope, B the reference; temporary files in a private directory):\n%s\n", pass, miss, strings.Join(cmds, "\n"))
	return failed
}

// cpuLine says, for a batch row, what each client and the servers spent
// per million calls (medians) and how busy the servers were over each
// client's whole run, in cores (1.00: one core the whole time). A server
// busy the whole run makes the ratio its pace, whichever client.
func cpuLine(r result) string {
	perM := func(s []sample, get func(sample) time.Duration) float64 {
		return med(s, func(x sample) float64 { return get(x).Seconds() * 1e6 / float64(*batchN) })
	}
	cpu := func(x sample) time.Duration { return x.cpu }
	srv := func(x sample) time.Duration { return x.srv }
	busy := func(s []sample) float64 {
		return med(s, func(x sample) float64 { return x.srv.Seconds() / x.wall.Seconds() })
	}
	line := fmt.Sprintf("CPU s per 1M calls: client %.2f vs %.2f", perM(r.as, cpu), perM(r.bs, cpu))
	for _, x := range append(r.as, r.bs...) {
		if !x.srvKnown {
			return line + ", servers n/a (no /proc)"
		}
	}
	return line + fmt.Sprintf(", servers %.2f vs %.2f (servers busy %.2f vs %.2f cores)",
		perM(r.as, srv), perM(r.bs, srv), busy(r.as), busy(r.bs))
}

// procCPU is the CPU time (user + system, all threads) the processes
// have used so far, from /proc/PID/stat; false when one of them cannot be
// read (not Linux, gone). The kernel counts it in ticks of 1/100 s
// (USER_HZ), fine enough for runs of seconds.
func procCPU(pids []int) (time.Duration, bool) {
	var ticks int64
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return 0, false
		}
		// The command name, in parentheses, may hold spaces: the fields
		// are counted after its closing one (state is field 3, utime 14).
		i := bytes.LastIndexByte(b, ')')
		f := strings.Fields(string(b[i+1:]))
		if i < 0 || len(f) < 13 {
			return 0, false
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * (time.Second / 100), len(pids) > 0
}

// selfRSS is this process's resident set now (VmRSS), 0 if unknown.
func selfRSS() int64 {
	v, _ := procStatus("self", "VmRSS")
	return v["VmRSS"]
}

// procStatus reads the named memory fields (VmRSS, VmHWM…) of process pid
// ("self" for this one) from /proc/PID/status, in bytes.
func procStatus(pid string, names ...string) (map[string]int64, error) {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, line := range strings.Split(string(b), "\n") {
		for _, name := range names {
			if rest, ok := strings.CutPrefix(line, name+":"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				out[name] = kb * 1024
			}
		}
	}
	return out, nil
}

func med(s []sample, get func(sample) float64) float64 {
	v := make([]float64, len(s))
	for i := range s {
		v[i] = get(s[i])
	}
	return median(v)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = append([]float64(nil), v...)
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func fmtSec(v float64) string {
	if v < 1 {
		return fmt.Sprintf("%.1f ms", v*1000)
	}
	return fmt.Sprintf("%.2f s", v)
}

func fmtMiB(v float64) string { return fmt.Sprintf("%.0f MiB", v/(1<<20)) }

func fmtRate(v float64) string { return fmt.Sprintf("%.0fk/s", v/1000) }

func sha1Hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func shellWords(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " '\"$\\(){}*;&|<>") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// initRow prints the package init's total clock (GODEBUG=inittrace=1
// luascope version): the minimum over n runs, which is what the code
// costs, and the median, which is what the machine's load adds. The
// issue's goal is 2 ms; TestInitBudget checks what does not depend on the
// machine (allocations, no heavy package), this prints the figure.
func initRow(bin string, n int) error {
	var totals []float64
	for i := 0; i < n; i++ {
		tr, err := inittrace.Run(bin)
		if err != nil {
			return err
		}
		totals = append(totals, tr.ClockMS)
	}
	sort.Float64s(totals)
	fmt.Printf("\npackage init (GODEBUG=inittrace=1 luascope version, %d runs): %.2f ms best, %.2f ms median; goal <= 2 ms\n",
		n, totals[0], median(totals))
	return nil
}
