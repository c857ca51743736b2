// bench_test.go measures flattening and both codecs per event; run with
// `go test -bench . -benchmem ./pkg/event/`. No test asserts a timing.
//go:build unix

package event

import (
	"bytes"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
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

// BenchmarkDecodeFlattenPack is the fetch path up to the queue: decode an
// answer, number and flatten each record, pack it into queue batches of
// 1000 events. Bodies: the simulator's, and one using every tolerance of
// SPEC §1 with several unknown fields a record.
func BenchmarkDecodeFlattenPack(b *testing.B) {
	const n = 10_000
	for _, body := range []struct {
		name string
		data []byte
	}{{"simulator", simBody(b, n)}, {"varied", variedBody(n)}} {
		b.Run(body.name, func(b *testing.B) {
			b.SetBytes(int64(len(body.data)))
			h := &batching{f: NewFlattener("acme", testWindow), p: new(Packer)}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cpu0 := cpuTime()
			for b.Loop() {
				h.f.Reset("acme", testWindow)
				if err := serapi.DecodeStream(bytes.NewReader(body.data), h); err != nil || h.f.Records() != n {
					b.Fatalf("%d records, %v", h.f.Records(), err)
				}
				h.out = h.p.AppendPacked(h.out[:0])
			}
			cpu := cpuTime() - cpu0
			runtime.ReadMemStats(&after)
			records := float64(n) * float64(b.N)
			b.ReportMetric(records/b.Elapsed().Seconds(), "records/s")
			if cpu > 0 {
				b.ReportMetric(records/cpu.Seconds(), "records/cpu-s")
			}
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/records, "allocs/record")
		})
	}
}

// batching flattens records into batches of 1000 events.
type batching struct {
	f   *Flattener
	p   *Packer
	out []byte
}

func (h *batching) Record(r *serapi.RawRecord) error {
	id := h.f.Next(r)
	h.f.Pack(h.p, r, &id, 0)
	if h.p.Len() == 1000 {
		h.out = h.p.AppendPacked(h.out[:0])
	}
	return nil
}

func (h *batching) Entitlement(serapi.Entitlement) error { return nil }

// simBody is the simulator's answer for one window of n records.
func simBody(b *testing.B, n int) []byte {
	var buf bytes.Buffer
	if err := sersim.New(sersim.Options{RecordsPerWindow: n}).WriteBody(&buf, testWindow, testWindow.End); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// cpuTime is the user and system time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPackedOpen opens a queue batch of 1000 simulator records
// (texts expanded, every event checked), then walks it as a renderer does.
func BenchmarkPackedOpen(b *testing.B) {
	h := &batching{f: NewFlattener("acme", testWindow), p: new(Packer)}
	if err := serapi.DecodeStream(bytes.NewReader(simBody(b, 1000)), h); err != nil {
		b.Fatal(err)
	}
	consts, err := Unpack(Consts(&testEntitlement))
	if err != nil {
		b.Fatal(err)
	}
	var p Packed
	var v View
	for _, walk := range []bool{false, true} {
		b.Run(map[bool]string{false: "open", true: "open+walk"}[walk], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Open(h.out, consts[0].Fields); err != nil {
					b.Fatal(err)
				}
				for walk && p.Next(&v) {
				}
			}
			b.ReportMetric(float64(b.N*p.Len())/b.Elapsed().Seconds(), "events/s")
		})
	}
}
