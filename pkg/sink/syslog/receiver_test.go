// receiver_test.go is a syslog receiver for the transport tests: a real
// TCP, TLS or UDP listener on 127.0.0.1:0 that records the raw bytes and the
// messages of every connection.

package syslog

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type receiver struct {
	t       *testing.T
	framing string
	ln      net.Listener
	pc      net.PacketConn

	mu    sync.Mutex
	raw   []byte           // everything received, all connections in order of arrival
	msgs  []string         // parsed messages
	conns []net.Conn       // accepted connections
	perCn map[int][]string // messages per connection index
	// onConn, when set, handles a connection instead of the default reader;
	// it gets the connection's index.
	onConn func(i int, c net.Conn)
}

// startReceiver listens on 127.0.0.1:0 (addr "" ) or on addr.
func startReceiver(t *testing.T, network, framing string, tlsConf *tls.Config, addr string) *receiver {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	r := &receiver{t: t, framing: framing, perCn: map[int][]string{}}
	if network == "udp" {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			t.Fatal(err)
		}
		r.pc = pc
		go r.readDatagrams()
		t.Cleanup(func() { _ = pc.Close() })
		return r
	}
	lc := net.ListenConfig{Control: smallRecvBuffer}
	ln, err := lc.Listen(t.Context(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	r.ln = ln
	go r.accept()
	t.Cleanup(r.close)
	return r
}

// smallRecvBuffer keeps accepted sockets' receive buffers small and fixed,
// so that a large batch cannot vanish into kernel buffers.
func smallRecvBuffer(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16384)
	})
	if err != nil {
		return err
	}
	return serr
}

func (r *receiver) addr() string {
	if r.pc != nil {
		return r.pc.LocalAddr().String()
	}
	return r.ln.Addr().String()
}

func (r *receiver) close() {
	if r.ln != nil {
		_ = r.ln.Close()
	}
	r.dropConns()
}

// dropConns closes every accepted connection from the server side.
func (r *receiver) dropConns() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		_ = c.Close()
	}
}

func (r *receiver) accept() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		i := len(r.conns)
		r.conns = append(r.conns, c)
		handler := r.onConn
		r.mu.Unlock()
		if handler != nil {
			go handler(i, c)
		} else {
			go r.read(i, c)
		}
	}
}

// read parses one connection's stream with the receiver's framing.
func (r *receiver) read(i int, c net.Conn) {
	br := bufio.NewReader(io.TeeReader(c, rawSink{r}))
	for {
		var msg string
		var err error
		if r.framing == "newline" {
			msg, err = br.ReadString('\n')
			msg = strings.TrimSuffix(msg, "\n")
		} else {
			msg, err = readOctetCounted(br)
		}
		if err != nil {
			return
		}
		r.add(i, msg)
	}
}

// rawSink appends everything read to the receiver's raw log.
type rawSink struct{ r *receiver }

func (s rawSink) Write(p []byte) (int, error) {
	s.r.mu.Lock()
	s.r.raw = append(s.r.raw, p...)
	s.r.mu.Unlock()
	return len(p), nil
}

func readOctetCounted(br *bufio.Reader) (string, error) {
	head, err := br.ReadString(' ')
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(strings.TrimSuffix(head, " "))
	if err != nil || n <= 0 {
		return "", io.ErrUnexpectedEOF
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(br, buf); err != nil {
		return "", err
	}
	return string(buf), nil
}

func (r *receiver) readDatagrams() {
	buf := make([]byte, 65536)
	for {
		n, _, err := r.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		r.mu.Lock()
		r.raw = append(r.raw, buf[:n]...)
		r.mu.Unlock()
		r.add(0, string(buf[:n]))
	}
}

func (r *receiver) add(conn int, msg string) {
	r.mu.Lock()
	r.msgs = append(r.msgs, msg)
	r.perCn[conn] = append(r.perCn[conn], msg)
	r.mu.Unlock()
}

// waitMessages waits until at least n messages arrived.
func (r *receiver) waitMessages(n int) []string {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r.mu.Lock()
		got := append([]string(nil), r.msgs...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("received %d messages, want %d", len(got), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *receiver) rawBytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.raw...)
}

func (r *receiver) connCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.conns)
}

// serverTLS is a server configuration from the test PKI; with
// requireClient the server requires and verifies a client certificate.
func serverTLS(t *testing.T, p testPKI, requireClient bool) *tls.Config {
	t.Helper()
	return p.pki.ServerConfig(requireClient)
}
