// The error classes a sink returns to tell the delivery loop how to retry:
// Permanent (only an operator can fix it) and RetryAfter (the destination
// asked for a wait). Anything else is retried with backoff.

package sink

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// permanentError marks an error that retrying the same batch cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying with the same batch. The delivery
// loop still never drops events: it keeps them queued and retries slowly,
// reporting the problem loudly, because only an operator can fix it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// retryAfterError carries the destination's requested wait.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks err as retryable after at least d (e.g. from Retry-After).
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err, d}
}

// RetryAfterDelay returns the wait requested by a RetryAfter error.
func RetryAfterDelay(err error) (time.Duration, bool) {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}

// MaxErrorText is the most bytes of an error's text that the delivery loop
// logs or reports (LastError, configuration problem): a destination's
// message (a broker's, a proxy's page) can be any length.
const MaxErrorText = 1 << 10

// boundedError shows at most MaxErrorText bytes of err's text and unwraps
// to err, so that its class (Permanent, RetryAfter) and cause still count.
type boundedError struct{ err error }

func (e *boundedError) Error() string {
	s := e.err.Error()
	if len(s) <= MaxErrorText {
		return s
	}
	cut := MaxErrorText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… [cut: %d more bytes]", len(s)-cut)
}

func (e *boundedError) Unwrap() error { return e.err }

// Bounded returns err with its text cut to MaxErrorText bytes when it is
// longer (nil stays nil).
func Bounded(err error) error {
	if err == nil || len(err.Error()) <= MaxErrorText {
		return err
	}
	return &boundedError{err}
}
