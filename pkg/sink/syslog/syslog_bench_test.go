// syslog_bench_test.go measures rendering and framing a 500-event batch per
// payload format and header protocol: the CPU work of one Write before the
// socket. Run with `go test -run '^$' -bench . -benchmem ./pkg/sink/syslog/`;
// no test asserts a timing.

package syslog

import (
	"fmt"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/packedtest"
	"github.com/serfwd/serfwd/pkg/sink"
)

func benchBatch(n int) []event.Event {
	evs := make([]event.Event, n)
	for i := range evs {
		evs[i] = userEvent(fmt.Sprintf("%064x", i), int64(i%3))
	}
	return evs
}

func BenchmarkEncode500(b *testing.B) {
	const n = 500
	evs := benchBatch(n)
	for _, tc := range []struct{ format, protocol string }{
		{"leef", "rfc5424"}, {"cef", "rfc5424"}, {"json", "rfc5424"}, {"leef", "rfc3164"},
	} {
		b.Run(tc.format+"_"+tc.protocol, func(b *testing.B) {
			c := syslogConfig("127.0.0.1:6514", "tcp")
			c.Format, c.Protocol = tc.format, tc.protocol
			sk, err := New(sink.Settings{Name: "qradar", Logger: zap.NewNop(), Version: testVersion,
				Hostname: "machine", Metrics: sink.NopMetrics{}}, c)
			if err != nil {
				b.Fatal(err)
			}
			s := sk.(*Sink)
			s.encode(evs) // size the reused buffers
			b.ReportAllocs()
			for b.Loop() {
				s.encode(evs)
			}
			b.SetBytes(int64(len(s.out.buf)))
			b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(testing.AllocsPerRun(10, func() { s.encode(evs) })/n, "allocs/event")
		})
	}
}

// BenchmarkEncodePacked1000 is BenchmarkEncode500 for WritePacked: a queue
// batch of 1000 flattened records rendered straight from the packed form.
func BenchmarkEncodePacked1000(b *testing.B) {
	p := packedtest.Flattened(b, 1000, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)).Open(b, nil)
	batches := []*event.Packed{p}
	for _, tc := range []struct{ format, protocol string }{
		{"leef", "rfc5424"}, {"cef", "rfc5424"}, {"json", "rfc5424"}, {"leef", "rfc3164"},
	} {
		b.Run(tc.format+"_"+tc.protocol, func(b *testing.B) {
			c := syslogConfig("127.0.0.1:6514", "tcp")
			c.Format, c.Protocol = tc.format, tc.protocol
			sk, err := New(sink.Settings{Name: "qradar", Logger: zap.NewNop(), Version: testVersion,
				Hostname: "machine", Metrics: sink.NopMetrics{}}, c)
			if err != nil {
				b.Fatal(err)
			}
			s := sk.(*Sink)
			s.encodePacked(batches) // size the reused buffers
			b.ReportAllocs()
			for b.Loop() {
				s.encodePacked(batches)
			}
			n := float64(p.Len())
			b.SetBytes(int64(len(s.out.buf)))
			b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(testing.AllocsPerRun(10, func() { s.encodePacked(batches) })/n, "allocs/event")
		})
	}
}
