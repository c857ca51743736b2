// Benchmark of generating and encoding one window of 50,000 records.

package sersim

import (
	"io"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// BenchmarkWriteReport50k measures generating and encoding one window of
// 50,000 records.
func BenchmarkWriteReport50k(b *testing.B) {
	o := Options{RecordsPerWindow: 50_000}.withDefaults()
	w := window("2026-03-01T10:00:00.000Z", time.Hour)
	p := o.newPlan(w, w.End)
	b.ReportAllocs()
	for b.Loop() {
		if err := writeReport(io.Discard, &p, serapi.Entitlement{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
