package incident

import (
	"context"
	"strings"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// ShowStatus is what a node's SCRIPT SHOW said of a SHA.
type ShowStatus string

// The answers to SCRIPT SHOW: the source (Valkey 8.0+ with the script
// cached), NOSCRIPT, a server without the subcommand (Redis 7.0 and 8.0:
// "ERR unknown subcommand 'show'"), or anything else (an ACL denial, a
// node that could not be reached, an unexpected reply).
const (
	ShowFound        ShowStatus = "found"
	ShowNotCached    ShowStatus = "not cached"
	ShowNotSupported ShowStatus = "not supported by this server"
	ShowFailed       ShowStatus = "error"
)

// Shown is one node's answer to SCRIPT SHOW.
type Shown struct {
	Node   string
	Status ShowStatus
	// Text is the source the node returned (ShowFound), raw bytes.
	Text string
	// Err is why the node gave no answer (ShowFailed): the client's
	// error; else Message is the error reply, or what the unexpected
	// reply was, for classify.Classify.
	Err     error
	Message string
}

// Show asks every node of addrs, at once, for sha's source with SCRIPT
// SHOW. It only reads, so a read-only session sends it.
func Show(ctx context.Context, s *redisx.Session, addrs []string, sha string) []Shown {
	var out []Shown
	for _, r := range s.OnAll(ctx, addrs, "SCRIPT", "SHOW", sha) {
		sh := Shown{Node: r.Addr}
		switch {
		case r.Err != nil:
			sh.Status, sh.Err = ShowFailed, r.Err
		case r.Reply.Kind == resp.Error && strings.Contains(strings.ToLower(string(r.Reply.Str)), "unknown subcommand"):
			sh.Status = ShowNotSupported
		case r.Reply.Kind == resp.Error && classify.Classify(string(r.Reply.Str)).Class == classify.NoScript:
			sh.Status = ShowNotCached
		case r.Reply.Kind == resp.Error:
			sh.Status, sh.Message = ShowFailed, string(r.Reply.Str)
		case r.Reply.Kind == resp.Bulk || r.Reply.Kind == resp.Verbatim:
			sh.Status, sh.Text = ShowFound, string(r.Reply.Str)
		default:
			sh.Status, sh.Message = ShowFailed, "unexpected reply "+resp.Summary(*r.Reply, 60)
		}
		out = append(out, sh)
	}
	return out
}

// ServerSources are the sources nodes returned for sha, as Known (From
// "server", Detail the node), in node order: put first, a server's own
// copy is the surest source there is. A text whose SHA1 is not sha is
// left out.
func ServerSources(shown []Shown, sha string) []Known {
	var out []Known
	for _, sh := range shown {
		if sh.Status == ShowFound && redisx.SHA1(sh.Text) == sha {
			out = append(out, Known{From: "server", Detail: sh.Node, SHA: sha, Text: sh.Text})
		}
	}
	return out
}
