// The outermost RoundTripper of every client: identity encoding asked for,
// 3xx turned into errors, coded answers inflated as they are read, transport
// errors cut to a length fit to quote.

package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/serfwd/serfwd/pkg/redact"
)

// edge applies serfwd's rules to every request and answer.
type edge struct {
	next      http.RoundTripper
	closeIdle func()
}

// RoundTrip implements http.RoundTripper.
func (e *edge) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Accept-Encoding") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := e.next.RoundTrip(req)
	if err != nil {
		return nil, cut(err)
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		discard(resp.Body)
		return nil, redirectError(req.URL, resp)
	}
	if err := decode(resp); err != nil {
		discard(resp.Body)
		return nil, err
	}
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the pool.
func (e *edge) CloseIdleConnections() { e.closeIdle() }

// discard reads a little of a body (so the connection may be reused) and
// closes it.
func discard(rc io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, 4<<10))
	_ = rc.Close()
}

// CutError is a transport error whose text was longer than redact.MaxQuote
// or not printable: a peer chooses much of it (a status line of any length,
// say). Its text is the start of the cause's, made printable; Unwrap gives
// the cause, so errors.Is and errors.As see what it was.
type CutError struct{ Err error }

func (e *CutError) Error() string { return redact.Quote(e.Err.Error()) }

func (e *CutError) Unwrap() error { return e.Err }

// Timeout tells whether the cause was a timeout: *url.Error asks its Err
// directly, not through Unwrap.
func (e *CutError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

// cut wraps err in a *CutError when its text needs cutting; other errors,
// whose types callers (net/http, retryablehttp) assert directly, stay as
// they are.
func cut(err error) error {
	if msg := err.Error(); redact.Quote(msg) != msg {
		return &CutError{Err: err}
	}
	return err
}

// RedirectError is a 3xx answer, which serfwd never follows. It names only
// the scheme://host of both ends, never a path or a query.
type RedirectError struct {
	Status int    // the 3xx status code
	From   string // scheme://host that answered
	To     string // scheme://host of the Location; "" when there was none usable
}

func (e *RedirectError) Error() string {
	to := "without a usable Location"
	if e.To != "" {
		to = "to " + e.To
	}
	return fmt.Sprintf("%s redirected (HTTP %d) %s; serfwd never follows redirects", e.From, e.Status, to)
}

// redirectError describes the 3xx answer resp to a request for u.
func redirectError(u *url.URL, resp *http.Response) *RedirectError {
	e := &RedirectError{Status: resp.StatusCode, From: Origin(u)}
	if loc := resp.Header.Get("Location"); loc != "" {
		if target, err := u.Parse(loc); err == nil && target.Host != "" {
			e.To = Origin(target)
		}
	}
	return e
}

// Origin renders a URL as scheme://host[:port], without userinfo, path or
// query, fit to quote (a hostile Location is cut and made printable).
func Origin(u *url.URL) string {
	return redact.Quote(strings.ToLower(u.Scheme) + "://" + u.Host)
}
