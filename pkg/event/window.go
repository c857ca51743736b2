// window.go builds the ser.window event of a window (SPEC §4) and the whole
// event sequence of one report.

package event

import (
	"math"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// windowKeyCount is the number of keys of a ser.window event.
const windowKeyCount = 7 + counterCount + 3

// FromWindow builds the ser.window event of window w of input: how many
// records it had, the sum of each counter over them (saturating at the int64
// limits), and the entitlement (ent may be nil). It exists also for empty
// windows, so that they and licence use stay visible.
func FromWindow(input string, w serapi.Window, users []serapi.Record, ent *serapi.Entitlement, revision int64) Event {
	var sums [counterCount]int64
	for i := range users {
		addCounters(&sums, &users[i])
	}
	return windowEvent(input, w, len(users), &sums, ent, revision)
}

// FromWindowRecords is FromWindow over a decoded report's packed records.
func FromWindowRecords(input string, w serapi.Window, users serapi.Records, ent *serapi.Entitlement, revision int64) Event {
	var sums [counterCount]int64
	for _, u := range users.All() {
		addCounters(&sums, u)
	}
	return windowEvent(input, w, users.Len(), &sums, ent, revision)
}

// addCounters adds r's counters to sums.
func addCounters(sums *[counterCount]int64, r *serapi.Record) {
	c := counters(r)
	for j := range sums {
		sums[j] = addSat(sums[j], c[j])
	}
}

// windowEvent builds the ser.window event from a record count and sums.
func windowEvent(input string, w serapi.Window, records int, sums *[counterCount]int64, ent *serapi.Entitlement, revision int64) Event {
	var scratch [256]byte
	var text [idLen + 2*len(TimeLayout)]byte
	t := appendWindowID(text[:0], scratch[:0], input, w.Start)
	t = appendTime(t, w.Start)
	n1 := len(t)
	t = appendTime(t, w.End)
	s := string(t)

	e := Event{Fields: make([]Field, 0, windowKeyCount)}
	e.AddString(KeyEventType, TypeWindow)
	e.AddString(KeyEventID, s[:idLen])
	e.AddInt(KeyRevision, revision)
	e.AddString(KeyInput, Clean(input))
	e.AddString(KeyWindowStart, s[idLen:n1])
	e.AddString(KeyWindowEnd, s[n1:])
	e.AddInt(KeyRecords, int64(records))
	for i := range sums {
		e.AddInt(counterKeys[i], sums[i])
	}
	addEntitlement(&e, ent)
	return e
}

// addSat adds without wrapping around: a sum that overflows sticks at the limit.
func addSat(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

// FromReport returns every event of one fetch of window w: each record's
// ser.applicationUser event in body order, then the window's ser.window event
// last (so that a consumer that has the window event has already been sent
// the window's records), all at revision 0, records of the same identity
// numbered in answer order. rep may be nil (an empty window).
// It holds all events in memory at once; for very large windows call
// FromRecord per record and encode each event as it is made.
func FromReport(input string, w serapi.Window, rep *serapi.Report) []Event {
	var users serapi.Records
	var ent *serapi.Entitlement
	if rep != nil {
		users, ent = rep.Users, &rep.Entitlement
	}
	out := make([]Event, 0, users.Len()+1)
	var ords Ordinals
	for _, u := range users.All() {
		out = append(out, FromRecordOrdinal(input, w, u, ent, 0, ords.Number(input, w.Start, u)))
	}
	return append(out, FromWindowRecords(input, w, users, ent, 0))
}
