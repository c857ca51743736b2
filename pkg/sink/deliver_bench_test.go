// deliver_bench_test.go measures the delivery loop's own cost per event:
// Peek, DecodeBatch, Write to a sink that does nothing, Ack, over a queue
// prefilled outside the timed part. Run with
// `go test -run '^$' -bench . -benchmem ./pkg/sink/`; no test asserts a timing.

package sink_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/state"
)

// nopSink confirms every batch at once.
type nopSink struct{ events int }

func (s *nopSink) Write(_ context.Context, evs []event.Event) error {
	s.events += len(evs)
	return nil
}

func (s *nopSink) Close(context.Context) error { return nil }

// flatEvent is an event with the keys and sizes of a flattened SER record.
func flatEvent(i int) event.Event {
	var e event.Event
	e.AddString(event.KeyEventType, event.TypeApplicationUser)
	e.AddString(event.KeyEventID, fmt.Sprintf("%064x", uint64(i)*0x9e3779b97f4a7c15))
	e.AddInt("revision", 0)
	e.AddString("input", "acme")
	e.AddString("windowStart", "2026-11-26T10:00:00.000Z")
	e.AddString("windowEnd", "2026-11-26T11:00:00.000Z")
	e.AddString("applicationName", "Salesforce")
	e.AddString("applicationUserName", "sf-prod-notifications-"+strconv.Itoa(i))
	e.AddList("fromEnvelope", []string{"bounces@example.com"})
	e.AddList("fromHeader", []string{"example.com"})
	for k, key := range []string{"success", "failure", "tempFailure", "partialSuccess", "inProgress", "total",
		"recipientsTotal", "messageSizeTotal", "deliveredSizeTotal", "dsn2xx", "dsn3xx", "dsn4xx", "dsn5xx"} {
		e.AddInt(key, int64(i*(k+1)%5000))
	}
	e.AddString("licenseStart", "2026-01-01T00:00:00.000Z")
	e.AddString("licenseEnd", "2027-01-01T00:00:00.000Z")
	e.AddInt("annualThroughput", 1099511627776)
	return e
}

// BenchmarkLoopDrain delivers 20 windows of 1000 events with a no-op sink,
// 1000 events per Write.
func BenchmarkLoopDrain(b *testing.B) {
	const windows, perWindow = 20, 1000
	st, err := state.Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	enc := state.NewEncoder(0)
	for i := range perWindow {
		e := flatEvent(i)
		if err := enc.Add(&e); err != nil {
			b.Fatal(err)
		}
	}
	batches, err := enc.Finish()
	if err != nil {
		b.Fatal(err)
	}
	snk := &nopSink{}
	var ms runtime.MemStats
	var mallocs uint64
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for range windows {
			if err := st.Commit(state.Commit{Input: "acme", Sinks: []string{"splunk"}, Batches: batches}); err != nil {
				b.Fatal(err)
			}
		}
		stop := make(chan struct{})
		close(stop) // drain what is queued, then return
		l := &sink.Loop{Name: "splunk", Sink: snk, Queue: st, MaxEvents: perWindow}
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		b.StartTimer()
		if err := l.Run(context.Background(), stop); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.ReadMemStats(&ms)
		mallocs += ms.Mallocs - before
		b.StartTimer()
	}
	if want := b.N * windows * perWindow; snk.events != want {
		b.Fatalf("delivered %d events, want %d", snk.events, want)
	}
	events := float64(b.N) * windows * perWindow
	b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(mallocs)/events, "allocs/event")
}
