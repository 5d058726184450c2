package history

import (
	"os"
	"strings"
	"testing"
)

func TestRedactTarget(t *testing.T) {
	for in, want := range map[string]string{
		"redis://app:s3cret@host:6379/0":          "redis://app:***@host:6379/0",
		"rediss://:s3cret@host:6380":              "rediss://:***@host:6380",
		"redis://app:p@ss/w:rd@host:6379":         "redis://app:***@host:6379",
		"redis://app:***@host:6379":               "redis://app:***@host:6379",
		"unix://app:***@/run/a@b/redis.sock":      "unix://app:***@/run/a@b/redis.sock",
		"unix://app:pw@/run/redis.sock?db=1":      "unix://app:***@/run/redis.sock?db=1",
		"redis://app@host:6379":                   "redis://app@host:6379",
		"redis://host:6379":                       "redis://host:6379",
		"app:s3cret@host:6379":                    "app:***@host:6379",
		"host:6379":                               "host:6379",
		"redis://host:6379/0?password=s3cret&x=1": "redis://host:6379/0?password=***&x=1",
		"": "",
	} {
		if got := redactTarget(in); got != want {
			t.Errorf("redactTarget(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactText(t *testing.T) {
	in := "dial redis://app:s3cret@10.0.0.1:6379: connection refused; also rediss://:pw@h and redis://ok@h"
	want := "dial redis://app:***@10.0.0.1:6379: connection refused; also rediss://:***@h and redis://ok@h"
	if got := redactText(in); got != want {
		t.Errorf("redactText:\n got %q\nwant %q", got, want)
	}
}

// TestPasswordNeverWritten is the end-to-end promise: whatever a caller
// passes, the password is not in the file.
func TestPasswordNeverWritten(t *testing.T) {
	s := openTemp(t, Options{})
	e := sample(1)
	e.Target = "redis://app:hunter2@prod.internal:6379"
	e.Error = "dial tcp: redis://app:hunter2@prod.internal:6379 refused"
	e.Steps[0].Reply = "failed: redis://:hunter2@prod.internal"
	if err := s.Append(e); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "hunter2") {
		t.Fatalf("password written to history:\n%s", raw)
	}
	es, _ := load(t, s)
	if es[0].Target != "redis://app:***@prod.internal:6379" {
		t.Errorf("target = %q", es[0].Target)
	}
	if e.Target != "redis://app:hunter2@prod.internal:6379" {
		t.Errorf("Append modified the caller's entry")
	}
}
