// What each sink did in a one-shot pass: events delivered and dead-lettered
// in this run (read from the same counters /metrics serves) and events still
// queued in the state file.

package agent

import (
	"github.com/prometheus/client_golang/prometheus"
)

// SinkTally is one sink's outcome of a pass.
type SinkTally struct {
	Name           string
	Delivered      int64  // events the sink took and did not dead-letter
	Queued         int64  // events still in the state file
	DeadLettered   int64  // events the sink refused for good
	DeadLetterPath string // where the dead-lettered events are
}

// tally reads the pass's counters of every sink, in config order, and what
// stays queued from left. The delivery loop counts as sent only what the
// destination took, not what the sink dead-lettered in the same Write;
// dead letters include unreadable queue entries set aside.
func (a *Agent) tally(left map[string]int64) []SinkTally {
	g := a.metrics.Registry()
	sent := counterBySink(g, "serfwd_sink_sent_total")
	dead := counterBySink(g, "serfwd_deadletter_total")
	out := make([]SinkTally, 0, len(a.loops))
	for _, l := range a.loops {
		t := SinkTally{Name: l.Name, Delivered: sent[l.Name], Queued: left[l.Name], DeadLettered: dead[l.Name]}
		if l.DeadLetters != nil {
			t.DeadLetterPath = l.DeadLetters.Path()
		}
		out = append(out, t)
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
