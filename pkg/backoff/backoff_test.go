// Tests of the backoff policy's bounds and growth, and of Sleep.

package backoff

import (
	"context"
	"testing"
	"time"
)

func TestCeiling(t *testing.T) {
	p := Policy{Min: time.Second, Max: time.Minute}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60} // seconds, written out by hand
	for n, w := range want {
		if got := p.Ceiling(n); got != w*time.Second {
			t.Errorf("Ceiling(%d) = %s, want %s", n, got, w*time.Second)
		}
	}
	for _, n := range []int{62, 63, 64, 100, 1 << 30} {
		if got := p.Ceiling(n); got != time.Minute {
			t.Errorf("Ceiling(%d) = %s, want the cap", n, got)
		}
	}
	if got := p.Ceiling(-3); got != time.Second {
		t.Errorf("Ceiling(-3) = %s, want Min", got)
	}
	if got := (Policy{Max: time.Minute}).Ceiling(5); got != 0 {
		t.Errorf("Min 0: Ceiling = %s, want 0", got)
	}
	huge := Policy{Min: 1 << 61, Max: 1<<63 - 1}
	if got := huge.Ceiling(3); got != huge.Max {
		t.Errorf("overflowing shift: Ceiling = %d, want the cap", got)
	}
}

func TestDelayStaysWithinHalfAndCeiling(t *testing.T) {
	p := Policy{Min: 100 * time.Millisecond, Max: 5 * time.Second}
	for n := range 12 {
		ceil := p.Ceiling(n)
		lo, hi := ceil, time.Duration(0)
		for range 2000 {
			d := p.Delay(n)
			if d < ceil/2 || d > ceil {
				t.Fatalf("Delay(%d) = %s, outside [%s, %s]", n, d, ceil/2, ceil)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		// Jitter: 2000 draws over a range of ceil/2 do not all land in one
		// tenth of it (the chance is below 10^-1900).
		if hi-lo < ceil/20 {
			t.Errorf("Delay(%d) barely varies: %s … %s", n, lo, hi)
		}
	}
	if d := (Policy{}).Delay(3); d != 0 {
		t.Errorf("zero policy: Delay = %s", d)
	}
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("cancelled: Sleep = %v", err)
	}
	if err := Sleep(t.Context(), time.Nanosecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
	if err := Sleep(ctx, 0); err != context.Canceled {
		t.Errorf("cancelled, zero wait: Sleep = %v", err)
	}
}
