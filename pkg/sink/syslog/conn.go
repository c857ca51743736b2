// conn.go owns the connection: dial on first use (with a timeout, TCP
// keepalive, TLS handshake), probe an idle stream connection before each
// batch, and write with a deadline. One attempt per batch: when dialing or
// writing fails, the connection is closed and the error returned; the
// delivery loop owns retrying (with backoff), and its retry resends the
// whole batch on a new connection (the old one may have delivered any
// prefix of it: duplicates carry the same eventId).

package syslog

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"go.uber.org/zap"
)

// Connection timing. They are variables so that tests can shorten them.
var (
	dialTimeout    = 10 * time.Second
	writeTimeout   = 30 * time.Second
	probeTimeout   = 100 * time.Millisecond // reading what a live peer sent
	handshakeProbe = 200 * time.Millisecond // waiting for a TLS server's rejection after the handshake
	keepAliveIdle  = 30 * time.Second
)

// batch is a Write's messages, framed, back to back in buf; ends[i] is
// where message i ends.
type batch struct {
	buf  []byte
	ends []int
}

func (b *batch) reset() { b.buf, b.ends = b.buf[:0], b.ends[:0] }

// transport is one sink's connection.
type transport struct {
	network string // udp|tcp|tls
	address string
	tlsConf *tls.Config
	log     *zap.Logger
	conn    net.Conn
}

// dial opens a new connection (TLS: including the handshake).
func (t *transport) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{
		Timeout:         dialTimeout,
		KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: keepAliveIdle, Interval: keepAliveIdle / 3, Count: 3},
	}
	switch t.network {
	case "udp":
		return d.DialContext(ctx, "udp", t.address)
	case "tls":
		td := &tls.Dialer{NetDialer: d, Config: t.tlsConf}
		conn, err := td.DialContext(ctx, "tcp", t.address)
		if err != nil {
			return nil, err
		}
		if err := confirmHandshake(conn); err != nil {
			_ = conn.Close()
			return nil, err
		}
		return conn, nil
	default:
		return d.DialContext(ctx, "tcp", t.address)
	}
}

// confirmHandshake waits briefly for the server's verdict after a TLS
// handshake. With TLS 1.3 the client's handshake completes before the server
// has checked the client certificate, so a rejection (an alert, then close)
// would otherwise only surface after a batch had been written into the void.
func confirmHandshake(conn net.Conn) error {
	_ = conn.SetReadDeadline(time.Now().Add(handshakeProbe))
	defer func() { _ = conn.SetReadDeadline(time.Time{}) }()
	var buf [512]byte
	for range 8 {
		_, err := conn.Read(buf[:])
		if err == nil {
			continue // a syslog server sends nothing of its own; ignore it
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil
		}
		return fmt.Errorf("TLS server closed the connection after the handshake (client certificate rejected?): %w", err)
	}
	return nil
}

// send delivers b in one attempt: a stream connection the peer has closed
// is replaced first; a failed dial or write closes the connection and
// returns the error.
func (t *transport) send(ctx context.Context, b *batch) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sending to %s: %w", t.address, err)
	}
	if t.conn != nil && t.network != "udp" && !t.alive() {
		t.log.Info("syslog peer closed the connection; reconnecting", zap.String("address", t.address))
		t.closeConn()
	}
	if t.conn == nil {
		conn, err := t.dial(ctx)
		if err != nil {
			return fmt.Errorf("connecting to %s over %s: %w", t.address, t.network, err)
		}
		t.conn = conn
	}
	var err error
	if t.network == "udp" {
		err = t.writeDatagrams(ctx, b)
	} else {
		err = t.writeStream(ctx, b.buf)
	}
	if err != nil {
		t.closeConn()
		if ctx.Err() != nil {
			return fmt.Errorf("sending to %s: %w", t.address, ctx.Err())
		}
		t.log.Warn("syslog write failed; the batch is sent again on a new connection", zap.String("address", t.address), zap.Error(err))
		return fmt.Errorf("sending %d messages to %s: %w", len(b.ends), t.address, err)
	}
	return nil
}

// alive probes an idle stream connection: false when the peer has closed
// it or reset it.
func (t *transport) alive() bool {
	raw := t.conn
	if tc, ok := raw.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	switch peek(raw) {
	case peekIdle:
		return true
	case peekClosed:
		return false
	}
	// Data is waiting (a TLS ticket or alert, or bytes a receiver sent) or the
	// socket cannot be peeked at: read briefly through the connection itself.
	var buf [512]byte
	_ = t.conn.SetReadDeadline(time.Now().Add(probeTimeout))
	defer func() { _ = t.conn.SetReadDeadline(time.Time{}) }()
	for range 8 {
		_, err := t.conn.Read(buf[:])
		if err == nil {
			continue
		}
		var ne net.Error
		return errors.As(err, &ne) && ne.Timeout() && !errors.Is(err, io.EOF)
	}
	return true
}

// writeStream writes buf with one deadline for the whole batch; ctx ending
// interrupts the write.
func (t *transport) writeStream(ctx context.Context, buf []byte) error {
	deadline := time.Now().Add(writeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn := t.conn
	if err := conn.SetWriteDeadline(deadline); err != nil {
		return fmt.Errorf("setting write deadline: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write(buf); err != nil {
		return fmt.Errorf("writing to %s: %w", t.address, err)
	}
	return nil
}

// writeDatagrams sends one datagram per message.
func (t *transport) writeDatagrams(ctx context.Context, b *batch) error {
	start := 0
	for _, end := range b.ends {
		if err := ctx.Err(); err != nil {
			return err
		}
		_ = t.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := t.conn.Write(b.buf[start:end]); err != nil {
			return fmt.Errorf("sending datagram to %s: %w", t.address, err)
		}
		start = end
	}
	return nil
}

// check dials a separate connection (TLS: with the handshake) and closes it.
func (t *transport) check(ctx context.Context) error {
	conn, err := t.dial(ctx)
	if err != nil {
		return fmt.Errorf("connecting to %s over %s: %w", t.address, t.network, err)
	}
	return conn.Close()
}

func (t *transport) closeConn() {
	if t.conn != nil {
		_ = t.conn.Close()
		t.conn = nil
	}
}
