// The Server: routing, latency, answers, and its life cycle on a listener.

package sersim

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// Endpoint paths, relative to the base URL (SPEC §1).
const (
	TokenPath  = "/v1/token"
	ReportPath = "/v1/sercustomer/report/summary"
)

// Server is the simulated SER API. It is an http.Handler; use it with
// httptest.NewServer, or let Start serve it on a listener.
type Server struct {
	// URL is the base URL once Start has run ("http://127.0.0.1:PORT"): the
	// api_url, and with TokenPath the token_url.
	URL string

	opts    Options
	limiter *limiter

	mu        sync.Mutex
	tokens    map[string]issued
	reportSeq int // report requests that reached the fault stage
	inFlight  int
	stats     Stats

	srv       *http.Server
	served    chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New returns a simulator with opts (zero fields take their defaults).
func New(opts Options) *Server {
	o := opts.withDefaults()
	return &Server{
		opts:    o,
		limiter: newLimiter(o.RateLimit, o.RatePeriod),
		tokens:  make(map[string]issued),
	}
}

// Start serves a new simulator on opts.Addr (default 127.0.0.1:0) until
// Close; Server.URL tells where.
func Start(opts Options) (*Server, error) {
	s := New(opts)
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", s.opts.Addr, err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          zap.NewStdLog(s.opts.Logger),
	}
	s.served = make(chan struct{})
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return s, nil
}

// TokenURL is the token endpoint's URL once Start has run.
func (s *Server) TokenURL() string { return s.URL + TokenPath }

// Close stops a server started with Start, letting requests in progress
// finish for up to five seconds. It is idempotent, and a no-op for a Server
// that was not started.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.srv == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.closeErr = fmt.Errorf("closing simulator: %w", s.srv.Close())
		}
		<-s.served
	})
	return s.closeErr
}

// ServeHTTP routes a request after the configured latency.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := &Request{At: s.opts.Now().UTC(), Method: r.Method, Path: r.URL.Path}
	isReport := r.URL.Path == ReportPath
	s.enter(r.URL.Path)
	defer s.leave(isReport)
	if !s.delay(r.Context()) {
		s.finish(req) // the client gave up during the latency
		return
	}
	switch r.URL.Path {
	case TokenPath:
		s.handleToken(w, r, req)
	case ReportPath:
		s.handleReport(w, r, req)
	default:
		s.replyJSON(w, req, http.StatusNotFound, errorBody("not_found", "no such endpoint"))
	}
}

// enter counts a request in; report requests also count toward MaxInFlight.
func (s *Server) enter(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch path {
	case TokenPath:
		s.stats.TokenRequests++
		return
	case ReportPath:
	default:
		return
	}
	s.stats.ReportRequests++
	s.inFlight++
	s.stats.MaxInFlight = max(s.stats.MaxInFlight, s.inFlight)
}

func (s *Server) leave(isReport bool) {
	if isReport {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}
}

// delay waits Options.Latency; false if ctx ended first.
func (s *Server) delay(ctx context.Context) bool { return wait(ctx, s.opts.Latency) }

// wait waits d; false if ctx ended first.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// replyJSON answers status with body as JSON and logs the request.
func (s *Server) replyJSON(w http.ResponseWriter, req *Request, status int, body any) {
	b, _ := json.Marshal(body) // maps of strings and numbers always marshal
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	req.Status = status
	s.finish(req)
}

// finish logs a request that has been answered (or abandoned).
func (s *Server) finish(req *Request) {
	s.mu.Lock()
	s.logRequest(*req)
	s.mu.Unlock()
	if ce := s.opts.Logger.Check(zap.DebugLevel, "simulator request"); ce != nil {
		fields := []zap.Field{zap.String("method", req.Method), zap.String("path", req.Path),
			zap.Int("status", req.Status), zap.String("client", req.Client)}
		if req.Window != (serapi.Window{}) {
			fields = append(fields, zap.Stringer("window", req.Window))
		}
		if req.Fault != "" {
			fields = append(fields, zap.String("fault", req.Fault))
		}
		ce.Write(fields...)
	}
}

// errorBody is the JSON error shape of every non-2xx answer.
func errorBody(code, message string) map[string]string {
	return map[string]string{"error": code, "message": message}
}
