// batch_test.go checks the queue entry header: the format byte, and that an
// entry of another format is refused with a clear error, not misread.
package state

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
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
