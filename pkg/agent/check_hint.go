// Hints for Check when TLS meets a port that speaks plain text: a
// TLS handshake that gets a plain answer (an HTTP server, a syslog banner),
// or a TLS syslog sink whose server never answers the handshake (a plain
// TCP syslog port reads the handshake as a message and waits for more).

package agent

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// tlsHint returns "; hint" for a check of target (a URL, or a sink's
// Description.Target such as tls://address for a TLS syslog sink) that
// failed with err, or "".
func tlsHint(target string, err error) string {
	var plain tls.RecordHeaderError
	https := strings.HasPrefix(target, "https://")
	syslogTLS := strings.HasPrefix(target, "tls://")
	switch {
	case !https && !syslogTLS:
		return ""
	case errors.As(err, &plain), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		if syslogTLS {
			return "; the server answered in plain text: is network: tls right for this port?"
		}
		return "; the server answered in plain text: is https:// right for this port?"
	case syslogTLS && noAnswer(err):
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
