package poller

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/state"
)

// TestFingerprintsNumberLikeOrdinals: numbering duplicate identities from
// the fingerprint list gives what event.Ordinals (a plain map) gives, across
// the growth of the table.
func TestFingerprintsNumberLikeOrdinals(t *testing.T) {
	var fp fingerprints
	var ords event.Ordinals
	for i := range 20_000 {
		k := i
		if i%7 == 3 {
			k = i / 3 // an identity seen before (or, rarely, the first of its kind)
		}
		id := event.Identity(sha256.Sum256(fmt.Appendf(nil, "identity %d", k)))
		want := ords.Next(id)
		got := fp.Ordinal(id)
		if got != want {
			t.Fatalf("record %d (identity %d): ordinal %d, want %d", i, k, got, want)
		}
		eventID := state.EventID(id)
		if got > 1 { // as the flattener derives it: any other id than the identity
			eventID = state.EventID(sha256.Sum256(fmt.Appendf(nil, "identity %d\x1f%d", k, got)))
		}
		fp.add(eventID, uint64(i), false)
	}
	if len(fp.recs) != 20_000 || fp.used != ords.Len() {
		t.Fatalf("%d records, %d identities in the table, want 20000 and %d", len(fp.recs), fp.used, ords.Len())
	}
}
