// Delivered: what a failed Write delivered is skipped by the retry, by
// eventId and revision, and forgotten on success.

package sink_test

import (
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

func TestDelivered(t *testing.T) {
	ev := func(id string, rev int64) *event.Event {
		var e event.Event
		if id != "" {
			e.AddString(event.KeyEventID, id)
		}
		e.AddInt(event.KeyRevision, rev)
		return &e
	}
	var d sink.Delivered
	if d.Has(ev("a", 0)) {
		t.Fatal("an empty Delivered has an event")
	}
	if got := sink.DeliveredKey("a", 3); got != "a#3" {
		t.Fatalf("DeliveredKey = %q", got)
	}
	d.Add(sink.DeliveredKey("a", 0))
	d.Add(sink.DeliveredKey("", 0)) // no eventId: never remembered
	switch {
	case !d.Has(ev("a", 0)):
		t.Fatal("a#0 was delivered but is not remembered")
	case d.Has(ev("a", 1)):
		t.Fatal("revision 1 of a is taken for revision 0")
	case d.Has(ev("", 0)):
		t.Fatal("an event without eventId is taken for delivered")
	}
	d.Reset()
	if d.Has(ev("a", 0)) {
		t.Fatal("Reset kept a#0")
	}
}
