// The one-shot policy (Options.FailFast) of commands that must end (`once`,
// `backfill`): few, short retries of each request, and a deadline for the
// whole input once it starts failing, with no retry that would not fit in
// it, so that any failing API (refusing, hanging, answering 5xx or 429)
// gets an answer out of the command within about a minute. The daemon keeps
// its patient policy.

package serapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	retry "github.com/serfwd/serfwd/pkg/backoff"
)

const (
	// oneShotRetryMax: each request is tried at most five times (waits of
	// about 1, 2, 4 and 8 s: a short 429 storm or a restarting server
	// passes; one that lasts does not).
	oneShotRetryMax = 4
	// oneShotWaitMax caps a wait between two attempts; a Retry-After that
	// asks for longer ends the request at once (RetryAfterError).
	oneShotWaitMax = 10 * time.Second
	// oneShotConnectTimeout bounds connecting and the TLS handshake.
	oneShotConnectTimeout = 8 * time.Second
	// DefaultGiveUpAfter is how long an input may go on failing under the
	// one-shot policy before every request of it is given up.
	DefaultGiveUpAfter = 60 * time.Second
)

// RetryAfterError is a 429 or 503 whose Retry-After asks for a longer wait
// than a one-shot command makes.
type RetryAfterError struct {
	Code  int
	Host  string
	After time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("HTTP %d from %s asking to retry after %s, longer than a one-shot run waits", e.Code, e.Host, e.After.Round(time.Second))
}

// retry wraps a CheckRetry with the one-shot policy: a 429/5xx that asks
// for a wait over maxWait is not tried again, nor any failure when the
// longest wait would not end before the deadline, nor an attempt that got
// no answer within the timeout when another one (the wait, then a whole
// timeout) would not: that attempt is the last one, and says so, rather
// than a second one cut by the deadline. An answer or a quick failure is
// tried again while the wait fits, whatever the timeout; the deadline cuts
// an attempt that then runs over.
func (d *deadline) retry(next retryablehttp.CheckRetry, maxWait, timeout time.Duration) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if asksToWait(resp) {
			if wait, ok := retry.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && wait > maxWait {
				return false, &RetryAfterError{Code: resp.StatusCode, Host: responseHost(resp), After: wait}
			}
		}
		again, cerr := next(ctx, resp, err)
		need := maxWait
		var te *TimeoutError
		if errors.As(err, &te) {
			need += timeout
		}
		if again && !d.fits(time.Now().Add(need)) {
			if resp != nil {
				// Through giveUp, so that the answer is counted with the
				// attempts before it (a transport error goes there anyway).
				return false, errNoRoom
			}
			return false, cerr
		}
		return again, cerr
	}
}

// errNoRoom ends a request whose next attempt would not end before the
// one-shot deadline; giveUp reports the last answer instead.
var errNoRoom = errors.New("no time left for another attempt")

// fits reports whether an attempt ending at t ends before the deadline (or
// no deadline runs).
func (d *deadline) fits(t time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.since.IsZero() || !t.After(d.since.Add(d.limit))
}

// GaveUpError ends every request of an input that kept failing for the
// one-shot deadline.
type GaveUpError struct {
	After time.Duration
	Last  error // the last failed attempt's error
}

func (e *GaveUpError) Error() string {
	return fmt.Sprintf("no good answer for %s, as long as a one-shot run waits; the last attempt: %v", roundTook(e.After), e.Last)
}

func (e *GaveUpError) Unwrap() error { return e.Last }

// deadline is an input's one-shot deadline. The first failed attempt after
// a good answer (or since the start) starts it, from that attempt's start;
// a good answer stops it. When it passes, every call of the input in
// flight is cancelled with a *GaveUpError, and later calls fail at once.
type deadline struct {
	limit time.Duration

	mu      sync.Mutex
	since   time.Time // zero: not failing
	last    error
	timer   *time.Timer
	streak  int // counts the times it started, so that a stale timer is ignored
	expired *GaveUpError
	calls   map[int]context.CancelCauseFunc
	nextID  int
}

func newDeadline(limit time.Duration) *deadline {
	return &deadline{limit: limit, calls: map[int]context.CancelCauseFunc{}}
}

// enter starts a call under the deadline; leave must be called when it ends.
func (d *deadline) enter(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.expired != nil {
		cancel(d.expired)
		return ctx, func() {}
	}
	id := d.nextID
	d.nextID++
	d.calls[id] = cancel
	return ctx, func() {
		d.mu.Lock()
		delete(d.calls, id)
		d.mu.Unlock()
		cancel(nil)
	}
}

// explain turns the end of a call that the deadline cancelled into its
// *GaveUpError; other errors pass as they are.
func (d *deadline) explain(ctx context.Context, err error) error {
	var gu *GaveUpError
	if err != nil && errors.As(context.Cause(ctx), &gu) {
		return gu
	}
	return err
}

// failed hears of an attempt that began at began and failed with err.
func (d *deadline) failed(began time.Time, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.last = err
	if d.expired != nil || !d.since.IsZero() {
		return
	}
	d.since = began
	d.streak++
	streak := d.streak
	d.timer = time.AfterFunc(time.Until(began.Add(d.limit)), func() { d.expire(streak) })
}

// ok hears of a good answer: the input is not failing any more.
func (d *deadline) ok() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
	d.since, d.timer = time.Time{}, nil
}

// expire ends every call in flight, unless a good answer ended the streak
// meanwhile.
func (d *deadline) expire(streak int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.since.IsZero() || streak != d.streak || d.expired != nil {
		return
	}
	d.expired = &GaveUpError{After: d.limit, Last: d.last}
	for id, cancel := range d.calls {
		cancel(d.expired)
		delete(d.calls, id)
	}
}
