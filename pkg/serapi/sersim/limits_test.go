// Tests of the simulated rate limit: 429 (with or without Retry-After) past
// the burst per account, a sliding period on a fake clock, and the limit
// turned off.

package sersim

import (
	"net/http"
	"testing"
	"time"
)

func TestRateLimitBurst(t *testing.T) {
	clock := newClock("2026-03-01T12:00:00.000Z")
	for _, retryAfter := range []bool{false, true} {
		s, c := newSim(t, Options{Now: clock.Now, RateLimit: 5, RatePeriod: time.Minute, RetryAfter: retryAfter})
		tok, other := c.token("acct-a"), c.token("acct-b")
		w := window("2026-03-01T10:00:00.000Z", time.Hour)
		var statuses []int
		for range 8 {
			status, hdr, body, err := c.get(tok, query(w))
			if err != nil {
				t.Fatal(err)
			}
			statuses = append(statuses, status)
			if status == http.StatusTooManyRequests {
				if ra := hdr.Get("Retry-After"); (ra != "") != retryAfter || (retryAfter && ra != "60") {
					t.Errorf("Retry-After %q with RetryAfter=%v", ra, retryAfter)
				}
				if hdr.Get("Content-Type") != "application/json" || len(body) == 0 {
					t.Errorf("429 body %q is not JSON", body)
				}
			}
		}
		want := []int{200, 200, 200, 200, 200, 429, 429, 429}
		for i := range want {
			if statuses[i] != want[i] {
				t.Fatalf("statuses %v, want %v", statuses, want)
			}
		}
		if status, _ := c.report(other, w); status != 200 {
			t.Errorf("another client was limited: %d", status)
		}
		if got := s.Stats().RateLimited; got != 3 {
			t.Errorf("RateLimited %d, want 3", got)
		}
		clock.Advance(time.Minute)
	}
}

func TestRateLimitSlidingWindow(t *testing.T) {
	clock := newClock("2026-03-01T12:00:00.000Z")
	start := clock.Now()
	_, c := newSim(t, Options{Now: clock.Now, RateLimit: 2, RatePeriod: time.Minute})
	tok := c.token("k")
	w := window("2026-03-01T10:00:00.000Z", time.Hour)
	steps := []struct {
		at   time.Duration
		want int
	}{
		{0, 200},
		{30 * time.Second, 200},
		{45 * time.Second, 429}, // 0s and 30s are within the minute
		{60 * time.Second, 200}, // 0s has left: (0s, 60s] holds only 30s
		{80 * time.Second, 429}, // 30s and 60s
		{90 * time.Second, 200}, // 30s has left
		{91 * time.Second, 429},
	}
	for _, st := range steps {
		clock.Set(start.Add(st.at))
		if status, body := c.report(tok, w); status != st.want {
			t.Errorf("at +%s: status %d, want %d: %s", st.at, status, st.want, body)
		}
	}
}

func TestRateLimitOff(t *testing.T) {
	s, c := newSim(t, Options{RateLimit: -1})
	tok := c.token("k")
	w := window("2026-03-01T10:00:00.000Z", time.Hour)
	for range 30 {
		if status, body := c.report(tok, w); status != 200 {
			t.Fatalf("status %d: %s", status, body)
		}
	}
	if got := s.Stats().RateLimited; got != 0 {
		t.Errorf("RateLimited %d", got)
	}
}
