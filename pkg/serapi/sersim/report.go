// The report endpoint: authentication, rate limit, strict timestamps,
// injected faults, and the streamed answer.

package sersim

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// handleReport answers GET /v1/sercustomer/report/summary.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request, req *Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		s.replyJSON(w, req, http.StatusMethodNotAllowed, errorBody("method_not_allowed", "use GET"))
		return
	}
	client, ok := s.authenticate(r, req.At)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		s.replyJSON(w, req, http.StatusUnauthorized,
			errorBody("invalid_token", "the access token is missing, unknown or expired"))
		return
	}
	req.Client = client
	if !s.admit(w, req) {
		return
	}
	win, err := s.parseWindow(r.URL.Query(), req.At)
	if err != nil {
		s.replyJSON(w, req, http.StatusBadRequest, errorBody("invalid_request", err.Error()))
		return
	}
	req.Window = win
	if s.injectFault(w, r, req) {
		return
	}
	p := s.opts.newPlan(win, req.At)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	req.Status = http.StatusOK
	var pause func()
	if s.opts.StreamPause > 0 {
		flusher, _ := w.(http.Flusher)
		pause = func() {
			if flusher != nil {
				flusher.Flush()
			}
			wait(r.Context(), s.opts.StreamPause)
		}
	}
	_ = writeReport(w, &p, s.entitlement(), pause) // an error means the client went away
	s.finish(req)
}

// admit applies the rate limit, answering 429 when it is exceeded.
func (s *Server) admit(w http.ResponseWriter, req *Request) bool {
	s.mu.Lock()
	ok, wait := s.limiter.allow(req.Client, req.At)
	s.mu.Unlock()
	if ok {
		return true
	}
	if s.opts.RetryAfter {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	}
	s.replyJSON(w, req, http.StatusTooManyRequests, errorBody("rate_limit_exceeded",
		fmt.Sprintf("more than %d requests in %s", s.opts.RateLimit, s.opts.RatePeriod)))
	return false
}

// tsPattern is the only timestamp form the API accepts.
var tsPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)

// parseWindow reads startTimeStamp and endTimeStamp; an omitted start is the
// licence start and an omitted end is now.
func (s *Server) parseWindow(q url.Values, at time.Time) (serapi.Window, error) {
	w := serapi.Window{Start: s.opts.LicenseStart.UTC(), End: at.UTC().Truncate(time.Millisecond)}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"startTimeStamp", &w.Start}, {"endTimeStamp", &w.End}} {
		vals, ok := q[p.name]
		if !ok {
			continue
		}
		if len(vals) != 1 {
			return w, fmt.Errorf("%s given %d times", p.name, len(vals))
		}
		t, err := parseTimestamp(vals[0])
		if err != nil {
			return w, fmt.Errorf("%s %q: %w", p.name, vals[0], err)
		}
		*p.dst = t
	}
	if !w.Start.Before(w.End) {
		return w, errors.New("startTimeStamp must be before endTimeStamp")
	}
	return w, nil
}

// parseTimestamp accepts exactly YYYY-MM-DDTHH:mm:ss.SSSZ.
func parseTimestamp(v string) (time.Time, error) {
	if !tsPattern.MatchString(v) {
		return time.Time{}, errors.New("not in the format YYYY-MM-DDTHH:mm:ss.SSSZ")
	}
	t, err := time.Parse(serapi.TimeLayout, v)
	if err != nil {
		return time.Time{}, errors.New("not a valid date and time")
	}
	return t.UTC(), nil
}

// entitlement is the answer's entitlement block.
func (s *Server) entitlement() serapi.Entitlement {
	return serapi.Entitlement{
		AnnualThroughput: s.opts.AnnualThroughput,
		LicenseStart:     s.opts.LicenseStart.UTC().Format(serapi.TimeLayout),
		LicenseEnd:       s.opts.LicenseEnd.UTC().Format(serapi.TimeLayout),
	}
}

// badGateway is the non-JSON page answered with status 200, as a proxy in
// front of the API might.
const badGateway = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>Bad Gateway</h1><p>The upstream reporting service did not answer in time.</p>
<hr><address>edge-proxy</address></body></html>
`

// injectFault counts a report request that would be served and answers it
// with a fault when one is due; true if it did.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, req *Request) bool {
	s.mu.Lock()
	s.reportSeq++
	n := s.reportSeq
	s.mu.Unlock()
	o := &s.opts
	if o.SlowEvery > 0 && n%o.SlowEvery == 0 && !wait(r.Context(), o.SlowLatency) {
		req.Fault = FaultSlow
		s.finish(req)
		return true
	}
	switch {
	case o.ResetEvery > 0 && n%o.ResetEvery == 0:
		req.Fault = FaultReset
		s.reset(w, req)
	case o.FailEvery > 0 && n%o.FailEvery == 0:
		req.Fault = FaultServerError
		status, code := http.StatusInternalServerError, "internal_error"
		if (n/o.FailEvery)%2 == 0 {
			status, code = http.StatusServiceUnavailable, "service_unavailable"
		}
		s.replyJSON(w, req, status, errorBody(code, "simulated server error"))
	case o.BadJSONEvery > 0 && n%o.BadJSONEvery == 0:
		req.Fault = FaultBadJSON
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(badGateway))
		req.Status = http.StatusOK
		s.finish(req)
	default:
		return false
	}
	return true
}

// reset closes the connection without answering.
func (s *Server) reset(w http.ResponseWriter, req *Request) {
	s.finish(req)
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // e.g. HTTP/2: abort the stream instead
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // send RST, as a dropped connection would
	}
	_ = conn.Close()
}
