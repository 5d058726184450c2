package main

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// runFlags is the merged flag set `luascope run` parses with.
func runFlags(t *testing.T) *pflag.FlagSet {
	t.Helper()
	root := newRootCmd()
	run, _, err := root.Find([]string{"run"})
	if err != nil {
		t.Fatal(err)
	}
	fs := run.Flags()
	fs.AddFlagSet(run.InheritedFlags())
	return fs
}

func TestSecretArgs(t *testing.T) {
	fs := runFlags(t)
	cases := []struct {
		args []string
		want []string // the secret values found, URLs prefixed with "url:"
	}{
		{[]string{"run", "-a", "PW", "-e", "return 1"}, []string{"PW"}},
		{[]string{"run", "-aPW"}, []string{"PW"}},
		{[]string{"run", "-a=PW"}, []string{"PW"}},
		{[]string{"run", "--pass", "PW"}, []string{"PW"}},
		{[]string{"run", "--pass=PW"}, []string{"PW"}},
		{[]string{"run", "-3a", "PW"}, []string{"PW"}},
		{[]string{"run", "-ca", "PW"}, []string{"PW"}},
		{[]string{"run", "-3aPW"}, []string{"PW"}},
		{[]string{"run", "-c3aPW"}, []string{"PW"}},
		{[]string{"run", "-cu", "redis://:PW@h"}, []string{"url:redis://:PW@h"}},
		{[]string{"run", "-u", "redis://:PW@h"}, []string{"url:redis://:PW@h"}},
		{[]string{"run", "--url=redis://:PW@h"}, []string{"url:redis://:PW@h"}},
		// After "--" everything is the user's: keys and args as typed.
		{[]string{"run", "-e", "return {ARGV[1],ARGV[2]}", "--", "k", ",", "-a", "secretvalue"}, nil},
		{[]string{"run", "-e", "return 1", "--", "-amyarg", "--pass=hunter2", "redis://:tok@h", "-u", "x"}, nil},
		// Values of other flags are skipped, whatever they look like.
		{[]string{"run", "-e", "-a", "k"}, nil},
		{[]string{"run", "--user", "-aPW", "-e", "return 1"}, nil},
		{[]string{"run", "-e", "--pass=x", "-a", "PW"}, []string{"PW"}},
		// A word that only looks like a flag is not one pflag would take.
		{[]string{"run", "f.lua", "k1", ",", "redis://:tok@h"}, nil},
		{[]string{"run", "-xa", "PW"}, nil}, // unknown shorthand: pflag refuses it
		// run's words are data: pflag stops at the first, and so does the walk.
		{[]string{"run", "f.lua", "-amyarg", ",", "-a", "x"}, nil},
		{[]string{"run", "-e", "return 1", "k", "-a", "x"}, nil},
		{[]string{"-a", "PW", "run", "f.lua"}, []string{"PW"}},
		// A FILE or key named like a command is data too: only the first
		// such word is the command.
		{[]string{"run", "load", "-amyarg"}, nil},
		{[]string{"run", "-e", "return 1", "batch", "-akey"}, nil},
	}
	if !wordsAreData(fs) {
		t.Fatal("run's words are not marked as data")
	}
	for _, c := range cases {
		var got []string
		for _, s := range secretArgs(c.args, fs, wordsAreData(fs)) {
			if s.url {
				got = append(got, "url:"+s.s)
			} else {
				got = append(got, s.s)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: secrets %q, want %q", c.args, got, c.want)
		}
	}
}

// TestArgsReachRedisAsTyped: keys and args that look like password flags
// are sent byte for byte (the scrubber used to rewrite them in argv).
func TestArgsReachRedisAsTyped(t *testing.T) {
	srv := startSandbox(t)
	// A process of its own: the scrubber rewrites that process's argv,
	// which cli() (the test binary's own realMain) would never touch.
	cmd := exec.Command(os.Args[0], "run", "-u", srv.URL(), "-e", "return {KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]}",
		"--", "-amyarg", ",", "-a", "secretvalue", "--pass=hunter2", "redis://:tok@h")
	cmd.Env = append(os.Environ(), "LUASCOPE_AS_MAIN=1")
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{`"-amyarg"`, `"-a"`, `"secretvalue"`, `"--pass=hunter2"`, `"redis://:tok@h"`} {
		if !strings.Contains(out, want) {
			t.Errorf("reply lacks %s:\n%s", want, out)
		}
	}
}

// TestCombinedShortPasswordHidden: -3a PW, -ca PW, -3aPW and -cu URL are
// hidden from the process title too, and the keys next to them are not.
func TestCombinedShortPasswordHidden(t *testing.T) {
	srv := startSandbox(t, "requirepass hunter2secret")
	port := srv.Addr()[strings.LastIndex(srv.Addr(), ":")+1:]
	slow := "local t = redis.call('time') local s = tonumber(t[1]) while tonumber(redis.call('time')[1]) < s + 2 do end return KEYS[1]"
	for _, args := range [][]string{
		{"-3a", "hunter2secret", "-p", port},
		{"-3ahunter2secret", "-p", port},
		{"-u", "redis://:hunter2secret@127.0.0.1:" + port},
	} {
		full := append([]string{"run", "--no-auth-warning"}, args...)
		full = append(full, "-e", slow, "--", "-ahunter2secret-key")
		cmd := exec.Command(os.Args[0], full...)
		cmd.Env = append(os.Environ(), "LUASCOPE_AS_MAIN=1")
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(700 * time.Millisecond)
		title, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/cmdline")
		if err != nil {
			_ = cmd.Wait()
			t.Skipf("no /proc here: %v", err)
		}
		words := strings.Split(string(title), "\x00")
		for _, w := range words {
			if strings.Contains(w, "hunter2secret") && w != "-ahunter2secret-key" {
				t.Errorf("%q: password visible in the process title: %q", args, title)
			}
		}
		if !slices.Contains(words, "-ahunter2secret-key") {
			t.Errorf("%q: the key was altered in argv: %q", args, title)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%q: run failed: %v\n%s", args, err, out.String())
		}
		if !strings.Contains(out.String(), `"-ahunter2secret-key"`) {
			t.Errorf("%q: key not sent as typed: %s", args, out.String())
		}
	}
}

// A word after the script's words that names a flag is refused, never
// guessed: "-amyarg" is not a password, "--ro" after the keys is not
// silently a key.
func TestFlagAfterScriptWords(t *testing.T) {
	srv := startSandbox(t)
	for _, args := range [][]string{
		{"run", "-u", srv.URL(), "-", "-amyarg", ",", "x"},
		{"run", "-u", srv.URL(), "-", "k", ",", "a", "--ro"},
		{"run", "-u", srv.URL(), "-e", "return KEYS[1]", "k", "--json"},
		{"run", "-u", srv.URL(), "-", "--json"},
	} {
		out, errOut, code := cli(t, "return KEYS[1]", args...)
		if code != exitUsage || !strings.Contains(errOut, "comes after the script's words") || !strings.Contains(errOut, "'--'") {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	// After "--" every word is data; a word that is no flag of luascope's
	// ("-5", a negative number) is data without "--" too.
	out, errOut, code := cli(t, "return {KEYS[1], ARGV[1], ARGV[2]}", "run", "-u", srv.URL(), "-q", "-", "-5", ",", "--", "-amyarg")
	if code != 0 || !strings.Contains(out, `"-5"`) || !strings.Contains(out, `"-amyarg"`) {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = cli(t, "", "run", "-u", srv.URL(), "-q", "-e", "return {KEYS[1], ARGV[1]}", "--", "-amyarg", ",", "--ro")
	if code != 0 || !strings.Contains(out, `"-amyarg"`) || !strings.Contains(out, `"--ro"`) {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}
