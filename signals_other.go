//go:build !unix

package main

import tea "github.com/charmbracelet/bubbletea"

// tuiSuspend does nothing where there is no SIGTSTP and no job control.
type tuiSuspend struct{}

func newTUISuspend() *tuiSuspend { return &tuiSuspend{} }

func (s *tuiSuspend) start(func(tea.Msg)) (stop func()) { return func() {} }

func (s *tuiSuspend) filter(_ tea.Model, msg tea.Msg) tea.Msg { return msg }

// previewSuspend does nothing where there is no SIGTSTP.
func previewSuspend(*paintedTerm) (stop func()) { return func() {} }
