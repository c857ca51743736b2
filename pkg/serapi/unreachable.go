// Connection-level failures: an attempt that got no answer at all because
// no connection to the API could be made (refused, DNS, unreachable, a
// connect or TLS handshake that failed or timed out), and the fail-fast
// policy that leaves retrying them to the caller.

package serapi

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// failFastTimeout bounds connecting and the TLS handshake of one attempt
// under Options.FailFast.
const failFastTimeout = 8 * time.Second

// Unreachable reports whether err is a connection-level failure: no
// connection to the server could be made, so nothing was asked and nothing
// answered. 5xx, 429 and errors after the connection was made are not.
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	var (
		dns     *net.DNSError
		op      *net.OpError
		plain   tls.RecordHeaderError
		alert   tls.AlertError
		badCert *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &dns), errors.As(err, &plain), errors.As(err, &alert), errors.As(err, &badCert):
		return true
	case errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect"):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return true
	}
	// net/http's handshake timeout and its plain-text answer to a TLS
	// client are errors without a type of their own.
	msg := err.Error()
	return strings.Contains(msg, "TLS handshake timeout") || strings.Contains(msg, "server gave HTTP response to HTTPS client")
}

// failFast wraps a CheckRetry so that connection-level failures are not
// retried: the caller (a one-shot command) decides how often to try again.
func failFast(next retryablehttp.CheckRetry) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if resp == nil && Unreachable(err) {
			return false, nil
		}
		return next(ctx, resp, err)
	}
}
