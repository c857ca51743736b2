// Benchmark of the CPU work of one HEC request: encoding and gzip.

package hec

import (
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/packedtest"
)

// BenchmarkEncodeGzip500 measures encoding and gzipping a 500-event batch,
// the CPU work of one HEC request.
func BenchmarkEncodeGzip500(b *testing.B) {
	evs := mkEvents(500)
	opt := options{host: "loghost", source: DefaultSource, sourcetype: SourcetypeEvents, index: "proofpoint"}
	meta, bs := newLayout(opt), newBodies()
	req := make([]int, len(evs))
	for i := range req {
		req[i] = i
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		bt := encodeBatch(evs, meta)
		body := bs.build(bt, req, true)
		_ = body.Close()
		bt.release()
	}
	n := float64(b.N * len(evs))
	b.ReportMetric(n/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(testing.AllocsPerRun(10, func() {
		bt := encodeBatch(evs, meta)
		_ = bs.build(bt, req, true).Close()
		bt.release()
	}))/float64(len(evs)), "allocs/event")
}

// BenchmarkEncodePacked measures rendering a queue batch of 1000 flattened
// records straight from the packed form, with and without gzip, as
// WritePacked does; allocs/event is of the whole of it.
func BenchmarkEncodePacked(b *testing.B) {
	batch := packedtest.Flattened(b, 1000, testStart)
	p := batch.Open(b, nil)
	opened := []*event.Packed{p}
	r, bs := newPackedRenderer(newLayout(options{host: "loghost", source: DefaultSource, sourcetype: SourcetypeEvents})), newBodies()
	for _, gz := range []bool{false, true} {
		b.Run(map[bool]string{false: "render", true: "gzip"}[gz], func(b *testing.B) {
			run := func() {
				bt := encodePacked(opened, r)
				req := make([]int, bt.len())
				for i := range req {
					req[i] = i
				}
				if gz {
					_ = bs.build(bt, req, true).Close()
				}
				bt.release()
			}
			b.ReportAllocs()
			for b.Loop() {
				run()
			}
			b.ReportMetric(float64(b.N*p.Len())/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(testing.AllocsPerRun(10, run)/float64(p.Len()), "allocs/event")
		})
	}
}
