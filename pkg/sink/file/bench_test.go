// Benchmark of Write for a 500-event batch: encoding, the record of the
// write, one write, one fsync.

package file

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/packedtest"
)

func BenchmarkWrite500(b *testing.B) {
	const n = 500
	st := testSettings()
	st.StateDir = b.TempDir() // the record of each write, as in production
	c := DefaultConfig()
	c.Path, c.MaxSize, c.MaxBackups = b.TempDir()+"/events.ndjson", 64<<20, 1
	s, err := New(st, c)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())
	evs := batch(0, n)
	ctx := context.Background()
	if err := s.Write(ctx, evs); err != nil { // open the file and size the buffer
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := s.Write(ctx, evs); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	events := float64(b.N) * n
	b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/events, "allocs/event")
}

// BenchmarkWritePacked1000 is BenchmarkWrite500 for WritePacked: a queue
// batch of 1000 flattened records, rendered straight from the packed form.
func BenchmarkWritePacked1000(b *testing.B) {
	st := testSettings()
	st.StateDir = b.TempDir()
	c := DefaultConfig()
	c.Path, c.MaxSize, c.MaxBackups = b.TempDir()+"/events.ndjson", 64<<20, 1
	s, err := New(st, c)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())
	p := packedtest.Flattened(b, 1000, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)).Open(b, nil)
	batches := []*event.Packed{p}
	pw := s.(*Sink)
	ctx := context.Background()
	if err := pw.WritePacked(ctx, batches); err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	for b.Loop() {
		if err := pw.WritePacked(ctx, batches); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	events := float64(b.N * p.Len())
	b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/events, "allocs/event")
}
