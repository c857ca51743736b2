// The http.RoundTripper under retryablehttp that applies the concurrency
// cap, the rate limiter and the per-attempt timeout to every attempt.

package serapi

import (
	"context"
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
		t.observer.Request(0, time.Since(began))
		t.failed(req, err)
		done()
		return nil, err
	}
	t.observer.Request(resp.StatusCode, time.Since(began))
	if c := resp.StatusCode; c == http.StatusTooManyRequests || c >= 500 {
		t.failed(req, &StatusError{Code: c, Host: req.URL.Host})
	}
	resp.Body = &releasingBody{rc: resp.Body, done: done}
	return resp, nil
}

// failed tells an observer that wants to know (FailureObserver) of an
// attempt that got no answer, or one to be retried.
func (t *limitedTransport) failed(req *http.Request, err error) {
	if f, ok := t.observer.(FailureObserver); ok && req.Context().Err() == nil {
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
