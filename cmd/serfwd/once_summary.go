// The per-sink summary `serfwd once` ends with, from the agent's tallies:
// events delivered and dead-lettered in this run and events still queued in
// the state file.

package main

import (
	"fmt"

	"github.com/serfwd/serfwd/pkg/agent"
)

// describeTally renders one sink's line.
func describeTally(t agent.SinkTally) string {
	line := fmt.Sprintf("sink %q: %d delivered, %d still queued", t.Name, t.Delivered, t.Queued)
	if t.Queued > 0 {
		line += " (they stay in the state file for the next run)"
	}
	line += fmt.Sprintf(", %d dead-lettered", t.DeadLettered)
	if t.DeadLettered > 0 {
		line += " (see " + t.DeadLetterPath + ")"
	}
	return line
}
