// Metrics: the registry and the series of SPEC §7, pre-created per input
// and sink so that dashboards see them at zero from the start.

package metrics

import (
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

const namespace = "serfwd"

// Metrics holds serfwd's collectors and readiness state. It is safe for
// concurrent use; all observer methods are cheap and never block on I/O.
type Metrics struct {
	reg *prometheus.Registry
	now func() time.Time

	apiRequests    *prometheus.CounterVec
	apiDuration    *prometheus.HistogramVec
	windows        *prometheus.CounterVec
	events         *prometheus.CounterVec
	tokenRefreshes *prometheus.CounterVec

	sinkSent      *prometheus.CounterVec
	sinkFailures  *prometheus.CounterVec
	deadLetter    *prometheus.CounterVec
	truncated     *prometheus.CounterVec
	configProblem *prometheus.GaugeVec

	cursors *cursors
	queues  *queues
	mu      sync.Mutex // guards the readiness fields below
	ready   bool
	inputs  map[string]*progress
}

// Option changes a default of New.
type Option func(*options)

type options struct {
	version    string
	now        func() time.Time
	truncating []string
}

// WithVersion sets the version label of serfwd_build_info (default "unknown").
func WithVersion(v string) Option { return func(o *options) { o.version = v } }

// WithTruncating names the sinks that may shorten messages (their
// description says so): only they get serfwd_syslog_truncated_total from
// the start. A sink that reports truncation all the same gets it then.
func WithTruncating(sinks ...string) Option {
	return func(o *options) { o.truncating = append(o.truncating, sinks...) }
}

// WithClock replaces time.Now for lag and stuck detection (tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New builds the registry with every series of the named inputs and sinks
// at zero (the truncation counter only for WithTruncating's sinks), the
// build info, and the Go and process collectors.
func New(inputs, sinks []string, opts ...Option) *Metrics {
	o := options{version: "unknown", now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	m := &Metrics{reg: prometheus.NewRegistry(), now: o.now, inputs: map[string]*progress{}}
	m.cursors = newCursors(o.now, inputs)
	m.queues = newQueues(sinks)
	m.define()
	m.reg.MustRegister(
		m.apiRequests, m.apiDuration, m.windows, m.events, m.tokenRefreshes,
		m.sinkSent, m.sinkFailures, m.queues,
		m.deadLetter, m.truncated, m.configProblem, m.cursors,
		buildInfo(o.version),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	for _, in := range inputs {
		m.apiRequests.WithLabelValues(in, "200")
		m.apiDuration.WithLabelValues(in)
		for _, v := range []*prometheus.CounterVec{m.windows, m.events, m.tokenRefreshes} {
			v.WithLabelValues(in)
		}
	}
	for _, s := range sinks {
		for _, v := range []*prometheus.CounterVec{m.sinkSent, m.sinkFailures, m.deadLetter} {
			v.WithLabelValues(s)
		}
		m.configProblem.WithLabelValues(s)
	}
	for _, s := range o.truncating {
		m.truncated.WithLabelValues(s)
	}
	return m
}

// Registry returns the private registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// define creates the vectors with their help strings.
func (m *Metrics) define() {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
	}
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, labels)
	}
	m.apiRequests = counter("api_requests_total", "HTTP attempts to the SER API (token and report) by status code; code 0 is a network error.", "input", "code")
	m.apiDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "api_request_duration_seconds",
		Help:    "Duration of HTTP attempts to the SER API (token and report).",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60},
	}, []string{"input"})
	m.windows = counter("windows_total", "Time windows fetched and committed.", "input")
	m.events = counter("events_total", "Events produced from committed windows and queued for the sinks.", "input")
	m.tokenRefreshes = counter("token_refreshes_total", "OAuth tokens obtained from the SER token endpoint.", "input")
	m.sinkSent = counter("sink_sent_total", "Events the sink's destination confirmed; events it refused for good (dead letters) are not counted here.", "sink")
	m.sinkFailures = counter("sink_failures_total", "Failed delivery attempts (each is retried or dead-lettered).", "sink")
	m.deadLetter = counter("deadletter_total", "Events the sink's destination refused for good, and unreadable queue entries set aside, written to the dead-letter file.", "sink")
	m.truncated = counter("syslog_truncated_total", "Syslog messages shortened to fit the maximum message size.", "sink")
	m.configProblem = gauge("sink_config_problem", "1 while the sink's last error was a configuration problem needing an operator (e.g. 401/403, bad index); 0 after a successful send.", "sink")
}

// buildInfo is the constant serfwd_build_info{version,goversion} 1.
func buildInfo(version string) prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help:        "Always 1; labels give the serfwd version and the Go version it was built with.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
}
