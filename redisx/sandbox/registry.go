package sandbox

import "sync"

var (
	registryMu sync.Mutex
	registry   = map[*Server]struct{}{}
)

func register(s *Server) {
	registryMu.Lock()
	registry[s] = struct{}{}
	registryMu.Unlock()
}

func unregister(s *Server) {
	registryMu.Lock()
	delete(registry, s)
	registryMu.Unlock()
}

// StopAll stops every server this process started and has not stopped,
// for main's signal and panic handlers: Pdeathsig covers a crash only on
// Linux, and it never removes the temporary directories.
func StopAll() {
	registryMu.Lock()
	all := make([]*Server, 0, len(registry))
	for s := range registry {
		all = append(all, s)
	}
	registryMu.Unlock()
	var wg sync.WaitGroup
	for _, s := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.Stop()
		}()
	}
	wg.Wait()
}
