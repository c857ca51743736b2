// Tests of the queue collector: each scrape reads the source; without one,
// or when it fails, the last known figures are served.

package metrics_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/serfwd/serfwd/pkg/metrics"
)

func TestQueueGaugesReadTheSourceAtEachScrape(t *testing.T) {
	m := metrics.New(nil, []string{"splunk", "qradar"})
	var mu sync.Mutex
	held := map[string][2]int64{"splunk": {94, 20480}}
	var fail bool
	m.SetQueueSource(func(sink string) (int64, int64, error) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return 0, 0, errors.New("database not open")
		}
		return held[sink][0], held[sink][1], nil
	})
	check := func(step, sink string, events, bytes float64) {
		t.Helper()
		fams := scrape(t, m)
		e, _ := value(fams, "serfwd_sink_queue_events", sk(sink))
		b, _ := value(fams, "serfwd_sink_queue_bytes", sk(sink))
		if e != events || b != bytes {
			t.Errorf("%s: %s queue = %v events, %v bytes; want %v, %v", step, sink, e, b, events, bytes)
		}
	}
	check("at open", "splunk", 94, 20480)
	check("at open", "qradar", 0, 0)
	// Whoever moved the queue, the next scrape sees it.
	mu.Lock()
	held["splunk"], held["qradar"] = [2]int64{120, 30000}, [2]int64{5, 700}
	mu.Unlock()
	check("after a commit", "splunk", 120, 30000)
	check("after a commit", "qradar", 5, 700)
	// The loop's own report does not override the source.
	m.QueueDepth("splunk", 1, 1)
	check("after a stale report", "splunk", 120, 30000)
	// A failing source (the file closed at shutdown) keeps the last figures.
	mu.Lock()
	fail = true
	mu.Unlock()
	check("source failing", "splunk", 120, 30000)
	m.SetQueueSource(nil)
	m.QueueDepth("splunk", 7, 70)
	check("no source", "splunk", 7, 70)
}
