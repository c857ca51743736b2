// Package testnet gives tests network peers that fail in known ways, without
// the race of closing a port and hoping nobody takes it: an address that
// refuses connections (a TCP socket bound but never listening keeps the port
// taken) and a listener that accepts connections and never answers.
package testnet

import (
	"net"
	"net/netip"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RefusingAddr returns a 127.0.0.1 address that refuses TCP connections for
// the rest of the test: a socket is bound to it but never listens, so the
// kernel answers a connect with a reset and no other process can take the
// port meanwhile (Linux and the BSDs behave so).
func RefusingAddr(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	in4, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		t.Fatalf("getsockname: unexpected %T", sa)
	}
	return netip.AddrPortFrom(netip.AddrFrom4(in4.Addr), uint16(in4.Port)).String()
}

// Hang is a listener that accepts every connection and never answers; it
// records when each connection arrived and whether the client closed it.
type Hang struct {
	ln net.Listener

	mu     sync.Mutex
	conns  []*HangConn
	arrive chan struct{} // gets a value for each connection
}

// HangConn is one connection a Hang accepted.
type HangConn struct {
	Accepted time.Time     // when the listener accepted it (the test's clock)
	Closed   chan struct{} // closed once the client closed the connection
	ClosedAt time.Time     // set before Closed is closed
}

// NewHang starts a Hang on 127.0.0.1:0, closed with the test.
func NewHang(t testing.TB) *Hang {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &Hang{ln: ln, arrive: make(chan struct{}, 1024)}
	done := make(chan struct{})
	var open []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			hc := &HangConn{Accepted: time.Now(), Closed: make(chan struct{})}
			h.mu.Lock()
			h.conns = append(h.conns, hc)
			h.mu.Unlock()
			mu.Lock()
			open = append(open, c)
			mu.Unlock()
			h.arrive <- struct{}{}
			go func() { // read until the client gives up; never write
				buf := make([]byte, 4096)
				for {
					if _, err := c.Read(buf); err != nil {
						break
					}
				}
				select {
				case <-done:
				default:
					hc.ClosedAt = time.Now()
					close(hc.Closed)
				}
			}()
		}
	}()
	t.Cleanup(func() {
		close(done)
		ln.Close()
		mu.Lock()
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
	})
	return h
}

// Addr is the listener's host:port.
func (h *Hang) Addr() string { return h.ln.Addr().String() }

// Conns returns the connections accepted so far.
func (h *Hang) Conns() []*HangConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*HangConn(nil), h.conns...)
}

// Arrived returns a channel that gets a value for each accepted connection.
func (h *Hang) Arrived() <-chan struct{} { return h.arrive }
