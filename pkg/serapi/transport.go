// The http.RoundTripper under retryablehttp that applies the concurrency
// cap, the rate limiter and the per-attempt timeout to every attempt.

package serapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// limitedTransport gates every HTTP attempt (token, report, each retry):
// first a concurrency slot, then a rate slot; both are held until the
// answer's body has been read to its end or closed, or the attempt failed.
// The timeout covers one attempt from the moment it holds both slots, so
// that waiting for the limiter never eats into it.
type limitedTransport struct {
	base     http.RoundTripper
	limiter  *Limiter
	slots    chan struct{} // concurrency semaphore
	timeout  time.Duration
	observer Observer
	deadline *deadline // the one-shot deadline (FailFast), told of every outcome; nil: none
}

// RoundTrip implements http.RoundTripper.
func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	releaseRate, err := t.limiter.Acquire(ctx)
	if err != nil {
		<-t.slots
		return nil, err
	}
	var cancel context.CancelFunc
	if t.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
	} else {
		ctx, cancel = context.WithCancel(ctx)
	}
	done := func() {
		releaseRate()
		<-t.slots
		cancel()
	}
	began := time.Now()
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && req.Context().Err() == nil {
			err = &TimeoutError{Host: req.URL.Host, After: t.timeout}
		}
		t.observer.Request(0, time.Since(began))
		t.failed(req, began, err)
		done()
		return nil, err
	}
	t.observer.Request(resp.StatusCode, time.Since(began))
	switch c := resp.StatusCode; {
	case c == http.StatusTooManyRequests || c >= 500:
		t.failed(req, began, &StatusError{Code: c, Host: req.URL.Host})
	case c >= 200 && c < 300 && t.deadline != nil:
		t.deadline.ok()
	}
	resp.Body = &releasingBody{rc: resp.Body, done: done}
	return resp, nil
}

// failed tells an observer that wants to know (FailureObserver), and the
// one-shot deadline, of an attempt begun at began that got no answer, or
// one to be retried.
func (t *limitedTransport) failed(req *http.Request, began time.Time, err error) {
	if req.Context().Err() != nil {
		return // serfwd ended the attempt: not the API's failure
	}
	if t.deadline != nil {
		t.deadline.failed(began, err)
	}
	if f, ok := t.observer.(FailureObserver); ok {
		f.RequestFailed(fmt.Errorf("%s %s%s: %w", req.Method, req.URL.Host, req.URL.Path, err))
	}
}

// releasingBody frees the attempt's slots once, at the end of the body
// (EOF or a read error) or when it is closed, whichever comes first.
type releasingBody struct {
	rc   io.ReadCloser
	once sync.Once
	done func()
}

func (b *releasingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *releasingBody) Close() error {
	err := b.rc.Close()
	b.once.Do(b.done)
	return err
}
