// slow_test.go: SlowEvery makes every Nth report request wait SlowLatency,
// so that a client's per-request timeout can be hit for some requests only.

package sersim

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestSlowEveryDelaysOnlyTheNthRequest(t *testing.T) {
	s, c := newSim(t, Options{SlowEvery: 2, SlowLatency: time.Hour})
	tok := c.token("k")
	w := window("2026-03-01T10:00:00.000Z", time.Hour)
	// With a short deadline the 2nd and 4th requests time out; the others
	// are answered at once.
	for i, wantSlow := range []bool{false, true, false, true, false} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+ReportPath+"?"+query(w), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := c.hc.Do(req)
		cancel()
		if wantSlow {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("request %d: err %v, want the deadline to pass", i+1, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, resp.StatusCode)
		}
	}
	// The abandoned requests are logged as FaultSlow without an answer.
	deadline := time.Now().Add(10 * time.Second)
	for s.Stats().Faults < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	slow := 0
	for _, r := range s.Stats().Requests {
		if r.Fault == FaultSlow {
			slow++
			if r.Status != 0 {
				t.Errorf("abandoned slow request logged with status %d", r.Status)
			}
		}
	}
	if slow != 2 {
		t.Errorf("%d requests logged as slow, want 2", slow)
	}
}

func TestSlowRequestIsAnsweredWhenTheClientWaits(t *testing.T) {
	s, c := newSim(t, Options{SlowEvery: 1, SlowLatency: 50 * time.Millisecond})
	tok := c.token("k")
	status, body := c.report(tok, window("2026-03-01T10:00:00.000Z", time.Hour))
	if status != http.StatusOK || outcome(status, http.Header{}, body, nil) != "json" {
		t.Fatalf("slow request: status %d, body %.100s", status, body)
	}
	if st := s.Stats(); st.Faults != 0 {
		t.Errorf("a slow request that was answered counted as a fault: %+v", st)
	}
}
