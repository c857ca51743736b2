// The input collector: serfwd_checkpoint_timestamp_seconds,
// serfwd_lag_seconds and serfwd_last_success_timestamp_seconds, computed at
// scrape time from one record per input, so that lag keeps growing while an
// input is stuck, also before its first success.

package metrics

import (
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/serfwd/serfwd/pkg/config"
)

var (
	checkpointDesc = prometheus.NewDesc(namespace+"_checkpoint_timestamp_seconds",
		"End of the last committed window (the cursor) as a Unix time; 0 while the input has no cursor.",
		[]string{"input"}, nil)
	lagDesc = prometheus.NewDesc(namespace+"_lag_seconds",
		"Seconds from the start of the input's next window (the cursor; before the first commit its start, else now - lookback when serfwd started) to now, computed at scrape time.",
		[]string{"input"}, nil)
	lastSuccessDesc = prometheus.NewDesc(namespace+"_last_success_timestamp_seconds",
		"When the input last fetched a window's report successfully, as a Unix time; 0 until its first success.",
		[]string{"input"}, nil)
)

// inputTimes is what the collector knows of one input; zero times are
// not known yet.
type inputTimes struct {
	cursor  time.Time // end of the last committed window
	next    time.Time // where the first window starts while there is no cursor
	success time.Time // last successful fetch
}

// cursors is a prometheus.Collector over the inputs' times.
type cursors struct {
	now func() time.Time
	mu  sync.Mutex
	at  map[string]inputTimes
}

func newCursors(now func() time.Time, inputs []string) *cursors {
	c := &cursors{now: now, at: make(map[string]inputTimes, len(inputs))}
	for _, in := range inputs {
		c.at[in] = inputTimes{}
	}
	return c
}

// update changes an input's record under the lock.
func (c *cursors) update(input string, fn func(*inputTimes)) {
	c.mu.Lock()
	t := c.at[input]
	fn(&t)
	c.at[input] = t
	c.mu.Unlock()
}

func (c *cursors) set(input string, t time.Time) {
	c.update(input, func(it *inputTimes) { it.cursor = t })
}

// Describe implements prometheus.Collector.
func (c *cursors) Describe(ch chan<- *prometheus.Desc) {
	ch <- checkpointDesc
	ch <- lagDesc
	ch <- lastSuccessDesc
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
	at := make([]inputTimes, len(names))
	for i, in := range names {
		at[i] = c.at[in]
	}
	c.mu.Unlock()
	for i, in := range names {
		from := at[i].cursor
		if from.IsZero() {
			from = at[i].next
		}
		var lag float64
		if !from.IsZero() {
			lag = config.Lag(now, from).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(checkpointDesc, prometheus.GaugeValue, unixSeconds(at[i].cursor), in)
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, lag, in)
		ch <- prometheus.MustNewConstMetric(lastSuccessDesc, prometheus.GaugeValue, unixSeconds(at[i].success), in)
	}
}

// unixSeconds is t as fractional Unix seconds, 0 for the zero time.
func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

// SetCursor seeds an input's checkpoint with its stored cursor; call it at
// start so that lag is right before the first commit.
func (m *Metrics) SetCursor(input string, t time.Time) { m.cursors.set(input, t) }

// SetNextStart records where an input without a cursor starts (its start,
// else now - lookback, aligned): its lag counts from there until the first
// commit moves the cursor.
func (m *Metrics) SetNextStart(input string, t time.Time) {
	m.cursors.update(input, func(it *inputTimes) { it.next = t })
}

// FetchSucceeded records that an input fetched a window's report (a new
// window, a revisit or a backfill) at the clock's now.
func (m *Metrics) FetchSucceeded(input string) {
	now := m.now()
	m.cursors.update(input, func(it *inputTimes) { it.success = now })
}
