// packed_test.go checks that lines rendered straight from packed batches are
// byte for byte those rendered from the events the batches decode into, and
// runs the sink's tests again on the packed path (TestPackedPath).

package file

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/packedtest"
)

func TestPackedLinesMatchEvents(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 5))
	s := newSink(t, Config{Path: tempPath(t)})
	opened := []*event.Packed{new(event.Packed), new(event.Packed), new(event.Packed)}
	for round := range 300 {
		var evs []event.Event
		batches := packedtest.Mixed(t, rng, round)
		for i, b := range batches {
			evs = append(evs, b.Events(t)...)
			b.Open(t, opened[i])
		}
		s.encode(evs)
		want := bytes.Clone(s.buf)
		s.encodePacked(opened[:len(batches)])
		if !bytes.Equal(s.buf, want) {
			t.Fatalf("round %d:\n got %s\nwant %s", round, s.buf, want)
		}
	}
}

// TestPackedPath runs the sink's tests again with WritePacked: writeFor and
// mustWrite then pack the events into queue batches and open them.
func TestPackedPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		test func(*testing.T)
	}{
		{"WriteLines", TestWriteLines}, {"EmptyBatchOpensNothing", TestEmptyBatchOpensNothing},
		{"AppendsAcrossRestartAndReopen", TestAppendsAcrossRestartAndReopen}, {"RetryAfterShortWrite", TestRetryAfterShortWrite},
		{"WriteErrorNamesPath", TestWriteErrorNamesPath}, {"ReopenAfterExternalRename", TestReopenAfterExternalRename},
		{"CloseIsIdempotent", TestCloseIsIdempotent}, {"WriteHonoursCancelledContext", TestWriteHonoursCancelledContext},
		{"ForeignContentIsKept", TestForeignContentIsKept}, {"OwnTornWriteIsCut", TestOwnTornWriteIsCut},
		{"UnreadableTornWriteIsCutToItsStart", TestUnreadableTornWriteIsCutToItsStart}, {"Rotation", TestRotation},
		{"RotationAtExactFit", TestRotationAtExactFit},
	} {
		t.Run(tc.name, tc.test)
	}
}
