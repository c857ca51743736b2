// Tests of the Store's basics: the Encoder's round trip, commit, peek and ack
// across a reopen, the lock against a second Open, a file of junk refused,
// notifications on commit, CommitAll as one ordered transaction, the time
// each batch was queued, and errors naming the path once.

package state

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

func testEvents(n int, tag string) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		var e event.Event
		e.AddString(event.KeyEventType, event.TypeApplicationUser)
		e.AddString(event.KeyEventID, tag+"-"+strconv.Itoa(i))
		e.AddInt("success", int64(i))
		e.AddList("fromHeader", []string{"a.example", "b.example"})
		out[i] = e
	}
	return out
}

func encode(t testing.TB, batchEvents int, evs []event.Event) []Batch {
	t.Helper()
	enc := NewEncoder(batchEvents)
	for i := range evs {
		if err := enc.Add(&evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	b, err := enc.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "state.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestEncoderRoundTrip(t *testing.T) {
	evs := testEvents(2500, "w")
	batches := encode(t, 1000, evs)
	if len(batches) != 3 || batches[0].Events != 1000 || batches[2].Events != 500 {
		t.Fatalf("batches: got %d (%v events in first)", len(batches), batches[0].Events)
	}
	var got []event.Event
	for _, b := range batches {
		dec, err := DecodeBatch(b.Data)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, dec...)
	}
	if len(got) != len(evs) {
		t.Fatalf("decoded %d events, want %d", len(got), len(evs))
	}
	for i := range evs {
		if string(got[i].AppendJSON(nil)) != string(evs[i].AppendJSON(nil)) {
			t.Fatalf("event %d: got %s want %s", i, got[i].AppendJSON(nil), evs[i].AppendJSON(nil))
		}
	}
	if _, err := DecodeBatch(batches[0].Data[:len(batches[0].Data)/2]); err == nil {
		t.Fatal("a truncated batch decoded without error")
	}
}

func TestCommitPeekAckAndReopen(t *testing.T) {
	s, path := openTemp(t)
	w1 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if _, ok, _ := s.Cursor("acme"); ok {
		t.Fatal("new file has a cursor")
	}
	err := s.Commit(Commit{Input: "acme", Sinks: []string{"a", "b"}, Batches: encode(t, 10, testEvents(25, "w1")), Cursor: w1.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// An empty window moves the cursor without queueing anything.
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a", "b"}, Cursor: w1.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stat("a")
	if st.Events != 25 || st.Bytes <= 0 || st.Oldest.IsZero() {
		t.Fatalf("stat a: %+v", st)
	}
	entries, err := s.Peek("a", 15)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Events != 10 {
		t.Fatalf("peek 15 events: got %d entries", len(entries))
	}
	entries, _ = s.Peek("a", 20)
	if len(entries) != 2 {
		t.Fatalf("peek 20 events: got %d entries", len(entries))
	}
	if err := s.Ack("a", entries); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cur, ok, err := s.Cursor("acme")
	if err != nil || !ok || !cur.Equal(w1.Add(2*time.Hour)) {
		t.Fatalf("cursor after reopen: %v %v %v", cur, ok, err)
	}
	stA, _ := s.Stat("a")
	stB, _ := s.Stat("b")
	if stA.Events != 5 || stB.Events != 25 {
		t.Fatalf("after ack and reopen: a=%d b=%d events", stA.Events, stB.Events)
	}
	rest, _ := s.Peek("a", 100)
	evs, err := DecodeBatch(rest[0].Data)
	if err != nil || len(evs) != 5 || evs[0].ID() != "w1-20" {
		t.Fatalf("remaining events of a: %d, first %q, %v", len(evs), evs[0].ID(), err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode: %v %v", info.Mode(), err)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	_, path := openTemp(t)
	_, err := Open(path)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: got %v, want ErrLocked", err)
	}
}

func TestCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	junk := make([]byte, 64<<10)
	for i := range junk {
		junk[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("junk file: got %v, want ErrCorrupt", err)
	}
}

func TestNotifyOnCommit(t *testing.T) {
	s, _ := openTemp(t)
	ch := s.Notify("a")
	if err := s.Commit(Commit{Input: "i", Sinks: []string{"a"}, Batches: encode(t, 0, testEvents(1, "x"))}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Fatal("no notification after commit")
	}
	if _, ok, _ := s.Cursor("i"); ok {
		t.Fatal("a commit without a cursor moved it")
	}
}

func TestCommitAllIsOneOrderedTransaction(t *testing.T) {
	s, _ := openTemp(t)
	w := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	var cs []Commit
	for i := 0; i < 3; i++ {
		cs = append(cs, Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 0, testEvents(2, "w"+strconv.Itoa(i))),
			Cursor: w.Add(time.Duration(i+1) * time.Hour)})
	}
	if err := s.CommitAll(cs); err != nil {
		t.Fatal(err)
	}
	cur, _, _ := s.Cursor("acme")
	if !cur.Equal(w.Add(3 * time.Hour)) {
		t.Fatalf("cursor %s after three commits, want the last one's", cur)
	}
	entries, _ := s.Peek("a", 100)
	var ids []string
	for _, e := range entries {
		evs, _ := DecodeBatch(e.Data)
		for _, ev := range evs {
			ids = append(ids, ev.ID())
		}
	}
	if strings.Join(ids, " ") != "w0-0 w0-1 w1-0 w1-1 w2-0 w2-1" {
		t.Fatalf("queue order: %v", ids)
	}
}

func TestPeekSaysWhenEachBatchWasQueued(t *testing.T) {
	s, _ := openTemp(t)
	at := []time.Time{time.Date(2026, 11, 26, 10, 5, 1, 123e6, time.UTC), time.Date(2026, 11, 26, 11, 5, 2, 456e6, time.UTC)}
	for i, when := range at {
		enc := NewEncoder(10)
		enc.now = func() time.Time { return when.Add(789 * time.Microsecond) } // below a millisecond: not kept
		evs := testEvents(3, "w"+strconv.Itoa(i))
		for j := range evs {
			if err := enc.Add(&evs[j]); err != nil {
				t.Fatal(err)
			}
		}
		batches, _ := enc.Finish()
		if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: batches, Cursor: when}); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := s.Peek("a", 100)
	if err != nil || len(entries) != 2 {
		t.Fatalf("Peek: %d entries, %v", len(entries), err)
	}
	for i, e := range entries {
		if !e.Queued.Equal(at[i]) {
			t.Errorf("entry %d: Queued %s, want %s", i, e.Queued.UTC().Format(time.RFC3339Nano), at[i].Format(time.RFC3339Nano))
		}
	}
}

// An error of opening the state file names the path once, and keeps its
// cause for errors.Is.
func TestOpeningNamesThePathOnce(t *testing.T) {
	const path = "/var/lib/serfwd/state.db"
	err := opening(path, &fs.PathError{Op: "open", Path: path, Err: syscall.EROFS})
	if got, want := err.Error(), "opening state file "+path+": read-only file system"; got != want || !errors.Is(err, syscall.EROFS) {
		t.Errorf("opening: %q (EROFS kept: %v), want %q", got, errors.Is(err, syscall.EROFS), want)
	}
	other := &fs.PathError{Op: "open", Path: "/elsewhere", Err: syscall.EACCES}
	if got := opening(path, other).Error(); got != "opening state file "+path+": open /elsewhere: permission denied" {
		t.Errorf("an error about another path: %q", got)
	}
}
