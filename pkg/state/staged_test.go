package state

import (
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func queuedIDs(t *testing.T, s *Store, sink string) []string {
	t.Helper()
	entries, err := s.Peek(sink, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		evs, err := DecodeBatch(e.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			ids = append(ids, ev.ID())
		}
	}
	return ids
}

func TestCommitStagedMatchesCommit(t *testing.T) {
	s, _ := openTemp(t)
	w := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a", "b"}, Batches: encode(t, 10, testEvents(5, "small")), Cursor: w}); err != nil {
		t.Fatal(err)
	}
	big := encode(t, 10, testEvents(95, "big")) // 10 batches
	if err := s.CommitStaged(Commit{Input: "acme", Sinks: []string{"a", "b"}, Batches: big, Cursor: w.Add(time.Hour)}, 3); err != nil {
		t.Fatal(err)
	}
	cur, _, _ := s.Cursor("acme")
	if !cur.Equal(w.Add(time.Hour)) {
		t.Fatalf("cursor %s", cur)
	}
	for _, sink := range []string{"a", "b"} {
		ids := queuedIDs(t, s, sink)
		if len(ids) != 100 || ids[0] != "small-0" || ids[5] != "big-0" || ids[99] != "big-94" {
			t.Fatalf("sink %s holds %d events (%v … %v)", sink, len(ids), ids[:1], ids[len(ids)-1:])
		}
		if st, _ := s.Stat(sink); st.Events != 100 {
			t.Fatalf("sink %s stat %d events", sink, st.Events)
		}
	}
	// A later small commit lands after the staged window.
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(1, "after"))}); err != nil {
		t.Fatal(err)
	}
	if ids := queuedIDs(t, s, "a"); len(ids) != 101 || ids[100] != "after-0" {
		t.Fatalf("after a later commit: %d events, last %v", len(ids), ids[len(ids)-1:])
	}
}

// stageOnly writes batches the way an interrupted CommitStaged leaves them:
// staged, never published.
func stageOnly(t *testing.T, s *Store, sinks []string, batches []Batch) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, sink := range sinks {
			if _, _, err := stageQueue(tx, sink, batches); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStagedEntriesStayInvisibleAndVanishAfterACrash(t *testing.T) {
	s, path := openTemp(t)
	w := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(3, "ok")), Cursor: w}); err != nil {
		t.Fatal(err)
	}
	stageOnly(t, s, []string{"a"}, encode(t, 10, testEvents(20, "staged")))
	if ids := queuedIDs(t, s, "a"); len(ids) != 3 {
		t.Fatalf("delivery sees %d events while a window is staged, want the 3 committed", len(ids))
	}
	// Delivering the visible entries leaves the figures at zero, not
	// counting the staged ones.
	entries, _ := s.Peek("a", 100)
	if err := s.Ack("a", entries); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stat("a"); st.Events != 0 || st.Bytes != 0 {
		t.Fatalf("stat after acking the visible entries: %+v", st)
	}
	// "Crash": close and reopen; the leftovers are gone and the next
	// commit is the next thing delivered.
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(2, "next")), Cursor: w.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ids := queuedIDs(t, s2, "a")
	if len(ids) != 2 || ids[0] != "next-0" {
		t.Fatalf("after reopen: %v", ids)
	}
	cur, _, _ := s2.Cursor("acme")
	if !cur.Equal(w.Add(time.Hour)) {
		t.Fatalf("cursor %s", cur)
	}
}

func TestCommitRemovesLeftoversBeforeAppending(t *testing.T) {
	s, _ := openTemp(t)
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(1, "first"))}); err != nil {
		t.Fatal(err)
	}
	stageOnly(t, s, []string{"a"}, encode(t, 10, testEvents(30, "leftover")))
	for i := 0; i < 2; i++ {
		if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(1, "c"+strconv.Itoa(i)))}); err != nil {
			t.Fatal(err)
		}
	}
	ids := queuedIDs(t, s, "a")
	if len(ids) != 3 || ids[1] != "c0-0" || ids[2] != "c1-0" {
		t.Fatalf("a commit after an interrupted staging exposed leftovers: %v", ids)
	}
	if st, _ := s.Stat("a"); st.Events != 3 {
		t.Fatalf("stat %d events, want 3", st.Events)
	}
}
