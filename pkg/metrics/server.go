// The HTTP side: /metrics, /healthz and /readyz on one small server.

package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

const shutdownTimeout = 5 * time.Second

// Handler serves /metrics, /healthz and /readyz.
func (m *Metrics) Handler() http.Handler { return m.handler(zap.NewNop()) }

func (m *Metrics) handler(log *zap.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            zap.NewStdLog(log),
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if p := m.Problems(); len(p) > 0 {
			writeText(w, http.StatusServiceUnavailable, strings.Join(p, "\n")+"\n")
			return
		}
		writeText(w, http.StatusOK, "ready\n")
	})
	return mux
}

func writeText(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body))
}

// Server is a running metrics endpoint.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
	err  error // from Serve, other than ErrServerClosed; read after done
	once sync.Once
}

// Start binds listen (host:port) and serves in the background. A bind
// failure is returned at once; an address in use is named as such.
func (m *Metrics) Start(listen string, log *zap.Logger) (*Server, error) {
	if log == nil {
		log = zap.NewNop()
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("metrics.listen: the address is already in use: %w", err)
		}
		return nil, fmt.Errorf("metrics.listen: %w", err) // "listen tcp ADDR: …" names the address
	}
	s := &Server{ln: ln, done: make(chan struct{}), srv: &http.Server{
		Handler:           m.handler(log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          zap.NewStdLog(log),
	}}
	log.Info("metrics endpoint listening", zap.String("addr", ln.Addr().String()))
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.err = fmt.Errorf("serving metrics on %s: %w", ln.Addr(), err)
		}
	}()
	return s, nil
}

// Addr is the bound address (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close shuts the server down gracefully within ctx and waits for it. It is
// idempotent and returns the serving error, if any.
func (s *Server) Close(ctx context.Context) error {
	var err error
	s.once.Do(func() {
		if err = s.srv.Shutdown(ctx); err != nil {
			err = fmt.Errorf("stopping metrics server: %w", err)
			_ = s.srv.Close()
		}
	})
	<-s.done
	return errors.Join(s.err, err)
}

// Serve runs the endpoint on listen until ctx ends, then shuts it down.
// It returns nil after a clean stop.
func (m *Metrics) Serve(ctx context.Context, listen string, log *zap.Logger) error {
	s, err := m.Start(listen, log)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-s.done:
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	return s.Close(stop)
}
