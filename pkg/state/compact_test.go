// Tests that Open compacts a state file that is mostly free space: the file
// shrinks, keeps its cursor, queue, mode and lock, leaves no temporary file,
// and stays writable.

package state

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

func bulkyEvents(n int, tag string) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		junk := make([]byte, 5000)
		rand.Read(junk)
		var e event.Event
		e.AddString(event.KeyEventID, tag+"-"+strconv.Itoa(i))
		e.AddString("payload", hex.EncodeToString(junk)) // 10 KB that does not pack
		out[i] = e
	}
	return out
}

func TestOpenCompactsAMostlyFreeFile(t *testing.T) {
	s, path := openTemp(t)
	w := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 4; i++ {
		if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 100, bulkyEvents(500, "old"+strconv.Itoa(i))), Cursor: w}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := s.Peek("a", 1<<30)
	if err := s.Ack("a", entries); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 100, testEvents(3, "kept")), Cursor: w.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	big, _ := os.Stat(path)
	if big.Size() < minCompactSize {
		t.Fatalf("test setup: file is only %d bytes", big.Size())
	}

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	small, _ := os.Stat(path)
	if small.Size()*4 > big.Size() {
		t.Fatalf("file is %d bytes after compaction, was %d", small.Size(), big.Size())
	}
	if cur, ok, _ := s2.Cursor("acme"); !ok || !cur.Equal(w.Add(time.Hour)) {
		t.Fatalf("cursor after compaction: %v %v", cur, ok)
	}
	if ids := queuedIDs(t, s2, "a"); len(ids) != 3 || ids[0] != "kept-0" {
		t.Fatalf("queue after compaction: %v", ids)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("compacted file mode %v", info.Mode())
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Fatalf("temporary file left behind: %v", err)
	}
	// Still locked against a second process after the swap.
	if _, err := Open(path); err == nil {
		t.Fatal("a second Open succeeded on the compacted file")
	}
	// And writable.
	if err := s2.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 100, testEvents(1, "new"))}); err != nil {
		t.Fatal(err)
	}
}
