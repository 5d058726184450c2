// Command ttfloor is the floor of a first frame with luascope's stack: the
// smallest Bubble Tea v1 program that shows a file the way the editor's
// first frame does (its first screenful in a lipgloss border, on the
// alternate screen), with nothing of luascope linked in. Timed with
// tools/ptytime against vim and luascope, it tells how much of
// luascope's first frame is the stack's (process start, the Go runtime,
// Bubble Tea's start) and how much is luascope's own (docs/performance.md).
//
// -raw writes the frame without Bubble Tea (lipgloss and the Go runtime
// only, 120×40), -plain without lipgloss either.
//
//	go build -o /tmp/ttfloor ./tools/ttfloor
//	/tmp/ptytime -n 21 -until ptytime-mark -cmd 'vim -u NONE -n s10k.lua' -cmd '/tmp/ttfloor s10k.lua'
package main

import (
	// As luascope's main: no terminal query in Bubble Tea's package init
	// (themes/noquery), which would otherwise be most of the floor.
	_ "bg.invalid/noquery"

	"fmt"
	"os"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

type model struct {
	lines []string
	w, h  int
}

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyMsg:
		return m, tea.Quit
	}
	return m, nil
}

func (m model) View() string {
	if m.w == 0 {
		return ""
	}
	n := min(len(m.lines), max(0, m.h-2))
	body := strings.Join(m.lines[:n], "\n")
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Width(m.w - 2).MaxHeight(m.h).Render(body)
}

func main() {
	// -raw: no Bubble Tea, the frame written at once (lipgloss and the
	// Go runtime only); -plain: not even lipgloss.
	mode := ""
	if len(os.Args) == 3 && (os.Args[1] == "-raw" || os.Args[1] == "-plain") {
		mode = os.Args[1]
		os.Args = []string{os.Args[0], os.Args[2]}
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: ttfloor [-raw|-plain] FILE")
		os.Exit(2)
	}
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	m := model{lines: strings.Split(string(b), "\n"), w: 120, h: 40}
	switch mode {
	case "-raw":
		os.Stdout.WriteString("\x1b[?1049h\x1b[H" + strings.ReplaceAll(m.View(), "\n", "\r\n"))
		os.Stdin.Read(make([]byte, 1))
		os.Stdout.WriteString("\x1b[?1049l")
		return
	case "-plain":
		os.Stdout.WriteString("\x1b[?1049h\x1b[H" + strings.Join(m.lines[:m.h-2], "\r\n"))
		os.Stdin.Read(make([]byte, 1))
		os.Stdout.WriteString("\x1b[?1049l")
		return
	}
	m.w, m.h = 0, 0
	p := tea.NewProgram(m, tea.WithAltScreen())
	if _, err := p.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
