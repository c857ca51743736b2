// The queue collector: serfwd_sink_queue_events and serfwd_sink_queue_bytes,
// read from the state file at scrape time (SetQueueSource), so that they are
// what each queue holds at that moment, whoever moved it last.

package metrics

import (
	"sort"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	queueEventsDesc = prometheus.NewDesc(namespace+"_sink_queue_events",
		"Events waiting in the sink's durable queue, read from the state file at scrape time.",
		[]string{"sink"}, nil)
	queueBytesDesc = prometheus.NewDesc(namespace+"_sink_queue_bytes",
		"Bytes waiting in the sink's durable queue (as stored), read from the state file at scrape time.",
		[]string{"sink"}, nil)
)

// QueueSource reads one sink's queue figures, e.g. from the state file.
type QueueSource func(sink string) (events, bytes int64, err error)

// queueFigures is one sink's events and bytes.
type queueFigures struct{ events, bytes int64 }

// queues is a prometheus.Collector over the sinks' queues. Without a
// source, or when it fails (the state file is closed), it serves the last
// figures it knew.
type queues struct {
	mu     sync.Mutex
	source QueueSource
	last   map[string]queueFigures
}

func newQueues(sinks []string) *queues {
	q := &queues{last: make(map[string]queueFigures, len(sinks))}
	for _, s := range sinks {
		q.last[s] = queueFigures{}
	}
	return q
}

// Describe implements prometheus.Collector.
func (q *queues) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueEventsDesc
	ch <- queueBytesDesc
}

// Collect implements prometheus.Collector.
func (q *queues) Collect(ch chan<- prometheus.Metric) {
	q.mu.Lock()
	names := make([]string, 0, len(q.last))
	for s := range q.last {
		names = append(names, s)
	}
	sort.Strings(names)
	source := q.source
	q.mu.Unlock()
	for _, s := range names {
		f := q.read(source, s)
		ch <- prometheus.MustNewConstMetric(queueEventsDesc, prometheus.GaugeValue, float64(f.events), s)
		ch <- prometheus.MustNewConstMetric(queueBytesDesc, prometheus.GaugeValue, float64(f.bytes), s)
	}
}

// read asks source for sink's figures and remembers them; it falls back to
// the last known ones.
func (q *queues) read(source QueueSource, sink string) queueFigures {
	if source != nil {
		if e, b, err := source(sink); err == nil {
			q.set(sink, e, b)
			return queueFigures{e, b}
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.last[sink]
}

func (q *queues) set(sink string, events, bytes int64) {
	q.mu.Lock()
	q.last[sink] = queueFigures{events, bytes}
	q.mu.Unlock()
}

// SetQueueSource has every scrape read the queues' figures from src (the
// agent hands it the state file's Stat); nil stops that.
func (m *Metrics) SetQueueSource(src QueueSource) {
	m.queues.mu.Lock()
	m.queues.source = src
	m.queues.mu.Unlock()
}
