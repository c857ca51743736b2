// state_bench_test.go measures the durable queue per event: packing a
// 1000-event window into batches and committing it, and reading it back for
// delivery (Peek, DecodeBatch, Ack). Run with
// `go test -run '^$' -bench . -benchmem ./pkg/state/`; no test asserts a timing.

package state

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

// benchEvents are n events shaped like flattened SER records (26 keys).
func benchEvents(n int) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		var e event.Event
		e.AddString(event.KeyEventType, event.TypeApplicationUser)
		e.AddString(event.KeyEventID, "9f2c4d8e1a7b3c5d9f2c4d8e1a7b3c5d9f2c4d8e1a7b3c5d9f2c4d8e1a7b3c5d")
		e.AddInt("revision", 0)
		e.AddString("input", "acme")
		e.AddString("windowStart", "2026-11-26T10:00:00.000Z")
		e.AddString("windowEnd", "2026-11-26T11:00:00.000Z")
		e.AddString("applicationName", "Salesforce")
		e.AddString("applicationUserName", "sf-prod-notifications-"+string(rune('a'+i%26)))
		e.AddList("fromEnvelope", []string{"bounces@example.com"})
		e.AddList("fromHeader", []string{"example.com"})
		for k, key := range []string{"success", "failure", "tempFailure", "partialSuccess", "inProgress", "total",
			"recipientsTotal", "messageSizeTotal", "deliveredSizeTotal", "dsn2xx", "dsn3xx", "dsn4xx", "dsn5xx"} {
			e.AddInt(key, int64(i*(k+1)%5000))
		}
		e.AddString("licenseStart", "2026-01-01T00:00:00.000Z")
		e.AddString("licenseEnd", "2027-01-01T00:00:00.000Z")
		e.AddInt("annualThroughput", 1099511627776)
		out[i] = e
	}
	return out
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// perEvent reports events/s and allocs/event for b.N iterations of n events,
// given the allocation count at the start of the timed part.
func perEvent(b *testing.B, n int, mallocs0 uint64) {
	b.Helper()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	events := float64(b.N) * float64(n)
	b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(ms.Mallocs-mallocs0)/events, "allocs/event")
}

func mallocs() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

// BenchmarkEncoderCommit1000 packs a 1000-event window and commits it with
// the cursor to two sinks, one transaction per window, as the poller does.
func BenchmarkEncoderCommit1000(b *testing.B) {
	const n = 1000
	evs := benchEvents(n)
	s := benchStore(b)
	cursor := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	var size int
	b.ReportAllocs()
	m0 := mallocs()
	for b.Loop() {
		enc := NewEncoder(0)
		for i := range evs {
			if err := enc.Add(&evs[i]); err != nil {
				b.Fatal(err)
			}
		}
		batches, err := enc.Finish()
		if err != nil {
			b.Fatal(err)
		}
		size = len(batches[0].Data)
		cursor = cursor.Add(time.Minute)
		if err := s.Commit(Commit{Input: "acme", Sinks: []string{"splunk", "qradar"}, Batches: batches, Cursor: cursor}); err != nil {
			b.Fatal(err)
		}
	}
	perEvent(b, n, m0)
	b.ReportMetric(float64(size)/n, "queued-B/event")
}

// BenchmarkEncoder1000 is the CPU part of the above without the disk: binary
// encoding and deflate of a 1000-event window.
func BenchmarkEncoder1000(b *testing.B) {
	const n = 1000
	evs := benchEvents(n)
	b.ReportAllocs()
	m0 := mallocs()
	for b.Loop() {
		enc := NewEncoder(0)
		for i := range evs {
			if err := enc.Add(&evs[i]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := enc.Finish(); err != nil {
			b.Fatal(err)
		}
	}
	perEvent(b, n, m0)
}

// BenchmarkPeekDecodeAck1000 reads 1000 events for delivery, decodes them and
// removes them, as a delivery loop does per Write. The queue is refilled
// outside the timed part.
func BenchmarkPeekDecodeAck1000(b *testing.B) {
	const n, prefill = 1000, 64
	evs := benchEvents(n)
	enc := NewEncoder(0)
	for i := range evs {
		if err := enc.Add(&evs[i]); err != nil {
			b.Fatal(err)
		}
	}
	batches, err := enc.Finish()
	if err != nil {
		b.Fatal(err)
	}
	s := benchStore(b)
	fill := func() {
		for range prefill {
			if err := s.Commit(Commit{Input: "acme", Sinks: []string{"splunk"}, Batches: batches}); err != nil {
				b.Fatal(err)
			}
		}
	}
	fill()
	left := prefill
	b.ReportAllocs()
	var m, skipped uint64
	m0 := mallocs()
	for b.Loop() {
		if left == 0 {
			b.StopTimer()
			before := mallocs()
			fill()
			skipped += mallocs() - before
			left = prefill
			b.StartTimer()
		}
		entries, err := s.Peek("splunk", n)
		if err != nil || len(entries) == 0 {
			b.Fatalf("peek: %d entries, %v", len(entries), err)
		}
		for _, e := range entries {
			got, err := DecodeBatch(e.Data)
			if err != nil || len(got) != e.Events {
				b.Fatalf("decode: %d events, %v", len(got), err)
			}
		}
		if err := s.Ack("splunk", entries); err != nil {
			b.Fatal(err)
		}
		left--
	}
	m = mallocs() - m0 - skipped
	events := float64(b.N) * n
	b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(m)/events, "allocs/event")
}
