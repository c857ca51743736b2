// Benchmark of Write for a 500-event batch: encoding, the record of the
// write, one write, one fsync.
package file

import (
	"context"
	"runtime"
	"testing"
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
