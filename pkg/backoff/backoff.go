// Capped exponential backoff with equal jitter, and a sleep that ends with
// its context.

package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy is capped exponential backoff: the n-th wait (n from 0) is drawn
// between half and all of Min·2^n, and Min·2^n never exceeds Max. Half the
// wait is fixed so that retries keep growing; the other half is random so
// that many clients that failed together do not retry together.
type Policy struct {
	Min time.Duration // the first wait's upper bound
	Max time.Duration // the cap of every wait's upper bound
}

// Ceiling is the upper bound of the n-th wait: Min·2^n, at most Max.
func (p Policy) Ceiling(n int) time.Duration {
	if n < 0 {
		n = 0
	}
	if p.Min <= 0 {
		return 0
	}
	d := p.Max
	if n < 62 {
		if s := p.Min << n; s > 0 && s>>n == p.Min && s < p.Max {
			d = s
		}
	}
	return max(d, 0)
}

// Delay is the n-th wait (n from 0), between Ceiling(n)/2 and Ceiling(n).
func (p Policy) Delay(n int) time.Duration {
	d := p.Ceiling(n)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Sleep waits for d or until ctx ends, whichever comes first; it returns
// ctx's error in the latter case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
