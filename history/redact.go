package history

import (
	"regexp"
	"strings"
	"sync"
)

const mask = "***"

// redactTarget masks the password of a target string, whatever its form:
// scheme://user:pass@host…, user:pass@host, or a ?password= parameter.
// Targets should arrive redacted (redisx prints user:***@); this is the
// defence in depth that keeps a caller's mistake out of a file that lives
// for months. It masks too much rather than too little: the password runs
// to the last '@', because passwords may contain '@' and '/'.
func redactTarget(s string) string {
	rest, prefix := s, ""
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, rest = s[:i+3], s[i+3:]
	}
	// Already redacted: user:***@host (a unix socket path after it may
	// itself contain '@', so do not look further).
	if at := strings.IndexByte(rest, '@'); at >= 0 {
		if c := strings.IndexByte(rest[:at], ':'); c >= 0 && rest[c+1:at] == mask {
			return prefix + rest[:at+1] + redactQuery(rest[at+1:])
		}
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		userinfo := rest[:at]
		if c := strings.IndexByte(userinfo, ':'); c >= 0 {
			rest = userinfo[:c] + ":" + mask + rest[at:]
		}
	}
	return prefix + redactQuery(rest)
}

// queryPassword matches a password given as a URL parameter.
var queryPassword = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)([?&](?:password|pass|pwd)=)[^&#]*`) })

func redactQuery(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	return queryPassword().ReplaceAllString(s, "${1}"+mask)
}

// urlPassword matches user:password@ after a scheme inside free text.
var urlPassword = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):[^@\s]+@`) })

// redactText masks URL passwords inside free text (an error message may
// quote the URL it failed to dial).
func redactText(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	s = urlPassword().ReplaceAllString(s, "${1}:"+mask+"@")
	return redactQuery(s)
}
