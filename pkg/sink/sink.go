package sink

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
)

// Sink is one destination.
type Sink interface {
	// Write delivers a batch and blocks until the destination confirmed all of
	// it, or returns an error (classified with Permanent or RetryAfter when the
	// sink knows better than "retry with backoff"). Write is never called
	// concurrently on one sink. A nil return means every event was delivered
	// or, for events the destination refused for good, recorded elsewhere
	// (e.g. a dead-letter file) and counted.
	Write(ctx context.Context, events []event.Event) error
	// Close releases connections and files; it is idempotent.
	Close(ctx context.Context) error
}

// Checker is implemented by sinks that can test their destination for
// `serfwd check` without sending events.
type Checker interface {
	Check(ctx context.Context) error
}

// Reopener is implemented by sinks that hold files to reopen on SIGHUP.
type Reopener interface {
	Reopen() error
}

// Settings are what every sink constructor gets besides its own config.
type Settings struct {
	Name     string      // the sink's configured name
	Logger   *zap.Logger // already scoped with the sink's name
	StateDir string      // directory of the state file: dead-letter files go here
	Version  string      // serfwd's version, for payloads that carry it
	Hostname string      // the machine's hostname, for defaults
	Metrics  Metrics     // never nil; a no-op when metrics are off
}

// Metrics are the counters a sink reports besides what the delivery loop
// counts itself.
type Metrics interface {
	DeadLetter(sink string, n int)        // events written to the dead-letter file
	Truncated(sink string, n int)         // messages shortened to fit a size limit
	ConfigProblem(sink string, err error) // a refusal that needs an operator (401/403, bad index)
}

// NopMetrics discards everything.
type NopMetrics struct{}

func (NopMetrics) DeadLetter(string, int)      {}
func (NopMetrics) Truncated(string, int)       {}
func (NopMetrics) ConfigProblem(string, error) {}

// Factory builds one type of sink.
type Factory struct {
	Type string
	New  func(Settings, config.Sink) (Sink, error)
}

// Registry maps sink types to factories; it is built from an explicit list.
type Registry map[string]Factory

// NewRegistry builds a registry and rejects duplicate types.
func NewRegistry(factories ...Factory) (Registry, error) {
	r := make(Registry, len(factories))
	for _, f := range factories {
		if _, dup := r[f.Type]; dup {
			return nil, fmt.Errorf("sink type %q registered twice", f.Type)
		}
		r[f.Type] = f
	}
	return r, nil
}

// New builds the sink for one config entry.
func (r Registry) New(s Settings, c config.Sink) (Sink, error) {
	f, ok := r[c.Type]
	if !ok {
		return nil, fmt.Errorf("sink %q: unknown type %q", c.Name, c.Type)
	}
	return f.New(s, c)
}

// permanentError marks an error that retrying the same batch cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying with the same batch. The delivery
// loop still never drops events: it keeps them queued and retries slowly,
// reporting the problem loudly, because only an operator can fix it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// retryAfterError carries the destination's requested wait.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks err as retryable after at least d (e.g. from Retry-After).
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err, d}
}

// RetryAfterDelay returns the wait requested by a RetryAfter error.
func RetryAfterDelay(err error) (time.Duration, bool) {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}
