// Retry policy of the HTTP client: what is retried, how long to wait, and
// the error returned when retrying gives up.

package serapi

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	retry "github.com/serfwd/serfwd/pkg/backoff"
	"github.com/serfwd/serfwd/pkg/httpx"
)

const (
	defaultRetryMax     = 8
	defaultRetryWaitMin = time.Second
	defaultRetryWaitMax = 60 * time.Second
)

// checkRetry retries network errors (except those the library deems
// permanent, such as certificate errors), 429 and 5xx other than 501.
// Everything else, 401 and redirects included, goes back to the caller.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	var redirect *httpx.RedirectError
	if errors.As(err, &redirect) {
		return false, nil // never retried, never followed
	}
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return false, nil // the library asserts the type, which httpx.CutError hides
	}
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch c := resp.StatusCode; {
	case c == http.StatusTooManyRequests:
		return true, nil
	case c >= 500 && c != http.StatusNotImplemented:
		return true, nil
	}
	return false, nil
}

// backoff is the retryablehttp Backoff: pkg/backoff's capped exponential
// backoff with equal jitter, attempt a waiting between half and all of
// min·2^a (at most max). On 429 and 5xx (SPEC §1) a Retry-After header
// (seconds or an HTTP date) stretches the wait when it asks for longer, up to
// backoff.MaxRetryAfter, and never shortens it: the delivery loop's policy
// (backoff.AtLeast), so that every retry of serfwd honours a server alike.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	d := jitteredBackoff(minWait, maxWait, attempt)
	if asksToWait(resp) {
		if after, ok := retry.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return retry.AtLeast(d, after)
		}
	}
	return d
}

// asksToWait reports whether resp is an answer whose Retry-After counts:
// 429 and 5xx, the answers SPEC §1 retries.
func asksToWait(resp *http.Response) bool {
	return resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500)
}

// jitteredBackoff is the exponential part of backoff.
func jitteredBackoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	return retry.Policy{Min: minWait, Max: maxWait}.Delay(attempt)
}

// giveUp is the retryablehttp ErrorHandler: it closes the last body and
// returns the last attempt's failure, naming the status or cause and the
// host; do counts the attempts (*RetriedError).
func giveUp(resp *http.Response, err error, _ int) (*http.Response, error) {
	var (
		redirect *httpx.RedirectError
		refused  *RetryAfterError
	)
	switch {
	case errors.As(err, &redirect):
		return nil, redirect // nothing to add: it names both ends
	case errors.As(err, &refused):
		drainClose(resp.Body)
		return nil, refused
	case resp == nil:
		return nil, transportFailure(err)
	}
	drainClose(resp.Body)
	host := responseHost(resp)
	if err != nil && (resp.StatusCode < 400 || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return nil, fmt.Errorf("request to %s: %w", host, err)
	}
	return nil, &StatusError{Code: resp.StatusCode, Host: host}
}

// errorHost is the host of the request a transport error is about.
func errorHost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return u.Host
		}
	}
	return "the server"
}
