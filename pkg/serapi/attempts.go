// What the attempts of one request got, so that a request given up on says
// it once ("HTTP 503 from auth.example.com on each of 3 attempts over 41s"),
// and the timeout of an attempt that got no answer.

package serapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/serfwd/serfwd/pkg/httpx"
)

// RetriedError is the error of a request tried more than once: the last
// attempt's error, how many attempts, over how long, and whether every
// attempt failed the same way.
type RetriedError struct {
	Attempts int
	Took     time.Duration
	Same     bool  // every attempt failed with the same text as Err
	Err      error // the last attempt's
}

func (e *RetriedError) Error() string {
	took := roundTook(e.Took)
	if e.Same {
		return fmt.Sprintf("%v on each of %d attempts over %s", e.Err, e.Attempts, took)
	}
	return fmt.Sprintf("%d attempts over %s failed, the last with: %v", e.Attempts, took, e.Err)
}

func (e *RetriedError) Unwrap() error { return e.Err }

// roundTook rounds a duration for a message: milliseconds below a second,
// tenths of a second below a minute, whole seconds above.
func roundTook(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond)
	case d < time.Minute:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// TimeoutError is an attempt that got no answer within the input's timeout.
type TimeoutError struct {
	Host  string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no answer from %s within %s (timeout)", e.Host, e.After)
}

// Timeout lets net.Error-style checks see it as a timeout.
func (e *TimeoutError) Timeout() bool { return true }

// attemptLog records the failed attempts of one request; it travels in the
// request's context from do to checkRetry.
type attemptLog struct {
	mu     sync.Mutex
	n      int
	last   string
	differ bool
}

type attemptLogKey struct{}

// note records one failed attempt.
func (l *attemptLog) note(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	text := err.Error()
	if l.n > 0 && text != l.last {
		l.differ = true
	}
	l.n++
	l.last = text
}

// logAttempts wraps a CheckRetry so that every failed attempt (no answer,
// 429 or 5xx) is noted in the request's attemptLog.
func logAttempts(next retryablehttp.CheckRetry) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if l, ok := ctx.Value(attemptLogKey{}).(*attemptLog); ok && ctx.Err() == nil {
			if failure := attemptFailure(resp, err); failure != nil {
				l.note(failure)
			}
		}
		return next(ctx, resp, err)
	}
}

// attemptFailure is how an attempt failed, in the words of the final error
// (giveUp); nil for an answer that is not a failure to retry.
func attemptFailure(resp *http.Response, err error) error {
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return transportFailure(err)
	}
	if c := resp.StatusCode; c == http.StatusTooManyRequests || c >= 500 {
		return &StatusError{Code: c, Host: responseHost(resp)}
	}
	return nil
}

// transportFailure is an attempt's transport error without the *url.Error
// around it, naming the host when the cause does not.
func transportFailure(err error) error {
	cause := httpx.Cause(err)
	var te *TimeoutError
	if errors.As(err, &te) {
		return te
	}
	if host := errorHost(err); !strings.Contains(cause.Error(), host) {
		return fmt.Errorf("request to %s: %w", host, cause)
	}
	return cause
}

// responseHost is the host that gave resp.
func responseHost(resp *http.Response) string {
	if resp.Request != nil && resp.Request.URL != nil {
		return resp.Request.URL.Host
	}
	return "the server"
}

// do sends req through hc; when hc gives up after more than one attempt,
// the error becomes a *RetriedError that counts them.
func do(hc *retryablehttp.Client, req *retryablehttp.Request) (*http.Response, error) {
	resp, _, err := doCounting(hc, req)
	return resp, err
}

// doCounting is do that also tells how many attempts failed before the
// answer it returns.
func doCounting(hc *retryablehttp.Client, req *retryablehttp.Request) (*http.Response, int, error) {
	l := &attemptLog{}
	req = req.WithContext(context.WithValue(req.Context(), attemptLogKey{}, l))
	began := time.Now()
	resp, err := hc.Do(req)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil || req.Context().Err() != nil {
		return resp, l.n, err
	}
	if l.n > 1 {
		err = &RetriedError{Attempts: l.n, Took: time.Since(began), Same: !l.differ && l.last == err.Error(), Err: err}
	}
	return resp, l.n, err
}
