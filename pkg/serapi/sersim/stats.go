// Counters and the request log that tests read through Stats.

package sersim

import (
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// Fault kinds recorded in the request log.
const (
	FaultServerError = "5xx"
	FaultBadJSON     = "bad-json"
	FaultReset       = "reset"
	FaultSlow        = "slow" // a SlowEvery request the client gave up on
)

// Request is one entry of the request log.
type Request struct {
	At     time.Time     // arrival, by Options.Now
	Method string        // HTTP method
	Path   string        // URL path
	Client string        // client_id, when known
	Window serapi.Window // the report window; zero for tokens and bad requests
	Status int           // HTTP status answered; 0 = connection reset, no answer
	Fault  string        // "" or one of FaultServerError, FaultBadJSON, FaultReset, FaultSlow
}

// Stats is a snapshot of what the simulator has seen.
type Stats struct {
	TokenRequests  int // requests to /v1/token
	ReportRequests int // requests to the report endpoint
	RateLimited    int // 429 answers
	Unauthorized   int // 401 answers (token and report endpoints)
	BadRequests    int // 400 answers
	Faults         int // injected 5xx, non-JSON bodies and resets
	MaxInFlight    int // most report requests in progress at once
	Requests       []Request
	LogDropped     int // oldest log entries dropped to respect Options.MaxLog
}

// Stats returns a copy of the counters and the request log.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Requests = append([]Request(nil), s.stats.Requests...)
	return st
}

// logRequest counts a finished request and appends it to the log.
// s.mu must be held.
func (s *Server) logRequest(req Request) {
	switch req.Status {
	case 400:
		s.stats.BadRequests++
	case 401:
		s.stats.Unauthorized++
	case 429:
		s.stats.RateLimited++
	}
	if req.Fault != "" {
		s.stats.Faults++
	}
	if limit := s.opts.MaxLog; limit > 0 && len(s.stats.Requests) >= limit {
		drop := max(1, limit/10)
		n := copy(s.stats.Requests, s.stats.Requests[drop:])
		s.stats.Requests = s.stats.Requests[:n]
		s.stats.LogDropped += drop
	}
	s.stats.Requests = append(s.stats.Requests, req)
}
