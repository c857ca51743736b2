//go:build unix

// peek_unix.go looks at a TCP socket without blocking and without consuming
// anything, to tell a live idle connection from one the peer has closed.

package syslog

import (
	"errors"
	"net"
	"syscall"
)

// peekState is what a non-blocking peek found.
type peekState int

const (
	peekIdle    peekState = iota // nothing to read: the peer is (as far as we can tell) alive
	peekData                     // bytes are waiting (for TLS: records such as a ticket or close_notify)
	peekClosed                   // EOF or a socket error: the peer is gone
	peekUnknown                  // the socket cannot be peeked at
)

func peek(c net.Conn) peekState {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return peekUnknown
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return peekUnknown
	}
	state := peekUnknown
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		n, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case errors.Is(rerr, syscall.EAGAIN) || errors.Is(rerr, syscall.EWOULDBLOCK):
			state = peekIdle
		case errors.Is(rerr, syscall.EINTR):
			state = peekUnknown
		case rerr != nil:
			state = peekClosed
		case n == 0:
			state = peekClosed
		default:
			state = peekData
		}
		return true // never wait for readability
	})
	if err != nil {
		return peekClosed
	}
	return state
}
