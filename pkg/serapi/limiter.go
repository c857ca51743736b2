// The per-input rate limiter: an exact sliding log that counts a request
// from its start until period after its answer arrived.

package serapi

import (
	"context"
	"sync"
	"time"
)

// Limiter allows at most n requests in any period-long interval, where a
// request counts from the moment it starts (Acquire) until period after its
// answer arrived (release). Every slot is accounted for exactly: a ring of
// completion times plus the number of requests in flight, never a burst
// beyond n. Waiting sleeps until the earliest slot frees (no polling) and
// ends early when ctx does. A Limiter is safe for concurrent use.
type Limiter struct {
	n      int
	period time.Duration
	now    func() time.Time

	mu       sync.Mutex
	inFlight int
	done     []time.Time // ring of completion times, oldest at head
	head     int
	count    int
	wake     chan struct{} // closed and replaced when a request completes
	onWait   func(wait time.Duration)
}

// NewLimiter returns a limiter of n requests per period. n ≤ 0 or
// period ≤ 0 means no limit.
func NewLimiter(n int, period time.Duration) *Limiter {
	l := &Limiter{n: n, period: period, now: time.Now, wake: make(chan struct{})}
	if n > 0 {
		l.done = make([]time.Time, min(n, 64))
	}
	return l
}

// Rate returns the limit as given to NewLimiter.
func (l *Limiter) Rate() (n int, period time.Duration) { return l.n, l.period }

// OnWait has fn called whenever Acquire has to wait for a slot, with the
// wait it expects (-1: until a request in flight answers), from the waiting
// goroutine and without the limiter's lock; nil removes it. Commands use it
// to say that they wait for the rate limit.
func (l *Limiter) OnWait(fn func(wait time.Duration)) {
	l.mu.Lock()
	l.onWait = fn
	l.mu.Unlock()
}

type waitHookKey struct{}

// WithWaitHook returns a context whose requests have fn called, as OnWait's
// function is, whenever they wait for the limiter: a backfill job inside
// the daemon tells of its own waits, not of the live polling's.
func WithWaitHook(ctx context.Context, fn func(wait time.Duration)) context.Context {
	return context.WithValue(ctx, waitHookKey{}, fn)
}

// Acquire waits for a slot and takes it. The caller must call release
// exactly once, when the request's answer has arrived or the request failed;
// the slot is then held for one more period. Extra calls of release are
// ignored. Acquire returns ctx's error if ctx ends first.
func (l *Limiter) Acquire(ctx context.Context) (release func(), err error) {
	if l.n <= 0 || l.period <= 0 {
		return func() {}, ctx.Err()
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		l.mu.Lock()
		now := l.now()
		l.expire(now)
		if l.inFlight+l.count < l.n {
			l.inFlight++
			l.mu.Unlock()
			var once sync.Once
			return func() { once.Do(l.release) }, nil
		}
		wait := time.Duration(-1) // every slot in flight: wait for a completion
		if l.count > 0 {
			wait = l.done[l.head].Add(l.period).Sub(now)
		}
		wake, onWait := l.wake, l.onWait
		l.mu.Unlock()
		if onWait != nil {
			onWait(wait)
		}
		if hook, ok := ctx.Value(waitHookKey{}).(func(time.Duration)); ok {
			hook(wait)
		}
		if err := sleepOrWake(ctx, wait, wake); err != nil {
			return nil, err
		}
	}
}

// expire drops completion times that are a full period old.
func (l *Limiter) expire(now time.Time) {
	for l.count > 0 && !now.Before(l.done[l.head].Add(l.period)) {
		l.done[l.head] = time.Time{}
		l.head = (l.head + 1) % len(l.done)
		l.count--
	}
}

// release turns one in-flight request into a completion at the current time.
func (l *Limiter) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	if l.count == len(l.done) {
		l.grow()
	}
	l.done[(l.head+l.count)%len(l.done)] = l.now()
	l.count++
	close(l.wake)
	l.wake = make(chan struct{})
}

// grow doubles the ring (up to n), keeping the order of completions.
func (l *Limiter) grow() {
	ring := make([]time.Time, min(max(2*len(l.done), 1), l.n))
	for i := 0; i < l.count; i++ {
		ring[i] = l.done[(l.head+i)%len(l.done)]
	}
	l.done, l.head = ring, 0
}

// sleepOrWake waits for d (d < 0: no timer), for wake to close, or for ctx.
func sleepOrWake(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timeout:
	case <-wake:
	}
	return nil
}
