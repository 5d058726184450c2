package redisx

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/redis/go-redis/v9"
)

var logMu sync.Mutex

// quietLogger receives go-redis's internal log lines. By default they
// are dropped: go-redis prints dial failures to stderr, which would tear
// through the TUI and repeat what the classified error already says.
type quietLogger struct{ w io.Writer }

func (l quietLogger) Printf(_ context.Context, format string, v ...any) {
	if l.w == nil {
		return
	}
	logMu.Lock()
	defer logMu.Unlock()
	fmt.Fprintf(l.w, "go-redis: "+format+"\n", v...)
}

func init() { redis.SetLogger(quietLogger{}) }

// SetDebugLog sends go-redis's internal log to w (the --debug-log file),
// or drops it when w is nil. go-redis never logs passwords.
func SetDebugLog(w io.Writer) { redis.SetLogger(quietLogger{w: w}) }
