// Benchmark of the CPU work of one HEC request: encoding and gzip.

package hec

import (
	"testing"
)

// BenchmarkEncodeGzip500 measures encoding and gzipping a 500-event batch,
// the CPU work of one HEC request.
func BenchmarkEncodeGzip500(b *testing.B) {
	evs := mkEvents(500)
	opt := options{host: "loghost", source: DefaultSource, sourcetype: SourcetypeEvents, index: "proofpoint"}
	meta := newLayout(opt)
	req := make([]int, len(evs))
	for i := range req {
		req[i] = i
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		bt := encodeBatch(evs, meta)
		body := buildBody(bt, req, true)
		_ = body.Close()
		bt.release()
	}
	n := float64(b.N * len(evs))
	b.ReportMetric(n/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(testing.AllocsPerRun(10, func() {
		bt := encodeBatch(evs, meta)
		_ = buildBody(bt, req, true).Close()
		bt.release()
	}))/float64(len(evs)), "allocs/event")
}
