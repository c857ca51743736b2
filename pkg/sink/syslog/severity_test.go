// severity_test.go: SPEC §5's sev for hand-picked failure rates, halves and
// the edges included.

package syslog

import (
	"fmt"
	"math"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
)

func TestFailureSeverity(t *testing.T) {
	for _, c := range []struct {
		failure, total int64
		want           int
	}{
		{0, 0, 1}, {0, 1206, 1}, {-3, 10, 1}, // no failure
		{1, 19, 1},       // 9/19 = 0.47 rounds down
		{1, 18, 2},       // 9/18 = 0.5 rounds up
		{3, 1206, 1},     // 0.02
		{603, 1206, 6},   // 4.5 rounds up
		{1, 2, 6},        // 4.5
		{2, 3, 7},        // 6
		{17, 18, 10},     // 8.5 rounds up to 9
		{1206, 1206, 10}, // all failed
		{7, 5, 10},       // more failures than messages
		{5, 0, 10},       // failures without a total
		{math.MaxInt64 - 1, math.MaxInt64, 10},
		{1, math.MaxInt64, 1},
		{math.MaxInt64 / 18, math.MaxInt64, 1}, // just under 0.5
	} {
		t.Run(fmt.Sprintf("%d_of_%d", c.failure, c.total), func(t *testing.T) {
			var e event.Event
			e.AddInt("failure", c.failure)
			e.AddInt("total", c.total)
			if got := failureSeverity(&e); got != c.want {
				t.Errorf("severity %d, want %d", got, c.want)
			}
		})
	}
	var none event.Event // no counters at all: nothing failed
	if got := failureSeverity(&none); got != 1 {
		t.Errorf("severity without counters %d, want 1", got)
	}
}
