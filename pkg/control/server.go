// The daemon's side: an HTTP server on the control socket answering the
// paths of protocol version 1 from a Daemon.

package control

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// Daemon is what a running daemon answers on its socket.
type Daemon interface {
	Status() (Status, error)
	Checkpoint() (CheckpointView, error)
	// Backfill starts a job and calls follow with each of its events, from
	// "accepted" to "done", until the job ended or ctx did (the job then
	// goes on without a follower). A *RequestError before "accepted"
	// refuses the request.
	Backfill(ctx context.Context, req BackfillRequest, follow func(JobEvent) error) error
}

// RequestError is a request the daemon refuses as it is (an unknown input,
// a bad range): the client's to fix, answered with 400.
type RequestError struct{ Msg string }

func (e *RequestError) Error() string { return e.Msg }

// maxRequestBody bounds what a request may send.
const maxRequestBody = 64 << 10

// Server is a running control socket.
type Server struct {
	ln   *listener
	srv  *http.Server
	done chan struct{}
}

// Serve creates the socket at path (see listen) and answers d on it in the
// background until Close.
func Serve(path string, d Daemon, log *zap.Logger) (*Server, error) {
	if log == nil {
		log = zap.NewNop()
	}
	ln, err := listen(path)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, _ *http.Request) { answer(w, d.Status) })
	mux.HandleFunc("GET /v1/checkpoint", func(w http.ResponseWriter, _ *http.Request) { answer(w, d.Checkpoint) })
	mux.HandleFunc("POST /v1/backfill", func(w http.ResponseWriter, r *http.Request) { serveBackfill(w, r, d) })
	s := &Server{ln: ln, done: make(chan struct{}), srv: &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          zap.NewStdLog(log),
	}}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("control socket stopped", zap.String("socket", path), zap.Error(err))
		}
	}()
	return s, nil
}

// Path is the socket's path.
func (s *Server) Path() string { return s.ln.path }

// Close stops answering (requests in progress get until ctx ends), and
// removes the socket file.
func (s *Server) Close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	<-s.done
	return errors.Join(err, s.ln.Close())
}

// answer writes what get returns as JSON, or its error.
func answer[T any](w http.ResponseWriter, get func() (T, error)) {
	v, err := get()
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// writeError answers err: 400 for a RequestError, else 500.
func writeError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	var re *RequestError
	if errors.As(err, &re) {
		code = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

// serveBackfill starts the job and streams its events, one JSON line each,
// flushed as they come.
func serveBackfill(w http.ResponseWriter, r *http.Request, d Daemon) {
	var req BackfillRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, &RequestError{Msg: "reading the backfill request: " + err.Error()})
		return
	}
	flusher, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	started := false
	err := d.Backfill(r.Context(), req, func(ev JobEvent) error {
		if !started {
			started = true
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.WriteHeader(http.StatusOK)
		}
		if err := enc.Encode(ev); err != nil {
			return err
		}
		if flusher != nil {
			flusher.Flush()
		}
		return nil
	})
	if err != nil && !started {
		writeError(w, err)
	}
}
