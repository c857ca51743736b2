// The per-sink summary `serfwd once` ends with: events delivered and
// dead-lettered in this run (read from the same counters /metrics serves)
// and events still queued in the state file.

package main

import (
	"fmt"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"
)

// sinkTally is one sink's outcome of a run.
type sinkTally struct {
	name                    string
	delivered, queued, dead int64
}

// tallySinks reads the run's counters of every sink from g and what stays
// queued from left. The delivery loop counts a batch as sent once the sink
// took it, dead letters included (a sink dead-letters inside its Write), so
// the delivered events are sent minus dead-lettered.
func tallySinks(g prometheus.Gatherer, sinks []string, left map[string]int64) []sinkTally {
	sent := counterBySink(g, "serfwd_sink_sent_total")
	dead := counterBySink(g, "serfwd_deadletter_total")
	out := make([]sinkTally, 0, len(sinks))
	for _, s := range sinks {
		out = append(out, sinkTally{name: s, delivered: max(sent[s]-dead[s], 0), queued: left[s], dead: dead[s]})
	}
	return out
}

// counterBySink returns the counter family name's values by their sink label.
func counterBySink(g prometheus.Gatherer, name string) map[string]int64 {
	out := map[string]int64{}
	families, _ := g.Gather() // a partial answer still holds what it could gather
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "sink" {
					out[l.GetValue()] = int64(m.GetCounter().GetValue())
				}
			}
		}
	}
	return out
}

// describeTally renders one sink's line.
func describeTally(t sinkTally, stateDir string) string {
	line := fmt.Sprintf("sink %q: %d delivered, %d still queued", t.name, t.delivered, t.queued)
	if t.queued > 0 {
		line += " (they stay in the state file for the next run)"
	}
	line += fmt.Sprintf(", %d dead-lettered", t.dead)
	if t.dead > 0 {
		line += " (see " + filepath.Join(stateDir, "deadletter-"+t.name+".ndjson") + ")"
	}
	return line
}
