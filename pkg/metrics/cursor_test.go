// Tests of the cursor collector: lag grows with the clock while stuck, and
// observers may run while a scrape reads the cursors.

package metrics_test

import (
	"sync"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/metrics"
	"github.com/serfwd/serfwd/pkg/serapi"
)

func TestLagGrowsWithClock(t *testing.T) {
	c := &clock{t: t0}
	m := metrics.New([]string{"eu"}, nil, metrics.WithClock(c.Now))
	lag := func() float64 {
		t.Helper()
		v, _ := value(scrape(t, m), "serfwd_lag_seconds", in("eu"))
		return v
	}
	if got := lag(); got != 0 {
		t.Errorf("lag before any cursor = %v, want 0", got)
	}
	m.SetCursor("eu", t0.Add(-time.Hour))
	steps := []struct {
		advance time.Duration
		want    float64
	}{{0, 3600}, {90 * time.Second, 3690}, {10 * time.Minute, 4290}}
	for _, s := range steps {
		c.Add(s.advance)
		if got := lag(); got != s.want {
			t.Errorf("after +%s: lag = %v, want %v", s.advance, got, s.want)
		}
	}
	m.Committed("eu", serapi.Window{Start: c.Now().Add(-time.Minute), End: c.Now().Add(-30 * time.Second)}, 1, true)
	if got := lag(); got != 30 {
		t.Errorf("lag after commit = %v, want 30", got)
	}
}

func TestConcurrentObserveAndScrape(t *testing.T) {
	m := metrics.New([]string{"eu"}, []string{"splunk"})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 50 {
				end := t0.Add(time.Duration(i*50+j) * time.Second)
				m.Committed("eu", serapi.Window{Start: t0, End: end}, 1, true)
				m.PollDone("eu")
				m.Sent("splunk", 1)
			}
		})
	}
	wg.Go(func() { _ = m.Problems(); _, _ = m.Registry().Gather() })
	wg.Wait()
	if v, _ := value(scrape(t, m), "serfwd_windows_total", in("eu")); v != 200 {
		t.Errorf("windows_total = %v, want 200", v)
	}
}

func TestLagCountsFromNextStartBeforeTheFirstCommit(t *testing.T) {
	c := &clock{t: t0}
	m := metrics.New([]string{"eu"}, nil, metrics.WithClock(c.Now))
	start := t0.Add(-48 * time.Hour)
	m.SetNextStart("eu", start)
	read := func(name string) float64 {
		t.Helper()
		v, ok := value(scrape(t, m), name, in("eu"))
		if !ok {
			t.Fatalf("%s{input=eu} missing", name)
		}
		return v
	}
	if lag := read("serfwd_lag_seconds"); lag != 48*3600 {
		t.Errorf("lag of an input that never fetched = %v, want 172800 (from its start)", lag)
	}
	c.Add(time.Hour)
	if lag := read("serfwd_lag_seconds"); lag != 49*3600 {
		t.Errorf("an hour later lag = %v, want 176400", lag)
	}
	if cp := read("serfwd_checkpoint_timestamp_seconds"); cp != 0 {
		t.Errorf("checkpoint without a cursor = %v, want 0", cp)
	}
	if ls := read("serfwd_last_success_timestamp_seconds"); ls != 0 {
		t.Errorf("last success before any = %v, want 0", ls)
	}
	m.FetchSucceeded("eu")
	if ls := read("serfwd_last_success_timestamp_seconds"); ls != float64(c.Now().Unix()) {
		t.Errorf("last success = %v, want %d", ls, c.Now().Unix())
	}
	m.Committed("eu", serapi.Window{Start: start, End: start.Add(time.Hour)}, 3, true)
	if lag := read("serfwd_lag_seconds"); lag != 48*3600 {
		t.Errorf("lag after the first commit = %v, want 172800 (from the cursor)", lag)
	}
}
