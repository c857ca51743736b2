// Progress within a batch: the events a failed Write still delivered (or
// dead-lettered), remembered so that the delivery loop's retry of the same
// batch resends only the rest.

package sink

import (
	"strconv"

	"github.com/serfwd/serfwd/pkg/event"
)

// maxDelivered bounds what a Delivered remembers; past it the memory is
// dropped, which costs only duplicates.
const maxDelivered = 100_000

// Delivered holds the eventId#revision of events that a failed Write
// delivered. It lives in one process: after a restart the whole batch may be
// sent again (at least once). The zero value is empty and ready; it is not
// safe for concurrent use (Write is never called concurrently on a sink).
type Delivered struct {
	keys map[string]struct{}
}

// DeliveredKey identifies an event within a batch: eventId#revision, or ""
// when the event has no eventId (such events are never remembered).
func DeliveredKey(id string, revision int64) string {
	if id == "" {
		return ""
	}
	return id + "#" + strconv.FormatInt(revision, 10)
}

// Add remembers the event of key (DeliveredKey) as delivered.
func (d *Delivered) Add(key string) {
	if key == "" {
		return
	}
	if d.keys == nil || len(d.keys) >= maxDelivered {
		d.keys = make(map[string]struct{})
	}
	d.keys[key] = struct{}{}
}

// Has reports whether an earlier Write delivered ev.
func (d *Delivered) Has(ev *event.Event) bool {
	if len(d.keys) == 0 {
		return false
	}
	_, ok := d.keys[DeliveredKey(ev.ID(), ev.Revision())]
	return ok
}

// Reset forgets everything: a Write succeeded, the batch is done.
func (d *Delivered) Reset() { d.keys = nil }
