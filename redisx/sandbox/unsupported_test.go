//go:build !unix

package sandbox

import (
	"errors"
	"testing"
)

// TestUnsupported: outside Unix every way to start a sandbox refuses with
// the one message that tells the user what to do instead.
func TestUnsupported(t *testing.T) {
	if _, err := Start(t.Context(), Options{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Start: %v, want ErrUnsupported", err)
	}
	if _, err := StartPair(t.Context(), Options{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("StartPair: %v, want ErrUnsupported", err)
	}
	if _, err := StartCluster(t.Context(), ClusterOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("StartCluster: %v, want ErrUnsupported", err)
	}
}
