// bench_test.go measures a catch-up of four windows of 50,000 records
// fetched at once (concurrency 4) from the simulator over loopback HTTP into
// a real state file, as `once` does: records per second and per CPU-second
// and the peak of the Go heap while it runs. Run with
// `go test -run '^$' -bench CatchUp -benchtime 3x ./pkg/poller/`. The
// simulator runs in the same process: its work is counted too.
//go:build unix

package poller

import (
	"context"
	"path/filepath"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/state"
)

func BenchmarkCatchUpFourBigWindows(b *testing.B) {
	const windows, records = 4, 50_000
	sim, err := sersim.Start(sersim.Options{RecordsPerWindow: records, RateLimit: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	end := time.Now().UTC().Truncate(time.Hour)
	in := config.DefaultInput()
	in.Name, in.TokenURL, in.APIURL, in.ClientID, in.ClientSecret = "acme", sim.TokenURL(), sim.URL, "id", "secret"
	in.Start, in.Concurrency, in.Delay, in.Sinks = end.Add(-windows*time.Hour), 4, 0, []string{"a", "b"}
	client, err := serapi.New(in, serapi.Options{})
	if err != nil {
		b.Fatal(err)
	}
	peak := watchHeap(b)
	cpu0 := processCPU()
	for b.Loop() {
		st, err := state.Open(filepath.Join(b.TempDir(), "state.db"))
		if err != nil {
			b.Fatal(err)
		}
		p := New(Config{Input: in, Fetcher: client, Store: st, Now: func() time.Time { return end }})
		if n, err := p.CatchUp(context.Background()); err != nil || n != windows {
			b.Fatalf("%d windows, %v", n, err)
		}
		st.Close()
	}
	cpu := processCPU() - cpu0
	n := float64(windows*records) * float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(n/cpu.Seconds(), "records/cpu-s")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
}

// watchHeap samples the Go heap (live objects and garbage not yet
// collected) every millisecond; the returned function stops it and tells
// the peak.
func watchHeap(b *testing.B) func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	stop := func() uint64 {
		once.Do(func() { close(done); <-stopped })
		return peak
	}
	b.Cleanup(func() { stop() })
	return stop
}

// processCPU is the user and system time of the process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
