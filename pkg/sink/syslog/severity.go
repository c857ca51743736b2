// severity.go computes the 1–10 severity that LEEF carries as sev and CEF
// as its header's Severity (SPEC §5), from the event's failure rate.

package syslog

import (
	"math/bits"

	"github.com/serfwd/serfwd/pkg/event"
)

// Keys the severity and LEEF's usrName are computed from.
const (
	keyTotal               = "total"
	keyApplicationUserName = "applicationUserName"
)

// failureSeverity is 1 when failure is 0 (or absent), else
// 1 + round(9 × failure ÷ total), capped at 10; a failure without a
// positive total, or more failures than total, is 10. Halves round up.
func failureSeverity(e *event.Event) int {
	return severityOf(e.IntValue(event.KeyFailure), e.IntValue(keyTotal))
}

// severityOf is failureSeverity of the counts failure and total.
func severityOf(failure, total int64) int {
	switch {
	case failure <= 0:
		return 1
	case total <= 0 || failure >= total:
		return 10
	}
	// round(9f/t) = floor((18f + t) / 2t), exact in 128 bits; below 10
	// because f < t.
	hi, lo := bits.Mul64(18, uint64(failure))
	lo, carry := bits.Add64(lo, uint64(total), 0)
	q, _ := bits.Div64(hi+carry, lo, 2*uint64(total))
	return 1 + int(q)
}
