// Readiness: the state file is open and no input is stuck.

package metrics

import (
	"fmt"
	"sort"
	"time"
)

// stuckFactor is how many intervals an input may go without progress.
const stuckFactor = 3

// progress is one input's poll rhythm and its last sign of life.
type progress struct {
	interval time.Duration
	last     time.Time // last PollDone or Committed, else when the interval was set
}

// SetReady records whether the state file is open.
func (m *Metrics) SetReady(ready bool) {
	m.mu.Lock()
	m.ready = ready
	m.mu.Unlock()
}

// SetInterval sets an input's poll interval and arms its stuck detection;
// the input then has 3× d from now to complete its first poll pass.
// A zero or negative d disarms it.
func (m *Metrics) SetInterval(input string, d time.Duration) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.inputs[input]
	if p == nil {
		p = &progress{last: now}
		m.inputs[input] = p
	}
	p.interval = d
}

// PollDone records that an input completed a poll pass.
func (m *Metrics) PollDone(input string) { m.progressed(input) }

// progressed stamps an input's last progress with the clock.
func (m *Metrics) progressed(input string) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if p := m.inputs[input]; p != nil {
		p.last = now
	} else {
		m.inputs[input] = &progress{last: now}
	}
}

// Problems lists why serfwd is not ready, one line each; nil when ready.
func (m *Metrics) Problems() []string {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	if !m.ready {
		out = append(out, "state file not open")
	}
	names := make([]string, 0, len(m.inputs))
	for in := range m.inputs {
		names = append(names, in)
	}
	sort.Strings(names)
	for _, in := range names {
		p := m.inputs[in]
		if p.interval <= 0 {
			continue
		}
		if since := now.Sub(p.last); since > stuckFactor*p.interval {
			out = append(out, fmt.Sprintf("input %q stuck: no completed poll for %s (interval %s)",
				in, since.Round(time.Second), p.interval))
		}
	}
	return out
}
