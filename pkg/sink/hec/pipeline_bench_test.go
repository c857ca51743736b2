// pipeline_bench_test.go measures serfwd's per-event CPU path from decoded
// records to HEC request bodies, as one window goes through it: flatten
// (the poller's streamed fetch: event.Flattener into state batches, one
// commit), read it back as a delivery loop does (Peek, OpenBatch, Ack) and
// render + gzip the HEC requests straight from the packed batches. Run it on one core:
//
//	go test -run '^$' -bench Pipeline -cpu 1 ./pkg/sink/hec/
//
// SPEC §8's target is 100,000 events/s. No test asserts a timing.
//go:build unix

package hec

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/serapi"
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
// window constants), and returns the events and bytes queued.
func queueWindow(b *testing.B, st *state.Store, w serapi.Window, recs []serapi.RawRecord) (events, size int) {
	before, _ := st.Stat("splunk")
	in := config.Input{Name: "acme", Window: time.Hour, Concurrency: 1, Sinks: []string{"splunk"}}
	p := poller.New(poller.Config{Input: in, Fetcher: poller.Answer{Records: recs, Entitlement: pipelineEntitlement}, Store: st})
	if _, err := p.Backfill(context.Background(), w.Start, w.End, nil); err != nil {
		b.Fatal(err)
	}
	after, _ := st.Stat("splunk")
	return int(after.Events - before.Events), int(after.Bytes - before.Bytes)
}

// deliverHEC empties the queue the way the delivery loop and WritePacked
// do, up to the request bodies: entries opened in reused Packeds, envelopes
// rendered straight from them, gzipped with the kept writer. It returns the
// events and gzipped bytes produced.
func deliverHEC(b *testing.B, st *state.Store, r *packedRenderer, bs *bodies, o options) (events, bytes int) {
	var opened []*event.Packed
	var all []int
	for {
		entries, err := st.Peek("splunk", o.maxEvents)
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
		bt := encodePacked(opened[:len(entries)], r)
		all = all[:0]
		for i := range bt.len() {
			all = append(all, i)
		}
		for _, req := range split(bt, all, o.maxEvents, o.maxBytes) {
			body := bs.build(bt, req, true)
			bytes += body.Len()
			_ = body.Close()
		}
		events += bt.len()
		bt.release()
		if err := st.Ack("splunk", entries); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the process's user and system CPU time so far: with -cpu 1 the
// events per CPU second do not depend on how long fsync waits for the disk.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkPipeline(b *testing.B) {
	for _, records := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("window%d", records), func(b *testing.B) {
			recs := rawRecords(pipelineRecords(records))
			st, err := state.Open(filepath.Join(b.TempDir(), "state.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			c := DefaultConfig()
			c.URL, c.Token, c.Index = "https://splunk.example.com:8088", testToken, "proofpoint"
			o := resolve(c, "loghost")
			r, bs := newPackedRenderer(newLayout(o)), newBodies()
			w := serapi.Window{Start: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			m0, cpu0 := ms.Mallocs, cpuTime()
			var events, gz, stored int
			b.ReportAllocs()
			for b.Loop() {
				w.End = w.Start.Add(time.Hour)
				queued, size := queueWindow(b, st, w, recs)
				stored += size
				n, z := deliverHEC(b, st, r, bs, o)
				if n != queued {
					b.Fatalf("delivered %d events of %d", n, queued)
				}
				events, gz = events+n, gz+z
				w.Start = w.End
			}
			cpu := cpuTime() - cpu0
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
			b.ReportMetric(float64(ms.Mallocs-m0)/float64(events), "allocs/event")
			b.ReportMetric(float64(gz)/float64(events), "gzip-B/event")
			b.ReportMetric(float64(stored)/float64(events), "queued-B/event")
		})
	}
}
