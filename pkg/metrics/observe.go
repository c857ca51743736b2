// The observer methods: how serapi, the poller and the sinks move the series.

package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// inputObserver is the serapi.Observer of one input.
type inputObserver struct {
	requests *prometheus.CounterVec // curried with input
	duration prometheus.Observer
	refresh  prometheus.Counter
}

// Input returns the serapi.Observer for the client of the named input.
func (m *Metrics) Input(name string) serapi.Observer {
	return inputObserver{
		requests: m.apiRequests.MustCurryWith(prometheus.Labels{"input": name}),
		duration: m.apiDuration.WithLabelValues(name),
		refresh:  m.tokenRefreshes.WithLabelValues(name),
	}
}

// Request counts one HTTP attempt; code 0 (or anything that is not an HTTP
// status) is a network error.
func (o inputObserver) Request(code int, d time.Duration) {
	if code < 100 || code > 599 {
		code = 0
	}
	o.requests.WithLabelValues(strconv.Itoa(code)).Inc()
	o.duration.Observe(d.Seconds())
}

// TokenRefresh counts one token obtained.
func (o inputObserver) TokenRefresh() { o.refresh.Inc() }

// Committed implements poller.Observer: one more window and its events, the
// cursor at the window's end when it moved, and progress for readiness.
func (m *Metrics) Committed(input string, w serapi.Window, events int, cursorMoved bool) {
	m.windows.WithLabelValues(input).Inc()
	add(m.events.WithLabelValues(input), events)
	if cursorMoved {
		m.cursors.set(input, w.End)
	}
	m.progressed(input)
}

// Sent implements sink.LoopObserver: events the destination confirmed (dead
// letters not included), and the sink is no longer in a configuration
// problem.
func (m *Metrics) Sent(sink string, events int) {
	add(m.sinkSent.WithLabelValues(sink), events)
	m.configProblem.WithLabelValues(sink).Set(0)
}

// Failed implements sink.LoopObserver: one failed delivery attempt. The
// error is not recorded (see ConfigProblem).
func (m *Metrics) Failed(sink string, _ error) { m.sinkFailures.WithLabelValues(sink).Inc() }

// QueueDepth implements sink.LoopObserver: the sink's queue now. Scrapes
// read the state file when a QueueSource is set; these figures are served
// when it is not, or fails.
func (m *Metrics) QueueDepth(sink string, events, bytes int64) { m.queues.set(sink, events, bytes) }

// DeadLetter implements sink.Metrics.
func (m *Metrics) DeadLetter(sink string, n int) { add(m.deadLetter.WithLabelValues(sink), n) }

// Truncated implements sink.Metrics.
func (m *Metrics) Truncated(sink string, n int) { add(m.truncated.WithLabelValues(sink), n) }

// ConfigProblem implements sink.Metrics. The error is not recorded: its
// text may name credentials or endpoints, and it is logged by the sink.
func (m *Metrics) ConfigProblem(sink string, _ error) { m.configProblem.WithLabelValues(sink).Set(1) }

// add adds n to c, ignoring negative counts (a counter never goes down).
func add(c prometheus.Counter, n int) {
	if n > 0 {
		c.Add(float64(n))
	}
}
