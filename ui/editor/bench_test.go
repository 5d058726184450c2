package editor

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// benchProfiles runs a benchmark without colour (as the tests render)
// and in true colour (as most terminals do: more escape bytes per row).
func benchProfiles(b *testing.B, bench func(b *testing.B)) {
	for _, p := range []struct {
		name string
		prof termenv.Profile
	}{{"ascii", termenv.Ascii}, {"truecolor", termenv.TrueColor}} {
		b.Run(p.name, func(b *testing.B) {
			old := lipgloss.ColorProfile()
			lipgloss.SetColorProfile(p.prof)
			defer lipgloss.SetColorProfile(old)
			bench(b)
		})
	}
}

// benchScript is a 10,000-line Lua script made of realistic blocks:
// comments (some long), strings, numbers, redis calls, nested blocks.
func benchScript() string {
	var b strings.Builder
	b.WriteString("#!lua flags=no-writes\n")
	for i := 0; b.Len() >= 0; i++ {
		fmt.Fprintf(&b, `-- block %[1]d: sliding-window counter for KEYS[%[1]d]
--[[ window bookkeeping:
     the sorted set holds one member per call ]]
local key%[1]d = KEYS[%[1]d] .. ':' .. tostring(ARGV[1])
local now%[1]d, window%[1]d = tonumber(ARGV[2]), 0x3C * 1.5e1
redis.call('ZREMRANGEBYSCORE', key%[1]d, 0, now%[1]d - window%[1]d)
local count%[1]d = redis.call("ZCARD", key%[1]d)
if count%[1]d < tonumber(ARGV[3]) and not redis.call('EXISTS', 'lock:%[1]d') then
	redis.call('ZADD', key%[1]d, now%[1]d, now%[1]d .. '-' .. %[1]d)
	redis.call('PEXPIRE', key%[1]d, window%[1]d * 1000)
else
  local msg = [[limit reached for ]] .. key%[1]d
  redis.log(redis.LOG_NOTICE, msg)
end
`, i)
		if strings.Count(b.String(), "\n") >= 9999 {
			break
		}
	}
	lines := strings.Split(b.String(), "\n")
	return strings.Join(lines[:10000], "\n")
}

// BenchmarkEditorKeystroke10k is one typed character in the middle of a
// 10,000-line script and the frame drawn after it, at 120×40.
func BenchmarkEditorKeystroke10k(b *testing.B) { benchProfiles(b, benchKeystroke10k) }

func benchKeystroke10k(b *testing.B) {
	src := benchScript()
	e := newTestEditor(b, src, 120, 40)
	e.GotoLine(5000)
	_ = e.View()
	key := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'x'}}
	down := tea.KeyMsg{Type: tea.KeyDown}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%32 == 31 {
			// Move on to the next line now and then, so the line being
			// typed on stays a realistic length.
			b.StopTimer()
			e, _ = e.Update(down)
			if e.CursorLine() > 9000 {
				e.SetValue(src)
				e.GotoLine(5000)
				_ = e.View()
			}
			b.StartTimer()
		}
		e, _ = e.Update(key)
		_ = e.View()
	}
}

// BenchmarkEditorOpen10k is loading a 10,000-line script and drawing the
// first frame at 120×40.
func BenchmarkEditorOpen10k(b *testing.B) { benchProfiles(b, benchOpen10k) }

func benchOpen10k(b *testing.B) {
	src := benchScript()
	e := newTestEditor(b, "", 120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.SetValue(src)
		_ = e.View()
	}
}
