// What the agent observes of its inputs and sinks besides the metrics: each
// input's last success and last error, each sink's last delivery, last
// error and configuration problem, for `serfwd status`; and a signal each
// time a queue moved, for backfill jobs that wait for their delivery.

package agent

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/serfwd/serfwd/pkg/metrics"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/redact"
	"github.com/serfwd/serfwd/pkg/serapi"
)

// lastError is an error with when it happened; zero when there was none.
type lastError struct {
	Text string
	At   time.Time
}

// inputLive is what the agent saw of an input's fetches.
type inputLive struct {
	LastSuccess time.Time
	LastError   lastError
}

// sinkLive is what the agent saw of a sink's deliveries.
type sinkLive struct {
	LastDelivery  time.Time
	LastError     lastError
	ConfigProblem string // the last configuration problem, until a delivery succeeds
}

// observer passes every figure on to the metrics and keeps the live view;
// error texts are kept redacted, as the socket passes them on.
type observer struct {
	*metrics.Metrics
	now func() time.Time
	red *redact.Redactor

	mu      sync.Mutex
	inputs  map[string]*inputLive
	sinks   map[string]*sinkLive
	changed chan struct{} // closed and replaced when a sink's queue moved
}

func newObserver(m *metrics.Metrics, red *redact.Redactor) *observer {
	return &observer{Metrics: m, now: time.Now, red: red, inputs: map[string]*inputLive{}, sinks: map[string]*sinkLive{},
		changed: make(chan struct{})}
}

// input returns the record of name; call with mu held.
func (o *observer) input(name string) *inputLive {
	in := o.inputs[name]
	if in == nil {
		in = &inputLive{}
		o.inputs[name] = in
	}
	return in
}

// sink returns the record of name; call with mu held.
func (o *observer) sink(name string) *sinkLive {
	s := o.sinks[name]
	if s == nil {
		s = &sinkLive{}
		o.sinks[name] = s
	}
	return s
}

// fetched records the outcome of one fetch of input's report.
func (o *observer) fetched(input string, err error) {
	if err == nil {
		o.Metrics.FetchSucceeded(input)
	}
	now := o.now()
	o.mu.Lock()
	defer o.mu.Unlock()
	if err == nil {
		o.input(input).LastSuccess = now
		return
	}
	o.input(input).LastError = lastError{Text: o.red.String(err.Error()), At: now}
}

// clientObserver is the serapi.Observer of one input's client: the
// metrics, and each failed attempt for the live view, as it happens.
type clientObserver struct {
	serapi.Observer
	input string
	obs   *observer
}

// RequestFailed implements serapi.FailureObserver.
func (c clientObserver) RequestFailed(err error) { c.obs.fetched(c.input, err) }

// Sent implements sink.LoopObserver.
func (o *observer) Sent(sink string, events int) {
	o.Metrics.Sent(sink, events)
	now := o.now()
	o.mu.Lock()
	s := o.sink(sink)
	s.LastDelivery, s.ConfigProblem = now, ""
	o.mu.Unlock()
}

// Failed implements sink.LoopObserver.
func (o *observer) Failed(sink string, err error) {
	o.Metrics.Failed(sink, err)
	if err == nil {
		return
	}
	now := o.now()
	o.mu.Lock()
	o.sink(sink).LastError = lastError{Text: o.red.String(err.Error()), At: now}
	o.mu.Unlock()
}

// ConfigProblem implements sink.Metrics.
func (o *observer) ConfigProblem(sink string, err error) {
	o.Metrics.ConfigProblem(sink, err)
	if err == nil {
		return
	}
	o.mu.Lock()
	o.sink(sink).ConfigProblem = o.red.String(err.Error())
	o.mu.Unlock()
}

// QueueDepth implements sink.LoopObserver; it also wakes whoever waits for
// a queue to move.
func (o *observer) QueueDepth(sink string, events, bytes int64) {
	o.Metrics.QueueDepth(sink, events, bytes)
	o.mu.Lock()
	close(o.changed)
	o.changed = make(chan struct{})
	o.mu.Unlock()
}

// queueMoved returns a channel closed the next time a sink's queue moves.
func (o *observer) queueMoved() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.changed
}

// inputView and sinkView copy the live records of a name.
func (o *observer) inputView(name string) inputLive {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.input(name)
}

func (o *observer) sinkView(name string) sinkLive {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.sink(name)
}

// watchedFetcher tells the observer of every fetch of one input.
type watchedFetcher struct {
	poller.Fetcher
	input string
	obs   *observer
}

// Report implements poller.Fetcher.
func (f watchedFetcher) Report(ctx context.Context, w serapi.Window) (*serapi.Report, error) {
	rep, err := f.Fetcher.Report(ctx, w)
	f.observe(ctx, err)
	return rep, err
}

// Stream implements poller.Streamer: the poller streams through it (a
// fetcher that cannot stream has its answers replayed).
func (f watchedFetcher) Stream(ctx context.Context, w serapi.Window, h serapi.StreamHandler) error {
	var err error
	if s, ok := f.Fetcher.(poller.Streamer); ok {
		err = s.Stream(ctx, w, h)
	} else {
		var rep *serapi.Report
		if rep, err = f.Fetcher.Report(ctx, w); err == nil {
			err = poller.Replay(rep, h)
		}
	}
	f.observe(ctx, err)
	return err
}

// observe tells the observer of a fetch that ended with err, unless it
// ended because serfwd is stopping.
func (f watchedFetcher) observe(ctx context.Context, err error) {
	if err == nil || (ctx.Err() == nil && !errors.Is(err, context.Canceled)) {
		f.obs.fetched(f.input, err)
	}
}
