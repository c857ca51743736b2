// Tests of the rate limiter: no period-long interval meets more than N
// requests, counted from each request's start to its answer; waits end on
// cancel; callers run concurrently when the limit allows; waiters start a
// period after a release; a limit of zero limits nothing; and the wait hooks.
// With a benchmark of Acquire.

package serapi

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"
)

// span is one request: from its start until its answer arrived.
type span struct{ start, end time.Time }

// spanLog collects spans from many goroutines.
type spanLog struct {
	mu    sync.Mutex
	spans []span
}

func (l *spanLog) add(s span) {
	l.mu.Lock()
	l.spans = append(l.spans, s)
	l.mu.Unlock()
}

// checkSliding fails if any period-long interval [a, a+period) meets more
// than n spans. The count is largest for some a equal to a span's end, so
// checking those is checking every interval.
func checkSliding(t *testing.T, spans []span, n int, period time.Duration) {
	t.Helper()
	sort.Slice(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
	worst := 0
	for _, a := range spans {
		c := 0
		for _, s := range spans {
			if s.start.Before(a.end.Add(period)) && !s.end.Before(a.end) {
				c++
			}
		}
		worst = max(worst, c)
		if c > n {
			t.Fatalf("%d requests within the %v after %v, limit %d", c, period, a.end, n)
		}
	}
	t.Logf("%d spans, at most %d in any %v (limit %d)", len(spans), worst, period, n)
}

func TestLimiterSlidingWindow(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		period  time.Duration
		workers int
		total   int
	}{
		{"one", 1, 20 * time.Millisecond, 3, 8},
		{"few workers", 4, 60 * time.Millisecond, 2, 20},
		{"many workers", 5, 80 * time.Millisecond, 16, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLimiter(tt.n, tt.period)
			var log spanLog
			work := make(chan int, tt.total)
			for i := 0; i < tt.total; i++ {
				work <- i
			}
			close(work)
			var wg sync.WaitGroup
			for w := 0; w < tt.workers; w++ {
				wg.Go(func() {
					for range work {
						release, err := l.Acquire(context.Background())
						if err != nil {
							t.Error(err)
							return
						}
						start := time.Now()
						time.Sleep(time.Duration(rand.IntN(10)) * time.Millisecond)
						end := time.Now()
						release()
						release() // extra calls are ignored
						log.add(span{start, end})
					}
				})
			}
			wg.Wait()
			if len(log.spans) != tt.total {
				t.Fatalf("%d spans, want %d", len(log.spans), tt.total)
			}
			checkSliding(t, log.spans, tt.n, tt.period)
		})
	}
}

func TestLimiterCancel(t *testing.T) {
	l := NewLimiter(2, time.Hour)
	for i := 0; i < 2; i++ {
		release, err := l.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			release() // a completed request still holds its slot for the period
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire on a full limiter = %v, want deadline exceeded", err)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if _, err := NewLimiter(5, time.Second).Acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire with a cancelled context = %v", err)
	}
}

// TestLimiterKeepsConcurrency shows that callers are not serialised: all
// of them hold a slot at the same time when the limit allows it.
func TestLimiterKeepsConcurrency(t *testing.T) {
	const k = 8
	l := NewLimiter(100, time.Minute)
	all := make(chan struct{})
	var mu sync.Mutex
	held := 0
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		wg.Go(func() {
			release, err := l.Acquire(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			defer release()
			mu.Lock()
			if held++; held == k {
				close(all)
			}
			mu.Unlock()
			select {
			case <-all:
			case <-time.After(5 * time.Second):
				t.Error("not every caller got a slot at once")
			}
		})
	}
	wg.Wait()
}

// TestLimiterWaitsForCompletion checks the release-based accounting: with
// every slot in flight, a waiter starts only after a release plus period.
func TestLimiterWaitsForCompletion(t *testing.T) {
	const period = 50 * time.Millisecond
	l := NewLimiter(1, period)
	release, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var released time.Time
	go func() {
		time.Sleep(30 * time.Millisecond)
		released = time.Now()
		release()
	}()
	r2, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r2()
	if got := time.Since(released); got < period {
		t.Fatalf("second request started %v after the first answer, want at least %v", got, period)
	}
}

func TestLimiterUnlimited(t *testing.T) {
	l := NewLimiter(0, time.Minute)
	for i := 0; i < 1000; i++ {
		if _, err := l.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func BenchmarkLimiterAcquire(b *testing.B) {
	l := NewLimiter(1<<20, time.Microsecond)
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			release, _ := l.Acquire(ctx)
			release()
		}
	})
}

func TestLimiterOnWait(t *testing.T) {
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(1, time.Minute)
	l.now = func() time.Time { return now }
	var waits []time.Duration
	l.OnWait(func(d time.Duration) { waits = append(waits, d) })

	release, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(waits) != 0 {
		t.Fatalf("a free slot reported waits %v", waits)
	}
	// The slot is in flight: the next request waits for its answer (-1).
	// Each wait is reported as it begins; the hook ends it by canceling.
	waitOnce := func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		l.OnWait(func(d time.Duration) { waits = append(waits, d); cancel() })
		if _, err := l.Acquire(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Acquire = %v, want the canceled context's error", err)
		}
	}
	waitOnce()
	release()
	// Answered 10 s ago: the slot frees 50 s from now.
	now = now.Add(10 * time.Second)
	waitOnce()
	if len(waits) != 2 || waits[0] != -1 || waits[1] != 50*time.Second {
		t.Fatalf("waits %v, want [-1 50s]", waits)
	}
	l.OnWait(nil)
	now = now.Add(50 * time.Second)
	if _, err := l.Acquire(context.Background()); err != nil || len(waits) != 2 {
		t.Fatalf("after the period: %v, waits %v", err, waits)
	}
}

func TestLimiterWaitHookOfOneContext(t *testing.T) {
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(1, time.Minute)
	l.now = func() time.Time { return now }
	var mine, global []time.Duration
	l.OnWait(func(d time.Duration) { global = append(global, d) })
	release, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release()
	now = now.Add(15 * time.Second)
	// A request without the hook waits: only OnWait hears of it.
	ctx, cancel := context.WithCancel(context.Background())
	l.OnWait(func(d time.Duration) { global = append(global, d); cancel() })
	if _, err := l.Acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire = %v", err)
	}
	// A request with the hook: both hear of its wait.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	hooked := WithWaitHook(ctx, func(d time.Duration) { mine = append(mine, d); cancel() })
	l.OnWait(func(d time.Duration) { global = append(global, d) })
	if _, err := l.Acquire(hooked); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire = %v", err)
	}
	if len(mine) != 1 || mine[0] != 45*time.Second || len(global) != 2 {
		t.Fatalf("hook heard %v, OnWait %v; want [45s] and two waits", mine, global)
	}
}
