// Tests of the revisit list: entries and their fingerprint sets round trip;
// an entry keeps or replaces its records as its commit says; dropping some
// entries keeps the others; damaged entries are refused; and Open moves the
// entries of a format 2 file into sets.

package state

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func testID(i int) EventID { return sha256.Sum256([]byte(strconv.Itoa(i))) }

func testRevisit(start time.Time) *Revisit {
	return &Revisit{Start: start, End: start.Add(time.Hour), First: start.Add(2 * time.Hour), Due: start.Add(3 * time.Hour),
		Attempts: 2, Window: Record{Hash: 7, Revision: 1}}
}

func testRecords(from, n int) []Record {
	var out []Record
	for i := from; i < from+n; i++ {
		out = append(out, Record{ID: testID(i), Hash: uint64(i) << 40, Revision: int64(i % 3)})
	}
	return out
}

// stageRecords stages recs in chunks of at most chunk records.
func stageRecords(t *testing.T, s *Store, recs []Record, chunk int) *Stage {
	t.Helper()
	st := s.NewStage()
	for len(recs) > 0 {
		n := min(chunk, len(recs))
		if err := st.Add(nil, recs[:n]); err != nil {
			t.Fatal(err)
		}
		recs = recs[n:]
	}
	return st
}

// listed returns the records of input's entry for the window at start.
func listed(t *testing.T, s *Store, input string, start time.Time) []Record {
	t.Helper()
	r, ok, err := s.Revisit(input, start)
	if err != nil || !ok {
		t.Fatalf("Revisit(%s): %v %v", start, ok, err)
	}
	var out []Record
	if err := s.RevisitRecords(&r, func(rec *Record) error { out = append(out, *rec); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(out) != r.Records {
		t.Fatalf("the entry counts %d records, its fingerprints hold %d", r.Records, len(out))
	}
	return out
}

func requireRecords(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("record %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// setCount is how many fingerprint sets the state file holds.
func setCount(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPrints).ForEachBucket(func([]byte) error { n++; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRevisitRoundTrip(t *testing.T) {
	s, _ := openTemp(t)
	start := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	r := testRevisit(start)
	recs := testRecords(0, 50)
	if err := s.Commit(Commit{Input: "i", Stage: stageRecords(t, s, recs, 20), Revisit: r}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Revisits("i")
	if err != nil || len(got) != 1 {
		t.Fatalf("revisits: %v %v", got, err)
	}
	g := got[0]
	if !g.Start.Equal(r.Start) || !g.End.Equal(r.End) || !g.First.Equal(r.First) || !g.Due.Equal(r.Due) ||
		g.Attempts != 2 || g.Window != r.Window || g.Records != 50 {
		t.Fatalf("revisit round trip: got %+v", g)
	}
	requireRecords(t, listed(t, s, "i", start), recs) // in the order staged
	if _, ok, _ := s.Revisit("i", start.Add(time.Hour)); ok {
		t.Fatal("Revisit found a window that is not listed")
	}
	infos, err := s.RevisitInfos("i")
	if err != nil || len(infos) != 1 || infos[0].Records != 50 || infos[0].Attempts != 2 || !infos[0].Due.Equal(r.Due) {
		t.Fatalf("infos: %+v %v", infos, err)
	}
	if in, _ := s.RevisitInputs(); len(in) != 1 || in[0] != "i" {
		t.Fatalf("inputs with revisits: %v", in)
	}
	if err := s.Commit(Commit{Input: "i", Settled: start}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Revisits("i"); len(got) != 0 {
		t.Fatalf("settled window still listed: %+v", got)
	}
	if in, _ := s.RevisitInputs(); len(in) != 0 {
		t.Fatalf("inputs with an empty revisit list still named: %v", in)
	}
	if n := setCount(t, s); n != 0 {
		t.Fatalf("%d fingerprint sets left after the window settled", n)
	}
}

// TestRevisitEntryKeepsOrReplacesItsRecords: an entry stored again without
// a stage keeps its records (a failed revisit); with a stage it takes the
// stage's and the old ones go; a stage committed without an entry (a
// settled window) leaves nothing behind.
func TestRevisitEntryKeepsOrReplacesItsRecords(t *testing.T) {
	s, _ := openTemp(t)
	start := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	first := testRecords(0, 30)
	if err := s.Commit(Commit{Input: "i", Stage: stageRecords(t, s, first, 7), Revisit: testRevisit(start)}); err != nil {
		t.Fatal(err)
	}
	e, _, _ := s.Revisit("i", start)
	e.Attempts, e.Due = 3, e.Due.Add(time.Hour)
	if err := s.Commit(Commit{Input: "i", Revisit: &e}); err != nil {
		t.Fatal(err)
	}
	requireRecords(t, listed(t, s, "i", start), first)
	second := testRecords(100, 5)
	if err := s.Commit(Commit{Input: "i", Stage: stageRecords(t, s, second, 10), Revisit: &e}); err != nil {
		t.Fatal(err)
	}
	requireRecords(t, listed(t, s, "i", start), second)
	if n := setCount(t, s); n != 1 {
		t.Fatalf("%d fingerprint sets, want the entry's only", n)
	}
	if err := s.Commit(Commit{Input: "i", Stage: stageRecords(t, s, testRecords(200, 3), 10), Cursor: start}); err != nil {
		t.Fatal(err)
	}
	if n := setCount(t, s); n != 1 {
		t.Fatalf("%d fingerprint sets after a commit without an entry, want 1", n)
	}
	if infos, _ := s.RevisitInfos("i"); len(infos) != 1 || infos[0].Records != 5 || infos[0].Attempts != 3 {
		t.Fatalf("infos: %+v", infos)
	}
}

func TestDropRevisitsKeepsOthers(t *testing.T) {
	s, _ := openTemp(t)
	start := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for h := range 4 {
		st := stageRecords(t, s, testRecords(10*h, 2), 2)
		if err := s.Commit(Commit{Input: "i", Stage: st, Revisit: testRevisit(start.Add(time.Duration(h) * time.Hour))}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DropRevisits("i", []time.Time{start, start.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	infos, _ := s.RevisitInfos("i")
	if len(infos) != 2 || !infos[0].Start.Equal(start.Add(time.Hour)) || !infos[1].Start.Equal(start.Add(3*time.Hour)) {
		t.Fatalf("after dropping two: %+v", infos)
	}
	if n := setCount(t, s); n != 2 {
		t.Fatalf("%d fingerprint sets, want those of the two entries left", n)
	}
	requireRecords(t, listed(t, s, "i", start.Add(3*time.Hour)), testRecords(30, 2))
}

func TestDecodeRevisitRejectsDamage(t *testing.T) {
	r := testRevisit(time.Unix(0, 0))
	r.Records, r.set = 3, 9
	good := encodeRevisit(r)
	if got, err := decodeHead(good); err != nil || got.Records != 3 || got.set != 9 || got.Attempts != 2 {
		t.Fatalf("decodeHead: %+v, %v", got, err)
	}
	r.set = 0
	tests := map[string][]byte{
		"empty":                 nil,
		"wrong format":          append([]byte{9}, good[1:]...),
		"trailing byte":         append(append([]byte(nil), good...), 0),
		"records without a set": encodeRevisit(r),
	}
	for i := 1; i < len(good); i++ {
		tests["cut at "+strconv.Itoa(i)] = good[:i]
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeHead(v); err == nil {
				t.Fatal("damaged entry decoded without error")
			}
		})
	}
}

// encodeRevisitV1 writes an entry as state file format 2 stored it, with
// its records inline (sorted by eventId).
func encodeRevisitV1(r *Revisit, recs []Record) []byte {
	b := []byte{1}
	for _, t := range []time.Time{r.End, r.First, r.Due} {
		b = binary.BigEndian.AppendUint64(b, uint64(t.UnixMilli()))
	}
	b = binary.AppendUvarint(b, uint64(r.Attempts))
	b = binary.AppendUvarint(b, uint64(len(recs)))
	b = binary.BigEndian.AppendUint64(b, r.Window.Hash)
	b = binary.AppendUvarint(b, uint64(r.Window.Revision))
	for _, rec := range recs {
		b = append(b, rec.ID[:]...)
		b = binary.BigEndian.AppendUint64(b, rec.Hash)
		b = binary.AppendUvarint(b, uint64(rec.Revision))
	}
	return b
}

// TestOpenMovesOldRevisitEntries: a state file of format 2, whose revisit
// list entries hold their records, is moved to format 3 at Open: the
// records go into sets, unchanged; a damaged entry is dropped. The same
// holds for a file that a crash left halfway: Open marks it 3 and
// "migrating" before it moves anything (so that a serfwd of format 2
// refuses it), and the next Open moves what is left and removes the mark.
func TestOpenMovesOldRevisitEntries(t *testing.T) {
	for _, tc := range []struct {
		name      string
		migrating bool
	}{{"format 2", false}, {"interrupted move", true}} {
		t.Run(tc.name, func(t *testing.T) { testOpenMovesOldRevisitEntries(t, tc.migrating) })
	}
}

func testOpenMovesOldRevisitEntries(t *testing.T, migrating bool) {
	s, path := openTemp(t)
	start := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	recs := testRecords(0, 40_000) // more than one chunk
	slices.SortFunc(recs, func(a, b Record) int { return compareID(a.ID, b.ID) })
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketRevisit).CreateBucketIfNotExists([]byte("i"))
		if err != nil {
			return err
		}
		if err := b.Put(timeKey(start), encodeRevisitV1(testRevisit(start), recs)); err != nil {
			return err
		}
		damaged := encodeRevisitV1(testRevisit(start), recs[:2])
		if err := b.Put(timeKey(start.Add(time.Hour)), damaged[:len(damaged)-3]); err != nil {
			return err
		}
		if migrating {
			if err := tx.Bucket(bucketMeta).Put(keyMigrating, []byte{1}); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keySchema, u64(3))
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	requireRecords(t, listed(t, s, "i", start), recs)
	if infos, _ := s.RevisitInfos("i"); len(infos) != 1 || infos[0].Attempts != 2 {
		t.Fatalf("after moving: %+v", infos)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); binary.BigEndian.Uint64(v) != schemaVersion {
			t.Fatalf("schema %d after Open, want %d", binary.BigEndian.Uint64(v), schemaVersion)
		}
		if tx.Bucket(bucketMeta).Get(keyMigrating) != nil {
			t.Error("the migrating mark is still there after Open")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
