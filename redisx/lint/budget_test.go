package lint

import (
	"strings"
	"testing"
)

func TestBudget(t *testing.T) {
	big := "return 1 -- " + strings.Repeat("x", DefaultBudget)
	fs := Lint(big, Options{MaxBytes: DefaultBudget})
	if !Skipped(fs) || fs[0].Line != 1 || fs[0].Severity != Info {
		t.Fatalf("over the budget: %+v", fs)
	}
	if want := "not linted: the script is 1.0 MB, over the 1 MB lint budget"; fs[0].Message != want {
		t.Fatalf("message %q, want %q", fs[0].Message, want)
	}
	if HasErrors(fs) || HasBlocking(fs) || len(Blocking(fs, true)) > 0 {
		t.Fatal("the budget's note must not block or fail")
	}
	// Without a budget the same script is linted (and is clean).
	if fs := Lint(big, Options{}); len(fs) != 0 {
		t.Fatalf("no budget: %+v", fs)
	}
	// At the budget exactly it is still linted.
	if fs := Lint("x = 1", Options{MaxBytes: 5}); len(fs) != 1 || fs[0].Code != CodeGlobalWrite {
		t.Fatalf("at the budget: %+v", fs)
	}
	if Skipped(Lint("x = 1", Options{})) {
		t.Fatal("a finding that is not the budget's note")
	}
}

func TestMayBlock(t *testing.T) {
	for src, want := range map[string]bool{
		"":                                     false,
		"return 1":                             false,
		"return redis.error_reply('x')":        false,
		"local myerror = 1 return myerror":     false,
		"local errors = {} return errors":      false,
		"error({})":                            true,
		"error{}":                              true,
		"x=1;error{1}":                         true,
		"return 1 --error":                     true, // in a comment: lint to know
		"return 'error'":                       true,
		"(error)({})":                          true,
		"local e = {}\nif x then error(e) end": true,
		"erro":                                 false,
		"error":                                true,
	} {
		if got := MayBlock(src); got != want {
			t.Errorf("MayBlock(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int]string{10: "10 bytes", 2048: "2 KB", 1 << 20: "1 MB", 10<<20 + 1<<19: "10.5 MB"} {
		if got := SizeText(n); got != want {
			t.Errorf("SizeText(%d) = %q, want %q", n, got, want)
		}
	}
}
