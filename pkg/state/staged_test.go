// Tests of staging: a staged window stays invisible until its commit
// publishes it, batches leave the batch store with their last reference,
// stages left by a crash or dropped leave nothing, staged events get the
// window's constants, and what older serfwd versions left (staging leftovers,
// inline entries, staged batches) is handled at Open.

package state

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
)

func queuedIDs(t *testing.T, s *Store, sink string) []string {
	t.Helper()
	var ids []string
	for _, ev := range queuedEvents(t, s, sink) {
		ids = append(ids, ev.ID())
	}
	return ids
}

func queuedEvents(t *testing.T, s *Store, sink string) []event.Event {
	t.Helper()
	entries, err := s.Peek(sink, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var out []event.Event
	for _, e := range entries {
		if e.Bad != nil {
			t.Fatal(e.Bad)
		}
		evs, err := DecodeBatch(e.Data)
		if err != nil {
			t.Fatal(err)
		}
		sameOpened(t, e.Data, evs)
		out = append(out, evs...)
	}
	return out
}

// sameOpened checks that OpenBatch reads data as the events DecodeBatch
// returned.
func sameOpened(t *testing.T, data []byte, want []event.Event) {
	t.Helper()
	var p event.Packed
	if err := OpenBatch(data, &p); err != nil {
		t.Fatalf("OpenBatch: %v", err)
	}
	got := p.Events()
	if len(got) != len(want) {
		t.Fatalf("OpenBatch: %d events, DecodeBatch %d", len(got), len(want))
	}
	for i := range want {
		if g, w := got[i].AppendJSON(nil), want[i].AppendJSON(nil); string(g) != string(w) {
			t.Fatalf("OpenBatch event %d:\n got %s\nwant %s", i, g, w)
		}
	}
}

// batchCount is how many batches the batch store holds.
func batchCount(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketBatches).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStagedWindowIsInvisibleUntilCommitted(t *testing.T) {
	s, _ := openTemp(t)
	w := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a", "b"}, Batches: encode(t, 10, testEvents(5, "small")), Cursor: w}); err != nil {
		t.Fatal(err)
	}
	st := s.NewStage()
	for i := range 4 { // a large window staged in four transactions
		if err := st.Add(encode(t, 10, testEvents(25, "big"+strconv.Itoa(i))), nil); err != nil {
			t.Fatal(err)
		}
		if ids := queuedIDs(t, s, "a"); len(ids) != 5 {
			t.Fatalf("delivery sees %d events while a window is staged, want the 5 committed", len(ids))
		}
		if stat, _ := s.Stat("a"); stat.Events != 5 {
			t.Fatalf("stat counts %d events while a window is staged", stat.Events)
		}
	}
	if cur, _, _ := s.Cursor("acme"); !cur.Equal(w) {
		t.Fatalf("staging moved the cursor to %s", cur)
	}
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a", "b"}, Stage: st, Batches: encode(t, 10, testEvents(1, "window")), Cursor: w.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if cur, _, _ := s.Cursor("acme"); !cur.Equal(w.Add(time.Hour)) {
		t.Fatalf("cursor %s after the commit", cur)
	}
	for _, sink := range []string{"a", "b"} {
		ids := queuedIDs(t, s, sink)
		if len(ids) != 106 || ids[0] != "small-0" || ids[5] != "big0-0" || ids[104] != "big3-24" || ids[105] != "window-0" {
			t.Fatalf("sink %s holds %d events (%v … %v)", sink, len(ids), ids[:1], ids[len(ids)-1:])
		}
		if stat, _ := s.Stat(sink); stat.Events != 106 {
			t.Fatalf("sink %s stat %d events", sink, stat.Events)
		}
	}
	// Each batch is stored once for both sinks.
	if n := batchCount(t, s); n != 1+4*3+1 {
		t.Fatalf("batch store holds %d batches, want 14", n)
	}
	if err := st.Drop(); err != nil || batchCount(t, s) != 14 {
		t.Fatalf("dropping a committed stage: %v, %d batches left", err, batchCount(t, s))
	}
}

func TestBatchLeavesTheStoreWithItsLastReference(t *testing.T) {
	s, _ := openTemp(t)
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a", "b"}, Batches: encode(t, 10, testEvents(30, "x"))}); err != nil {
		t.Fatal(err)
	}
	entries, _ := s.Peek("a", 1<<20)
	if err := s.Ack("a", entries); err != nil {
		t.Fatal(err)
	}
	if n := batchCount(t, s); n != 3 {
		t.Fatalf("after one sink delivered, %d batches left, want the 3 the other sink still needs", n)
	}
	if ids := queuedIDs(t, s, "b"); len(ids) != 30 {
		t.Fatalf("sink b holds %d events", len(ids))
	}
	entries, _ = s.Peek("b", 1<<20)
	if err := s.Ack("b", entries); err != nil {
		t.Fatal(err)
	}
	if n := batchCount(t, s); n != 0 {
		t.Fatalf("%d batches left after both sinks delivered", n)
	}
	for _, sink := range []string{"a", "b"} {
		if st, _ := s.Stat(sink); st.Events != 0 || st.Bytes != 0 {
			t.Fatalf("sink %s stat %+v", sink, st)
		}
	}
}

func TestStagesLeftByACrashVanishAtOpen(t *testing.T) {
	s, path := openTemp(t)
	w := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(3, "ok")), Cursor: w}); err != nil {
		t.Fatal(err)
	}
	kept := stageRecords(t, s, testRecords(0, 4), 4)
	if err := s.Commit(Commit{Input: "acme", Stage: kept, Revisit: testRevisit(w)}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // three windows fetched in parallel, none committed
		if err := s.NewStage().Add(encode(t, 10, testEvents(20, "staged"+strconv.Itoa(i))), testRecords(10*i, 5)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Staged(); err != nil || n != 9 {
		t.Fatalf("Staged() = %d, %v; want 6 batches and 3 fingerprint sets", n, err)
	}
	scratch, err := s.Scratch()
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	// A scratch file that a crash caught before it was unlinked.
	leftover := filepath.Join(filepath.Dir(path), scratchPrefix(path)+"123")
	if err := os.WriteFile(leftover, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.Close() // as a crash leaves it
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n := batchCount(t, s2); n != 1 {
		t.Fatalf("after reopening, %d batches, want only the committed one", n)
	}
	if ids := queuedIDs(t, s2, "a"); len(ids) != 3 {
		t.Fatalf("queue after reopening: %v", ids)
	}
	if cur, _, _ := s2.Cursor("acme"); !cur.Equal(w) {
		t.Fatalf("cursor %s", cur)
	}
	if n := setCount(t, s2); n != 1 {
		t.Fatalf("after reopening, %d fingerprint sets, want only the revisit entry's", n)
	}
	requireRecords(t, listed(t, s2, "acme", w), testRecords(0, 4))
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Fatalf("the scratch file left by a crash is still there: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.Contains(e.Name(), "scratch") {
			t.Fatalf("scratch file %s visible in the state directory", e.Name())
		}
	}
}

func TestDroppedStageLeavesNothing(t *testing.T) {
	s, _ := openTemp(t)
	st := s.NewStage()
	if err := st.Add(encode(t, 10, testEvents(25, "failed")), testRecords(0, 25)); err != nil {
		t.Fatal(err)
	}
	if st.Events() != 25 || st.Records() != 25 {
		t.Fatalf("stage holds %d events, %d records", st.Events(), st.Records())
	}
	if err := st.Drop(); err != nil {
		t.Fatal(err)
	}
	if n, sets := batchCount(t, s), setCount(t, s); n != 0 || sets != 0 {
		t.Fatalf("%d batches and %d fingerprint sets after dropping the stage", n, sets)
	}
	// A commit of a dropped (empty) stage publishes nothing but moves the cursor.
	w := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Stage: st, Cursor: w}); err != nil {
		t.Fatal(err)
	}
	if ids := queuedIDs(t, s, "a"); len(ids) != 0 {
		t.Fatalf("queue holds %v", ids)
	}
}

// TestStagedEventsGetTheWindowConstants: events packed without their
// entitlement values get them from the commit's constants.
func TestStagedEventsGetTheWindowConstants(t *testing.T) {
	s, _ := openTemp(t)
	w := serapi.Window{Start: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)}
	f := event.NewFlattener("acme", w)
	var p event.Packer
	rec := serapi.RawRecord{ApplicationName: []byte("App"), ApplicationUserName: []byte("u")}
	id := f.Next(&rec)
	f.Pack(&p, &rec, &id, 0)
	batch := Batch{Events: 1, Data: frame(&p)}
	st := s.NewStage()
	if err := st.Add([]Batch{batch}, nil); err != nil {
		t.Fatal(err)
	}
	ent := serapi.Entitlement{AnnualThroughput: 42, LicenseStart: "2026-01-01T00:00:00.000Z", LicenseEnd: "2027-01-01T00:00:00.000Z"}
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Stage: st, Consts: event.Consts(&ent)}); err != nil {
		t.Fatal(err)
	}
	evs := queuedEvents(t, s, "a")
	want := event.FromRecord("acme", w, &serapi.Record{ApplicationName: "App", ApplicationUserName: "u"}, &ent, 0)
	if len(evs) != 1 || string(evs[0].AppendJSON(nil)) != string(want.AppendJSON(nil)) {
		t.Fatalf("queued %v\nwant %s", evs, want.AppendJSON(nil))
	}
}

// frame packs p's events as an Encoder frames a batch.
func frame(p *event.Packer) []byte {
	e := NewEncoder(0)
	e.p = p
	e.flush()
	return e.batches[0].Data
}

// legacyStage writes inline entries above the visible mark, the way an
// interrupted staged commit of an older serfwd left them.
func legacyStage(t *testing.T, s *Store, sink string, batches []Batch) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		q, err := tx.Bucket(bucketQueues).CreateBucketIfNotExists([]byte(sink))
		if err != nil {
			return err
		}
		for _, b := range batches {
			seq, _ := q.NextSequence()
			if err := q.Put(u64(seq), b.Data); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOlderStagingLeftoversStayInvisibleAndVanish(t *testing.T) {
	s, path := openTemp(t)
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(3, "ok"))}); err != nil {
		t.Fatal(err)
	}
	legacyStage(t, s, "a", encode(t, 10, testEvents(20, "leftover")))
	if ids := queuedIDs(t, s, "a"); len(ids) != 3 {
		t.Fatalf("delivery sees %d events, want the 3 committed", len(ids))
	}
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(1, "next"))}); err != nil {
		t.Fatal(err)
	}
	if ids := queuedIDs(t, s2, "a"); len(ids) != 4 || ids[3] != "next-0" {
		t.Fatalf("after reopen: %v", ids)
	}
}

// TestOlderInlineEntriesAreDelivered: queue entries written by a serfwd
// before the batch store hold the batch itself; they are read and removed
// as before.
func TestOlderInlineEntriesAreDelivered(t *testing.T) {
	s, _ := openTemp(t)
	b := encode(t, 10, testEvents(7, "old"))
	err := s.db.Update(func(tx *bolt.Tx) error {
		q, err := tx.Bucket(bucketQueues).CreateBucketIfNotExists([]byte("a"))
		if err != nil {
			return err
		}
		seq, _ := q.NextSequence()
		if err := q.Put(u64(seq), b[0].Data); err != nil {
			return err
		}
		return publish(tx, "a", 7, int64(len(b[0].Data)))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(2, "new"))}); err != nil {
		t.Fatal(err)
	}
	if ids := queuedIDs(t, s, "a"); len(ids) != 9 || ids[0] != "old-0" || ids[8] != "new-1" {
		t.Fatalf("queue: %v", ids)
	}
	entries, _ := s.Peek("a", 1<<20)
	if err := s.Ack("a", entries); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stat("a"); st.Events != 0 || st.Bytes != 0 || batchCount(t, s) != 0 {
		t.Fatalf("after delivery: %+v, %d batches", st, batchCount(t, s))
	}
}

// TestOlderStagedBatchesVanishAtUpgrade: batches that a serfwd before the
// staging index staged before a crash are found by reading the batch
// store, once, when Open moves the file to format 3.
func TestOlderStagedBatchesVanishAtUpgrade(t *testing.T) {
	s, path := openTemp(t)
	w := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if err := s.Commit(Commit{Input: "acme", Sinks: []string{"a"}, Batches: encode(t, 10, testEvents(3, "ok")), Cursor: w}); err != nil {
		t.Fatal(err)
	}
	if err := s.NewStage().Add(encode(t, 10, testEvents(200, "staged")), nil); err != nil {
		t.Fatal(err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error { // as format 2 left it: no index
		if err := tx.DeleteBucket(bucketStaging); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n := batchCount(t, s2); n != 1 {
		t.Fatalf("after the upgrade, %d batches, want only the committed one", n)
	}
	if ids := queuedIDs(t, s2, "a"); len(ids) != 3 {
		t.Fatalf("queue after the upgrade: %v", ids)
	}
}

// TestStagedWindowRoutedNowhereLeavesNothing: a window of an input routed
// to no sink publishes nothing; what it staged goes.
func TestStagedWindowRoutedNowhereLeavesNothing(t *testing.T) {
	s, _ := openTemp(t)
	st := s.NewStage()
	if err := st.Add(encode(t, 10, testEvents(30, "nowhere")), testRecords(0, 30)); err != nil {
		t.Fatal(err)
	}
	w := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if err := s.Commit(Commit{Input: "acme", Stage: st, Batches: encode(t, 10, testEvents(1, "window")), Cursor: w}); err != nil {
		t.Fatal(err)
	}
	if n, sets := batchCount(t, s), setCount(t, s); n != 0 || sets != 0 {
		t.Fatalf("%d batches and %d fingerprint sets left", n, sets)
	}
	if n, err := s.Staged(); err != nil || n != 0 {
		t.Fatalf("Staged() = %d, %v", n, err)
	}
	if cur, _, _ := s.Cursor("acme"); !cur.Equal(w) {
		t.Fatalf("cursor %s", cur)
	}
}
