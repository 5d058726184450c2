//go:build !linux

package batch

import "net"

// rawSocket is Linux only (see rawconn_linux.go): elsewhere lanes read
// and write through net.Conn.
func rawSocket(c net.Conn) net.Conn { return c }
