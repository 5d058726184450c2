package ui

import "time"

// msgLogMax is how many status messages the log keeps: enough for a
// session's worth of actions, small enough to never matter.
const msgLogMax = 200

// msgLog keeps every status message, so one cut at 80 columns or gone
// at the next key (gh-dash's habit, which the bar keeps) can still be
// read whole: the Messages key opens them in the detail view. It is
// shared by the model's copies, as the style caches are: Update runs on
// one goroutine.
type msgLog struct {
	entries []logged
}

type logged struct {
	at    time.Time
	text  string // already made safe by setStatus
	isErr bool
}

// add keeps a message, dropping the oldest past msgLogMax; a message
// repeated at once (a key pressed again) is kept once.
func (l *msgLog) add(text string, isErr bool, at time.Time) {
	if text == "" {
		return
	}
	if n := len(l.entries); n > 0 && l.entries[n-1].text == text {
		l.entries[n-1].at = at
		return
	}
	if len(l.entries) == msgLogMax {
		l.entries = append(l.entries[:0:0], l.entries[1:]...)
	}
	l.entries = append(l.entries, logged{at: at, text: text, isErr: isErr})
}

// doc is the log for the detail view, newest first, each message whole.
func (l *msgLog) doc() detailDoc {
	d := detailDoc{title: "Messages (newest first)", what: "the messages"}
	if len(l.entries) == 0 {
		d.add("", "No messages yet: what luascope says in the status bar is kept here.")
		return d
	}
	for i := len(l.entries) - 1; i >= 0; i-- {
		e := l.entries[i]
		label := e.at.Format("15:04:05")
		if e.isErr {
			label += " ✗"
		}
		d.add(label, e.text)
	}
	return d
}
