// decode_bench_test.go measures the decoder on the simulator's body and on
// a body that uses every tolerance of SPEC §1; run with
// `go test -bench Decode -benchmem -cpu 1 ./pkg/serapi/`. No test asserts a
// timing.
//go:build unix

package serapi_test

import (
	"bytes"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// simBody is the simulator's answer for one window of n records.
func simBody(b *testing.B, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	w := serapi.Window{Start: start, End: start.Add(time.Hour)}
	if err := sersim.New(sersim.Options{RecordsPerWindow: n}).WriteBody(&buf, w, w.End); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// counter is a Handler that only counts.
type counter struct{ records, fields int }

func (c *counter) Record(r *serapi.RawRecord) error {
	c.records++
	c.fields += len(r.Extra) + len(r.FromEnvelope)
	return nil
}

func (c *counter) Entitlement(serapi.Entitlement) error { return nil }

// BenchmarkDecode is the streaming decoder (DecodeStream, as the poller
// uses it) on the simulator's body and on a body using SPEC §1's tolerance.
func BenchmarkDecode(b *testing.B) {
	const n = 10_000
	for _, body := range []struct {
		name string
		data []byte
	}{{"simulator", simBody(b, n)}, {"tolerant", serapi.TolerantBody(n)}} {
		b.Run(body.name, func(b *testing.B) {
			b.SetBytes(int64(len(body.data)))
			perRecord(b, n, func() {
				var c counter
				if err := serapi.DecodeStream(bytes.NewReader(body.data), &c); err != nil || c.records != n {
					b.Fatalf("DecodeStream: %d records, %v", c.records, err)
				}
			})
		})
	}
}

// BenchmarkDecodeReport decodes into an in-memory Report (Decode, as
// `serfwd check` and tests use it).
func BenchmarkDecodeReport(b *testing.B) {
	const n = 10_000
	body := serapi.TolerantBody(n)
	b.SetBytes(int64(len(body)))
	perRecord(b, n, func() {
		rep, err := serapi.Decode(bytes.NewReader(body))
		if err != nil || rep.Users.Len() != n {
			b.Fatalf("Decode: %v", err)
		}
	})
}

// perRecord runs op (which handles n records) b.N times and reports
// records per second and per CPU-second of the process, and heap
// allocations per record.
func perRecord(b *testing.B, n int, op func()) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	for b.Loop() {
		op()
	}
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&after)
	records := float64(n) * float64(b.N)
	b.ReportMetric(records/b.Elapsed().Seconds(), "records/s")
	if cpu > 0 {
		b.ReportMetric(records/cpu.Seconds(), "records/cpu-s")
	}
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/records, "allocs/record")
}

// cpuTime is the user and system time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
