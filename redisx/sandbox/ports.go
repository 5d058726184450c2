package sandbox

import (
	"errors"
	"net"
	"strconv"
	"sync"
)

// busOffset is where Redis Cluster puts a node's bus port by default.
const busOffset = 10000

var (
	portsMu sync.Mutex
	// handedOut remembers ports given to servers of this process, so two
	// servers started at the same moment never get the same one; the kernel
	// may hand a just-closed port out again. Other processes are covered by
	// retrying on "Address already in use".
	handedOut = map[int]bool{}
)

// freePort asks the kernel for a free loopback port. With bus set, the port
// plus busOffset must be free too, because a cluster node listens on both.
func freePort(bus bool) (int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		ok := !handedOut[port]
		if ok && bus {
			ok = port+busOffset <= 65535 && !handedOut[port+busOffset]
			if ok {
				bl, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+busOffset))
				ok = err == nil
				if ok {
					bl.Close()
				}
			}
		}
		l.Close()
		if ok {
			handedOut[port] = true
			if bus {
				handedOut[port+busOffset] = true
			}
			return port, nil
		}
	}
	return 0, errors.New("no free loopback port found")
}
