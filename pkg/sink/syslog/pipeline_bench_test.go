// pipeline_bench_test.go measures serfwd's per-event CPU path from decoded
// records to LEEF messages, as one window goes through it: flatten
// (the poller's streamed fetch: event.Flattener into state batches, one
// commit), read it back as a delivery loop does (Peek,
// OpenBatch, Ack) and render + frame the syslog messages. Run it on one core:
//
//	go test -run '^$' -bench Pipeline -cpu 1 ./pkg/sink/syslog/
//
// SPEC §8's target is 100,000 events/s; pkg/sink/hec has the same pipeline
// ending in HEC encode + gzip. No test asserts a timing.
//go:build unix

package syslog

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/state"
)

// pipelineRecords are n decoded records shaped like the simulator's: distinct
// users, one to three sender addresses, every counter set.
func pipelineRecords(n int) []serapi.Record {
	apps := []string{"Salesforce", "Workday", "ServiceNow", "Zendesk", "HubSpot", "Jira"}
	out := make([]serapi.Record, n)
	for i := range out {
		total := int64(100 + i%5000)
		r := serapi.Record{
			ApplicationName:     apps[i%len(apps)],
			ApplicationUserName: fmt.Sprintf("notifications-%d", i),
			FromEnvelope:        []string{fmt.Sprintf("bounces-%d@mail.example.com", i%97)},
			FromHeader:          []string{"example.com", "example.org"}[:1+i%2],
			Status: serapi.Status{Success: total - 5, Failure: int64(i % 3), TempFailure: 2, InProgress: 1,
				Total: total, RecipientsTotal: total + total/5},
			Size:    serapi.Size{MessageSizeTotal: total * 41000, DeliveredSizeTotal: total * 40900},
			Details: serapi.Details{DSN2xx: total - 5, DSN4xx: 2, DSN5xx: int64(i % 3)},
		}
		out[i] = r
	}
	return out
}

// rawRecords views records as the decoder hands them over.
func rawRecords(recs []serapi.Record) []serapi.RawRecord {
	out := make([]serapi.RawRecord, len(recs))
	for i := range recs {
		out[i] = event.RawRecord(&recs[i])
	}
	return out
}

var pipelineEntitlement = serapi.Entitlement{AnnualThroughput: 1 << 40,
	LicenseStart: "2026-01-01T00:00:00.000Z", LicenseEnd: "2027-01-01T00:00:00.000Z"}

// queueWindow queues a window of decoded records as the poller does
// (flattened as they stream in, packed into batches, published with the
// window constants), and returns the events queued.
func queueWindow(b *testing.B, st *state.Store, w serapi.Window, recs []serapi.RawRecord) int {
	before, _ := st.Stat("qradar")
	in := config.Input{Name: "acme", Window: time.Hour, Concurrency: 1, Sinks: []string{"qradar"}}
	p := poller.New(poller.Config{Input: in, Fetcher: poller.Answer{Records: recs, Entitlement: pipelineEntitlement}, Store: st})
	if _, err := p.Backfill(context.Background(), w.Start, w.End, nil); err != nil {
		b.Fatal(err)
	}
	after, _ := st.Stat("qradar")
	return int(after.Events - before.Events)
}

// deliverSyslog empties the queue the way the delivery loop and
// WritePacked do, up to the framed messages: entries opened in reused
// Packeds, messages rendered straight from them. It returns the events and
// bytes produced.
func deliverSyslog(b *testing.B, st *state.Store, s *Sink) (events, bytes int) {
	var opened []*event.Packed
	for {
		entries, err := st.Peek("qradar", 1000)
		if err != nil {
			b.Fatal(err)
		}
		if len(entries) == 0 {
			return events, bytes
		}
		for len(opened) < len(entries) {
			opened = append(opened, new(event.Packed))
		}
		for i, e := range entries {
			if err := state.OpenBatch(e.Data, opened[i]); err != nil {
				b.Fatal(err)
			}
		}
		s.encodePacked(opened[:len(entries)])
		bytes += len(s.out.buf)
		if err := st.Ack("qradar", entries); err != nil {
			b.Fatal(err)
		}
		events += len(s.out.ends)
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkPipeline(b *testing.B) {
	for _, records := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("leef_window%d", records), func(b *testing.B) {
			recs := rawRecords(pipelineRecords(records))
			st, err := state.Open(filepath.Join(b.TempDir(), "state.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			sk, err := New(sink.Settings{Name: "qradar", Logger: zap.NewNop(), Version: testVersion, Hostname: "machine",
				Metrics: sink.NopMetrics{}}, syslogConfig("127.0.0.1:6514", "tcp"))
			if err != nil {
				b.Fatal(err)
			}
			s := sk.(*Sink)
			w := serapi.Window{Start: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			m0, cpu0 := ms.Mallocs, cpuTime()
			var events, size int
			b.ReportAllocs()
			for b.Loop() {
				w.End = w.Start.Add(time.Hour)
				queued := queueWindow(b, st, w, recs)
				n, z := deliverSyslog(b, st, s)
				if n != queued {
					b.Fatalf("delivered %d events of %d", n, queued)
				}
				events, size = events+n, size+z
				w.Start = w.End
			}
			cpu := cpuTime() - cpu0
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
			b.ReportMetric(float64(ms.Mallocs-m0)/float64(events), "allocs/event")
			b.ReportMetric(float64(size)/float64(events), "B/message")
		})
	}
}
