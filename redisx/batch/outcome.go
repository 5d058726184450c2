package batch

// Outcome is how one input line of a batch ended. Every line ends
// with exactly one, so the counts always add up to the input's calls.
type Outcome string

// The outcomes of a batch line. Stable lower-case words: they appear in
// `luascope batch --json` output.
const (
	// OK: the script ran and replied with anything but an error (nil included).
	OK Outcome = "ok"
	// Error: an error reply, classified; or the script could not be
	// loaded on the line's node.
	Error Outcome = "error"
	// CrossSlot: on a cluster, the line's keys hash to different
	// slots, which no node accepts; it was not sent.
	CrossSlot Outcome = "crossslot"
	// Unknown: the line was sent but the connection broke before its
	// reply came, so the script may or may not have run. Never retried.
	Unknown Outcome = "unknown"
	// Skipped: a dry run planned the line and sent nothing.
	Skipped Outcome = "skipped"
	// NotSent: the line was never written to a server, so it did not
	// run: the batch was interrupted, or its node stayed unreachable.
	NotSent Outcome = "not_sent"
	// Invalid: the input line could not be parsed; nothing was sent.
	Invalid Outcome = "invalid"
)

// Outcomes lists the outcomes in the order reports print them.
var Outcomes = []Outcome{OK, Error, CrossSlot, Unknown, NotSent, Invalid, Skipped}

// Failed reports whether the outcome counts against the batch (exit
// status 1): anything but ok and a dry run's skipped.
func (o Outcome) Failed() bool { return o != OK && o != Skipped }
