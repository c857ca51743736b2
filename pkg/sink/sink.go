// The Sink interface every destination implements, its optional abilities,
// and the Settings every sink constructor gets besides its own config.

package sink

import (
	"context"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
)

// Sink is one destination.
type Sink interface {
	// Write delivers a batch and blocks until the destination confirmed all of
	// it, or returns an error (classified with Permanent or RetryAfter when the
	// sink knows better than "retry with backoff"). Write is never called
	// concurrently on one sink. A nil return means every event was delivered
	// or, for events the destination refused for good, written to the
	// dead-letter file and counted. A sink does not retry on its own: the
	// delivery loop owns retrying.
	Write(ctx context.Context, events []event.Event) error
	// Close releases connections and files; it is idempotent.
	Close(ctx context.Context) error
}

// PackedWriter is implemented by sinks that render straight from the packed
// batches the queue holds, without building events; the delivery loop
// calls WritePacked instead of Write for them. WritePacked has Write's
// contract. The batches, and everything they hand out, are valid only
// during the call.
type PackedWriter interface {
	WritePacked(ctx context.Context, batches []*event.Packed) error
}

// Checker is implemented by sinks that can test their destination for
// `serfwd check` without sending events.
type Checker interface {
	Check(ctx context.Context) error
}

// QueuedWriter is implemented by sinks whose destination records when each
// event was queued (OTLP's observedTimeUnixNano). The delivery loop then
// calls WriteQueued in place of Write, with queued[i] the time the batch
// holding events[i] was packed for the queue (millisecond precision, as the
// queue keeps it); the contract is Write's.
type QueuedWriter interface {
	WriteQueued(ctx context.Context, events []event.Event, queued []time.Time) error
}

// Reopener is implemented by sinks that hold files to reopen on SIGHUP.
type Reopener interface {
	Reopen() error
}

// Settings are what every sink constructor gets besides its own config.
type Settings struct {
	Name       string       // the sink's configured name
	Logger     *zap.Logger  // already scoped with the sink's name
	StateDir   string       // directory of the state file
	Version    string       // serfwd's version, for payloads that carry it
	Hostname   string       // the machine's hostname, for defaults
	Metrics    Metrics      // never nil after WithDefaults; a no-op when metrics are off
	DeadLetter *DeadLetters // the sink's dead-letter file, shared with its delivery loop; it counts and logs what it writes
}

// WithDefaults fills what a caller left out: a no-op logger and metrics,
// and the dead-letter file deadletter-<name>.ndjson in StateDir.
func (s Settings) WithDefaults() Settings {
	if s.Logger == nil {
		s.Logger = zap.NewNop()
	}
	if s.Metrics == nil {
		s.Metrics = NopMetrics{}
	}
	if s.DeadLetter == nil {
		s.DeadLetter = NewDeadLetters(s.StateDir, s.Name, s.Logger, s.Metrics)
	}
	return s
}

// Metrics are the counters a sink reports besides what the delivery loop
// counts itself.
type Metrics interface {
	DeadLetter(sink string, n int)        // events written to the dead-letter file (counted by DeadLetters)
	Truncated(sink string, n int)         // messages shortened to fit a size limit
	ConfigProblem(sink string, err error) // a refusal that needs an operator (401/403, bad index)
}

// NopMetrics discards everything.
type NopMetrics struct{}

func (NopMetrics) DeadLetter(string, int)      {}
func (NopMetrics) Truncated(string, int)       {}
func (NopMetrics) ConfigProblem(string, error) {}

// DeadLetterCount is a sink's Metrics that also counts the events the sink
// dead-lettered, so that its delivery loop can tell them apart from the
// events the destination took. Build one per sink (CountDeadLetters), and
// hand it to the sink as Settings.Metrics and to its Loop as DeadLettered.
// A nil *DeadLetterCount counts nothing and reports nowhere.
type DeadLetterCount struct {
	Metrics
	n atomic.Int64
}

// CountDeadLetters wraps m (nil: NopMetrics).
func CountDeadLetters(m Metrics) *DeadLetterCount {
	if m == nil {
		m = NopMetrics{}
	}
	return &DeadLetterCount{Metrics: m}
}

// DeadLetter counts n events and passes the call on.
func (c *DeadLetterCount) DeadLetter(sink string, n int) {
	if c == nil || n <= 0 {
		return
	}
	c.n.Add(int64(n))
	c.Metrics.DeadLetter(sink, n)
}

// ConfigProblem passes the problem on with its text bounded (Bounded): a
// destination's refusal can quote any length of text.
func (c *DeadLetterCount) ConfigProblem(sink string, err error) {
	if c == nil {
		return
	}
	c.Metrics.ConfigProblem(sink, Bounded(err))
}

// Total is how many events were dead-lettered since the count was made.
func (c *DeadLetterCount) Total() int64 {
	if c == nil {
		return 0
	}
	return c.n.Load()
}
