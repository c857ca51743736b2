// The per-client sliding-window rate limit of the report endpoint.

package sersim

import "time"

// limiter admits at most n requests per client in any period-long
// interval, counting the arrival times of the requests it admitted.
// It is guarded by the Server's mutex.
type limiter struct {
	n      int
	period time.Duration
	seen   map[string][]time.Time
}

func newLimiter(n int, period time.Duration) *limiter {
	return &limiter{n: n, period: period, seen: make(map[string][]time.Time)}
}

// allow admits a request of client arriving at at, or returns false and how
// long until the oldest admitted request leaves the window.
func (l *limiter) allow(client string, at time.Time) (bool, time.Duration) {
	if l.n < 0 {
		return true, 0
	}
	cut := at.Add(-l.period)
	kept := l.seen[client][:0]
	oldest := time.Time{}
	for _, t := range l.seen[client] {
		if t.After(cut) {
			kept = append(kept, t)
			if oldest.IsZero() || t.Before(oldest) {
				oldest = t
			}
		}
	}
	l.seen[client] = kept
	if len(kept) >= l.n {
		return false, oldest.Add(l.period).Sub(at)
	}
	l.seen[client] = append(kept, at)
	return true, 0
}
