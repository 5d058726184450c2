package history

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adrg/xdg"
)

// helperEnv names the file a re-executed test binary appends to.
const helperEnv = "LUASCOPE_HISTORY_HELPER_PATH"

// TestTwoProcesses runs this test binary twice at once, each appending to
// the same file: only the flock keeps their lines apart.
func TestTwoProcesses(t *testing.T) {
	const each = 100
	if path := os.Getenv(helperEnv); path != "" {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range each {
			e := sample(i)
			e.Label = os.Getenv(helperEnv + "_ID")
			e.Source = strings.Repeat(e.Label, 4_000+i*31)
			if err := s.Append(e); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	path := filepath.Join(t.TempDir(), "h.jsonl")
	var cmds []*exec.Cmd
	for _, id := range []string{"p", "q"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"="+path, helperEnv+"_ID="+id)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("helper %s output:\n%s", id, out)
			}
		})
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
	s, _ := Open(path, Options{})
	es, ps := load(t, s)
	count := map[string]int{}
	for _, e := range es {
		if strings.Trim(e.Source, e.Label) != "" {
			t.Fatalf("entry from %s has a mixed source", e.Label)
		}
		count[e.Label]++
	}
	if len(ps) != 0 || count["p"] != each || count["q"] != each {
		t.Fatalf("counts %v (want %d each), problems %v", count, each, ps)
	}
}

func TestDefaultPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "luascope", "history.jsonl"); p != want {
		t.Fatalf("DefaultPath() = %q, want %q", p, want)
	}
	if st, err := os.Stat(filepath.Dir(p)); err != nil || !st.IsDir() {
		t.Fatalf("directory not created: %v", err)
	}
}
