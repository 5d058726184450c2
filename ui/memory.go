package ui

import (
	"runtime/debug"
	"runtime/metrics"

	tea "github.com/charmbracelet/bubbletea"
)

// releaseThreshold is the heap size (objects and freed but still held
// pages) past which a finished run gives memory back to the OS.
const releaseThreshold = 64 << 20

// releaseMemoryCmd returns to the OS the memory a run used only while
// its reply arrived (the wire bytes, the client's own decoding), once
// the heap is big enough for it to matter. Go gives freed pages back
// only slowly, so after a million-element reply the process would keep
// its peak size (twice the reply's) long after the reply is shown. It
// runs off the UI goroutine: the collection it forces takes tens of
// milliseconds with a big reply live. Nothing is sent as a message.
func releaseMemoryCmd() tea.Cmd {
	return func() tea.Msg {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/free:bytes"}}
		metrics.Read(s)
		var held uint64
		for _, x := range s {
			if x.Value.Kind() == metrics.KindUint64 {
				held += x.Value.Uint64()
			}
		}
		if held >= releaseThreshold {
			debug.FreeOSMemory()
		}
		return nil
	}
}
