// Tests of fault injection: 5xx answers, non-JSON bodies and reset
// connections on exactly the Nth requests, and the most requests in flight at
// once that Stats reports.

package sersim

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFaultsFireOnNthRequest(t *testing.T) {
	const ok, html, reset = "json", "html", "reset"
	tests := []struct {
		name string
		opts Options
		want []string // per request: status or ok/html/reset
	}{
		{"none", Options{}, []string{ok, ok, ok, ok, ok, ok}},
		{"fail every 3", Options{FailEvery: 3}, []string{ok, ok, "500", ok, ok, "503", ok}},
		{"fail every 1", Options{FailEvery: 1}, []string{"500", "503", "500"}},
		{"bad json every 2", Options{BadJSONEvery: 2}, []string{ok, html, ok, html}},
		{"reset every 4", Options{ResetEvery: 4}, []string{ok, ok, ok, reset, ok, ok, ok, reset}},
		{"reset wins over fail", Options{ResetEvery: 2, FailEvery: 2}, []string{ok, reset, ok, reset}},
		{"fail wins over bad json", Options{FailEvery: 2, BadJSONEvery: 2}, []string{ok, "500", ok, "503"}},
	}
	w := window("2026-03-01T10:00:00.000Z", time.Hour)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newSim(t, tt.opts)
			tok := c.token("k")
			faults := 0
			for i, want := range tt.want {
				status, hdr, body, err := c.get(tok, query(w))
				got := outcome(status, hdr, body, err)
				if got != want {
					t.Fatalf("request %d: %s, want %s (err %v, body %.100s)", i+1, got, want, err, body)
				}
				if want != ok {
					faults++
				}
			}
			st := s.Stats()
			if st.Faults != faults || st.ReportRequests != len(tt.want) {
				t.Errorf("Faults %d ReportRequests %d, want %d and %d", st.Faults, st.ReportRequests, faults, len(tt.want))
			}
			for i, r := range st.Requests[1:] { // [0] is the token request
				if (tt.want[i] == reset) != (r.Fault == FaultReset && r.Status == 0) {
					t.Errorf("log entry %d: %+v for %s", i, r, tt.want[i])
				}
				if !r.Window.Start.Equal(w.Start) || !r.Window.End.Equal(w.End) || r.Client != "k" {
					t.Errorf("log entry %d: %+v", i, r)
				}
			}
		})
	}
}

// outcome classifies an answer for TestFaultsFireOnNthRequest.
func outcome(status int, hdr http.Header, body []byte, err error) string {
	switch {
	case err != nil:
		return "reset"
	case status != 200:
		return strconv.Itoa(status)
	case strings.HasPrefix(hdr.Get("Content-Type"), "text/html") && !json.Valid(body):
		return "html"
	case json.Valid(body):
		return "json"
	}
	return "other"
}

func TestMaxInFlight(t *testing.T) {
	// A long latency holds every request inside the server until its client
	// gives up, so once all have arrived they are all in flight at once.
	const n = 4
	s, c := newSim(t, Options{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+ReportPath, nil)
			if resp, err := c.hc.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.Stats().ReportRequests < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if got := s.Stats().MaxInFlight; got != n {
		t.Errorf("MaxInFlight %d, want %d", got, n)
	}
	// The abandoned requests are logged without an answer once the server
	// has seen their clients go.
	for deadline := time.Now().Add(10 * time.Second); len(s.Stats().Requests) < n && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	for _, r := range s.Stats().Requests {
		if r.Status != 0 {
			t.Errorf("abandoned request logged with status %d", r.Status)
		}
	}
}
