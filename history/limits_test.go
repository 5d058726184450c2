package history

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestPrepareCaps(t *testing.T) {
	e := sample(1)
	e.Source = strings.Repeat("é", MaxSourceBytes) // 2 bytes each: the cut must land on a rune boundary
	big := strings.Repeat("a", MaxValueBytes+10)
	e.Keys = []string{big, "k"}
	e.Args = []string{big, big, big, big, big, "dropped"}
	e.Steps = make([]Step, MaxSteps+5)
	e.Steps[0].Command = []string{"SCRIPT", "LOAD", strings.Repeat("x", MaxTextBytes+1)}
	e.Error = strings.Repeat("e", MaxTextBytes*2)
	keysBefore := append([]string(nil), e.Keys...)

	p := prepare(e, time.Now())
	if !p.Truncated {
		t.Error("Truncated not set")
	}
	if len(p.Source) > MaxSourceBytes || !utf8.ValidString(p.Source) {
		t.Errorf("source: %d bytes, valid UTF-8 %v", len(p.Source), utf8.ValidString(p.Source))
	}
	total := 0
	for _, v := range append(append([]string(nil), p.Keys...), p.Args...) {
		if len(v) > MaxValueBytes {
			t.Errorf("value of %d bytes", len(v))
		}
		total += len(v)
	}
	if total > MaxKeysArgsBytes || len(p.Args) >= len(e.Args) {
		t.Errorf("keys+args %d bytes, %d of %d args kept", total, len(p.Args), len(e.Args))
	}
	if len(p.Steps) != MaxSteps {
		t.Errorf("%d steps", len(p.Steps))
	}
	if w := p.Steps[0].Command[2]; len(w) > 100 || !strings.HasSuffix(w, "…(4097 bytes)") {
		t.Errorf("long command word = %q", w)
	}
	if len(p.Error) > MaxTextBytes+20 {
		t.Errorf("error of %d bytes", len(p.Error))
	}
	if e.Keys[0] != keysBefore[0] {
		t.Error("prepare modified the caller's keys")
	}

	small := prepare(sample(2), time.Now())
	if small.Truncated {
		t.Error("a small entry marked truncated")
	}
}

func TestCutInvalidUTF8(t *testing.T) {
	if got := cut("\xff\xfe\xfd", 2); got != "\xff\xfe" {
		t.Errorf("cut of bytes = %q", got)
	}
	if got := cut("aé", 2); got != "a" {
		t.Errorf("cut inside a rune = %q", got)
	}
}
