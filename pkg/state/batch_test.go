// batch_test.go checks the queue entry header: the format byte, and that an
// entry of another format is refused with a clear error, not misread.

package state

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
)

func TestDecodeBatchRejectsUnknownFormat(t *testing.T) {
	good := encode(t, 0, testEvents(3, "f"))[0].Data
	if good[0] != batchFormat {
		t.Fatalf("format byte %d, want %d", good[0], batchFormat)
	}
	for _, format := range []byte{0, 1, 3, 0xff} {
		data := append([]byte{format}, good[1:]...)
		_, err := DecodeBatch(data)
		if !errors.Is(err, errUnknownFormat) || !strings.Contains(err.Error(), fmt.Sprintf("format %d,", format)) {
			t.Errorf("format %d: got %v", format, err)
		}
	}
	if _, err := DecodeBatch(nil); err == nil {
		t.Error("an empty entry decoded")
	}
	var p event.Packed
	if err := OpenBatch(append([]byte{3}, good[1:]...), &p); !errors.Is(err, errUnknownFormat) {
		t.Errorf("OpenBatch of format 3: got %v", err)
	}
}

// TestOpenBatchAsDecodeBatch: OpenBatch fails exactly when DecodeBatch does,
// on entries with window constants cut at every length and with bytes
// changed, and otherwise reads the same events.
func TestOpenBatchAsDecodeBatch(t *testing.T) {
	ent := serapi.Entitlement{AnnualThroughput: 42, LicenseStart: "2026-01-01T00:00:00.000Z", LicenseEnd: "2027-01-01T00:00:00.000Z"}
	good := withConsts(event.Consts(&ent), encode(t, 0, testEvents(3, "f"))[0].Data)
	var p event.Packed
	try := func(data []byte) {
		want, derr := DecodeBatch(data)
		err := OpenBatch(data, &p)
		if (err == nil) != (derr == nil) {
			t.Fatalf("OpenBatch: %v; DecodeBatch: %v", err, derr)
		}
		if err == nil {
			sameOpened(t, data, want)
		}
	}
	for n := range len(good) + 1 {
		try(good[:n])
	}
	for i := range good {
		for _, v := range []byte{0, 1, 2, 4, 0x7f, 0x80, 0xff} {
			b := bytes.Clone(good)
			b[i] = v
			try(b)
		}
	}
}

func TestPeekMarksUnknownFormat(t *testing.T) {
	s, _ := openTemp(t)
	batches := encode(t, 0, testEvents(3, "f"))
	batches[0].Data[0] = 1 // as an older serfwd wrote it
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: batches, Cursor: time.Now()}); err != nil {
		t.Fatal(err)
	}
	entries, err := s.Peek("a", 10)
	if err != nil || len(entries) != 1 || !errors.Is(entries[0].Bad, errUnknownFormat) {
		t.Fatalf("peek: got %d entries, %v; want the entry alone, marked with the unknown format error", len(entries), err)
	}
}
