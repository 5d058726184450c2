module bg.invalid/noquery

go 1.24

require github.com/charmbracelet/lipgloss v1.1.0
