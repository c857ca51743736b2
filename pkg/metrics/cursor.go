// The cursor collector: serfwd_checkpoint_timestamp_seconds and
// serfwd_lag_seconds, both computed from one cursor per input at scrape time
// so that lag keeps growing while an input is stuck.

package metrics

import (
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	checkpointDesc = prometheus.NewDesc(namespace+"_checkpoint_timestamp_seconds",
		"End of the last committed window (the cursor) as a Unix time; 0 until known.",
		[]string{"input"}, nil)
	lagDesc = prometheus.NewDesc(namespace+"_lag_seconds",
		"Seconds from the cursor to now, computed at scrape time; 0 until the cursor is known.",
		[]string{"input"}, nil)
)

// cursors is a prometheus.Collector over the inputs' cursors.
type cursors struct {
	now func() time.Time
	mu  sync.Mutex
	at  map[string]time.Time // zero = not known yet
}

func newCursors(now func() time.Time, inputs []string) *cursors {
	c := &cursors{now: now, at: make(map[string]time.Time, len(inputs))}
	for _, in := range inputs {
		c.at[in] = time.Time{}
	}
	return c
}

func (c *cursors) set(input string, t time.Time) {
	c.mu.Lock()
	c.at[input] = t
	c.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (c *cursors) Describe(ch chan<- *prometheus.Desc) {
	ch <- checkpointDesc
	ch <- lagDesc
}

// Collect implements prometheus.Collector.
func (c *cursors) Collect(ch chan<- prometheus.Metric) {
	now := c.now()
	c.mu.Lock()
	names := make([]string, 0, len(c.at))
	for in := range c.at {
		names = append(names, in)
	}
	sort.Strings(names)
	at := make([]time.Time, len(names))
	for i, in := range names {
		at[i] = c.at[in]
	}
	c.mu.Unlock()
	for i, in := range names {
		var ts, lag float64
		if !at[i].IsZero() {
			ts = float64(at[i].UnixNano()) / 1e9
			lag = max(now.Sub(at[i]).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(checkpointDesc, prometheus.GaugeValue, ts, in)
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, lag, in)
	}
}

// SetCursor seeds an input's checkpoint with its stored cursor; call it at
// start so that lag is right before the first commit.
func (m *Metrics) SetCursor(input string, t time.Time) { m.cursors.set(input, t) }
