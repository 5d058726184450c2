package ptyterm

import "testing"

func TestRepliesInOrder(t *testing.T) {
	got := string(Replies([]byte("text\x1b]11;?\x1b\\\x1b[6nmore\x1b[c"), Light))
	want := "\x1b]11;rgb:ffff/ffff/ffff\x1b\\" + "\x1b[1;1R" + "\x1b[?62;22c"
	if got != want {
		t.Fatalf("Replies = %q, want %q", got, want)
	}
	if r := Replies([]byte("no query \x1b[31m here"), Dark); len(r) != 0 {
		t.Fatalf("Replies to no query = %q", r)
	}
}
