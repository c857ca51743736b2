// Error types of the client, and the helpers that keep bodies, secrets and
// tokens out of error text.

package serapi

import (
	"errors"
	"fmt"
	"io"

	"github.com/serfwd/serfwd/pkg/httpx"
	"github.com/serfwd/serfwd/pkg/redact"
)

// StatusError is an HTTP answer the client does not accept: a 4xx, or a
// 429/5xx that outlived every retry.
type StatusError struct {
	Code   int
	Host   string
	Prefix string // first bytes of the body, redacted and cut (redact.Excerpt); may be empty
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("HTTP %d from %s", e.Code, e.Host)
	if e.Prefix != "" {
		msg += fmt.Sprintf(" (body starts %q)", e.Prefix)
	}
	return msg
}

// Retryable reports whether trying the same request later may succeed.
func (e *StatusError) Retryable() bool { return e.Code == 429 || e.Code >= 500 }

// BodyError is a 200 answer whose body is not a usable report: not JSON,
// cut short, or applicationUsers not a list. Fetching again may help.
// Its text does not name the window: the caller does.
type BodyError struct {
	Window Window
	Prefix string // first bytes of the body, redacted and cut
	Err    error
}

func (e *BodyError) Error() string {
	return fmt.Sprintf("decoding report body (starts %q): %v", e.Prefix, e.Err)
}

func (e *BodyError) Unwrap() error { return e.Err }

// ErrBodyTooLarge is matched by the error of an answer that exceeds
// Options.MaxBodyBytes (max_body_bytes) after content decoding.
var ErrBodyTooLarge = httpx.ErrTooLarge

// ErrUnauthorized is a 401 that persisted after a fresh token.
var ErrUnauthorized = errors.New("unauthorized (HTTP 401) even with a fresh token")

// redirectHint strips the *url.Error around a transport error and, for a
// redirect, says which setting to fix.
func redirectHint(err error, key string) error {
	err = httpx.Cause(err)
	var re *httpx.RedirectError
	if errors.As(err, &re) {
		return fmt.Errorf("%w: set %s to the address that answers", err, key)
	}
	return err
}

// readPrefix reads the leading bytes of r that redact.Excerpt may quote.
func readPrefix(r io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, redact.ExcerptSource))
	return b
}

// drainClose reads a little of what is left of a body (so the connection
// can be reused) and closes it.
func drainClose(rc io.ReadCloser) {
	if rc == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, 4<<10))
	_ = rc.Close()
}

// prefixRecorder passes reads through and keeps the first bytes that
// redact.Excerpt may quote.
type prefixRecorder struct {
	r      io.Reader
	prefix []byte
}

func (p *prefixRecorder) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if room := redact.ExcerptSource - len(p.prefix); room > 0 && n > 0 {
		p.prefix = append(p.prefix, b[:min(n, room)]...)
	}
	return n, err
}
