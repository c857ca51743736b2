// bench_test.go measures flattening and both codecs per event; run with
// `go test -bench . -benchmem ./pkg/event/`. No test asserts a timing.
package event

import (
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// reportRate adds an events/s figure for n events.
func reportRate(b *testing.B, n int) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

func benchRecord(extras bool) serapi.Record {
	r := referenceRecord()
	if extras {
		r.Extra = []serapi.ExtraField{extra("region", `"eu-1"`), extra("limits", `{"perHour": 500, "perDay": 10000}`),
			extra("tags", `["a","b"]`)}
	}
	return r
}

func BenchmarkFromRecord(b *testing.B) {
	for _, tc := range []struct {
		name   string
		extras bool
	}{{"plain", false}, {"extras", true}} {
		b.Run(tc.name, func(b *testing.B) {
			r := benchRecord(tc.extras)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				e := FromRecord("acme", testWindow, &r, &testEntitlement, 0)
				n += len(e.Fields) & 1
			}
			reportRate(b, b.N)
		})
	}
}

func BenchmarkFromWindow(b *testing.B) {
	users := make([]serapi.Record, 1000)
	for i := range users {
		users[i] = referenceRecord()
	}
	b.ReportAllocs()
	for b.Loop() {
		FromWindow("acme", testWindow, users, &testEntitlement, 0)
	}
	reportRate(b, b.N)
}

func BenchmarkAppendJSON(b *testing.B) {
	r := referenceRecord()
	e := FromRecord("acme", testWindow, &r, &testEntitlement, 0)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = e.AppendJSON(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
	reportRate(b, b.N)
}

// BenchmarkRecordToQueueAndJSON is this package's share of the pipeline:
// flatten, encode for the queue, decode from it, encode as JSON.
func BenchmarkRecordToQueueAndJSON(b *testing.B) {
	r := referenceRecord()
	var bin, js []byte
	var p Packer
	b.ReportAllocs()
	for b.Loop() {
		e := FromRecord("acme", testWindow, &r, &testEntitlement, 0)
		p.Reset()
		p.Add(&e)
		bin = p.AppendPacked(bin[:0])
		d, err := Unpack(bin)
		if err != nil {
			b.Fatal(err)
		}
		js = d[0].AppendJSON(js[:0])
	}
	reportRate(b, b.N)
}
