// Tests of settling: after SettleAfter every tempFailure and inProgress count
// of a record has moved to success or failure, identity and totals unchanged,
// and what is served follows the clock.

package sersim

import (
	"reflect"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

func TestSettle(t *testing.T) {
	const settle = 6 * time.Hour
	clock := newClock("2026-04-02T00:00:00.000Z")
	s, c := newSim(t, Options{Now: clock.Now, SettleAfter: settle})
	tok := c.token("k")
	changedWindows := 0
	for i := range 24 {
		w := window("2026-04-01T00:00:00.000Z", time.Hour)
		w.Start, w.End = w.Start.Add(time.Duration(i)*time.Hour), w.End.Add(time.Duration(i)*time.Hour)
		before := s.Expected(w, w.End.Add(settle-time.Millisecond))
		after := s.Expected(w, w.End.Add(settle))
		if later := s.Expected(w, w.End.Add(30*24*time.Hour)); !reflect.DeepEqual(after, later) {
			t.Errorf("%s changed again after settling", w)
		}
		if before.Users.Len() != after.Users.Len() {
			t.Fatalf("%s: %d records before settling, %d after", w, before.Users.Len(), after.Users.Len())
		}
		changed := false
		afterUsers := after.Users.Slice()
		for j, b := range before.Users.Slice() {
			a := afterUsers[j]
			if a.Unsettled() {
				t.Errorf("%s: record %d still unsettled after SettleAfter: %+v", w, j, a.Status)
			}
			if bad := checkRecord(a); len(bad) > 0 {
				t.Errorf("%s: settled record %d: %v", w, j, bad)
			}
			if !sameIdentity(a, b) || a.Status.Total != b.Status.Total || a.Status.RecipientsTotal != b.Status.RecipientsTotal {
				t.Errorf("%s: record %d changed identity or total:\n%+v\n%+v", w, j, b, a)
			}
			pending := b.Status.TempFailure + b.Status.InProgress
			moved := (a.Status.Success - b.Status.Success) + (a.Status.Failure - b.Status.Failure)
			if moved != pending || a.Status.Success < b.Status.Success || a.Status.Failure < b.Status.Failure {
				t.Errorf("%s: record %d moved %d, had %d pending: %+v -> %+v", w, j, moved, pending, b.Status, a.Status)
			}
			changed = changed || pending > 0
		}
		if changed {
			changedWindows++
		}
		// What is served follows the clock.
		for _, at := range []time.Time{w.End.Add(time.Minute), w.End.Add(settle)} {
			clock.Set(at)
			status, body := c.report(tok, w)
			got, _ := decode(t, body)
			if want := s.Expected(w, at); status != 200 || !reflect.DeepEqual(got, want) {
				t.Errorf("%s at %s: status %d, served %+v, expected %+v", w, at.Format(serapi.TimeLayout), status, got, want)
			}
		}
	}
	if changedWindows == 0 {
		t.Errorf("no window had unsettled records before SettleAfter")
	}
}

func sameIdentity(a, b serapi.Record) bool {
	return a.ApplicationName == b.ApplicationName && a.ApplicationUserName == b.ApplicationUserName &&
		reflect.DeepEqual(a.FromEnvelope, b.FromEnvelope) && reflect.DeepEqual(a.FromHeader, b.FromHeader)
}
