// Command queuefill prepares the shipping comparison of packaging/bench.sh:
// it flattens synthetic SER records into events, queues them for one sink in
// a fresh serfwd state file (one queue entry per window of records, as the
// poller packs them), moves the input's cursor a day ahead so that `serfwd once` only
// delivers, and writes the very same events as NDJSON for other shippers.
// It is a benchmark helper, not part of serfwd.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

func main() {
	statePath := flag.String("state", "", "state file to create (must not exist)")
	sinkName := flag.String("sink", "splunk", "sink whose queue is filled")
	input := flag.String("input", "sim", "input whose cursor is moved ahead")
	records := flag.Int("records", 200000, "records to queue (plus one ser.window event per window)")
	perWindow := flag.Int("per-window", 1000, "records per window")
	ndjson := flag.String("ndjson", "", "also write the events here, one JSON object a line")
	flag.Parse()
	if *statePath == "" || *records <= 0 || *perWindow <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	n, err := fill(*statePath, *sinkName, *input, *records, *perWindow, *ndjson)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n)
}

// commitBatches is how many queue entries one preparing transaction holds.
const commitBatches = 40

// fill queues the events and returns how many there are.
func fill(path, sinkName, input string, records, perWindow int, ndjson string) (int, error) {
	st, err := state.Open(path)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	var out *bufio.Writer
	if ndjson != "" {
		f, err := os.Create(ndjson)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		out = bufio.NewWriterSize(f, 1<<20)
	}
	ent := serapi.Entitlement{AnnualThroughput: 1 << 40, LicenseStart: "2026-01-01T00:00:00.000Z", LicenseEnd: "2027-01-01T00:00:00.000Z"}
	start := time.Now().UTC().Truncate(time.Hour).Add(-time.Duration(records/perWindow+1) * time.Hour)
	total := 0
	var line []byte
	var pending []state.Batch // several windows per transaction: preparing is not what is measured
	for done := 0; done < records; done += perWindow {
		w := serapi.Window{Start: start, End: start.Add(time.Hour)}
		recs := makeRecords(done, min(perWindow, records-done))
		evs := make([]event.Event, 0, len(recs)+1)
		for i := range recs {
			evs = append(evs, event.FromRecord(input, w, &recs[i], &ent, 0))
		}
		evs = append(evs, event.FromWindow(input, w, recs, &ent, 0))
		enc := state.NewEncoder(0)
		for i := range evs {
			if err := enc.Add(&evs[i]); err != nil {
				return total, err
			}
			if out != nil {
				line = append(evs[i].AppendJSON(line[:0]), '\n')
				if _, err := out.Write(line); err != nil {
					return total, err
				}
			}
		}
		batches, err := enc.Finish()
		if err != nil {
			return total, err
		}
		pending = append(pending, batches...)
		if len(pending) >= commitBatches || done+perWindow >= records {
			if err := st.Commit(state.Commit{Input: input, Sinks: []string{sinkName}, Batches: pending}); err != nil {
				return total, err
			}
			pending = nil
		}
		total += len(evs)
		start = w.End
	}
	if out != nil {
		if err := out.Flush(); err != nil {
			return total, err
		}
	}
	return total, st.SetCursor(input, time.Now().UTC().Truncate(time.Hour).Add(24*time.Hour))
}

// makeRecords returns n synthetic records numbered from first, shaped like
// the simulator's.
func makeRecords(first, n int) []serapi.Record {
	apps := []string{"Salesforce", "Workday", "ServiceNow", "Zendesk", "HubSpot", "Jira"}
	out := make([]serapi.Record, n)
	for k := range out {
		i := first + k
		total := int64(100 + i%5000)
		out[k] = serapi.Record{
			ApplicationName:     apps[i%len(apps)],
			ApplicationUserName: fmt.Sprintf("notifications-%d", i),
			FromEnvelope:        []string{fmt.Sprintf("bounces-%d@mail.example.com", i%97)},
			FromHeader:          []string{"example.com", "example.org"}[:1+i%2],
			Status: serapi.Status{Success: total - 5, Failure: int64(i % 3), TempFailure: 2, InProgress: 1,
				Total: total, RecipientsTotal: total + total/5},
			Size:    serapi.Size{MessageSizeTotal: total * 41000, DeliveredSizeTotal: total * 40900},
			Details: serapi.Details{DSN2xx: total - 5, DSN4xx: 2, DSN5xx: int64(i % 3)},
		}
	}
	return out
}
