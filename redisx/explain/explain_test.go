package explain

import (
	"strings"
	"testing"

	"luascope/redisx/resp"
)

func TestTruncationNotes(t *testing.T) {
	for num, want := range map[string]string{"3.9": "(3.9 → 3)", "-0.5": "(-0.5 → 0)", "-3.9": "(-3.9 → -3)"} {
		n := Annotate(resp.Value{Kind: resp.Integer}, Lua{Type: "number", Value: []byte(`"` + num + `"`)}, 2)
		if len(n.Notes) != 1 || !strings.Contains(n.Notes[0].Text, want) || !n.Notes[0].Lossy {
			t.Errorf("%s: %+v", num, n.Notes)
		}
	}
}

func TestWrapKeepsLineNumbers(t *testing.T) {
	src := "#!lua flags=no-writes\nlocal a = 1\nreturn a"
	w := Wrap(src)
	lines := strings.Split(w, "\n")
	if lines[0] != "#!lua flags=no-writes" || !strings.HasSuffix(lines[1], "local a = 1") || lines[2] != "return a" {
		t.Errorf("wrapped:\n%s", w)
	}
	if w2 := Wrap("return 1"); !strings.HasSuffix(strings.Split(w2, "\n")[0], "return 1") {
		t.Errorf("wrapped:\n%s", w2)
	}
}
