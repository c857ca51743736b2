// What `serfwd check` tells an operator whose TLS syslog sink meets a port
// that speaks plain text: a syslog banner where the handshake expected a
// TLS record, or a plain TCP syslog port that reads the handshake as a
// message and waits for more, never answering.

package syslog

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"syscall"
)

// plainTextHint returns "; hint" for a failed check of a TLS sink that
// looks like a plain-text port, or "".
func plainTextHint(network string, err error) string {
	var plain tls.RecordHeaderError
	switch {
	case network != "tls":
		return ""
	case errors.As(err, &plain):
		return "; the server answered in plain text: is network: tls right for this port?"
	case noAnswer(err):
		return "; no TLS answer from the server: if this port takes plain syslog over TCP, use network: tcp (or the receiver's TLS port)"
	}
	return ""
}

// noAnswer reports an error of a connection that was made but never
// answered: a timeout, or the peer closing or resetting it.
func noAnswer(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}
