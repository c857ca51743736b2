// Staging: a window's batches, and the fingerprints of its records for the
// revisit list, are written to the state file while the window is still
// being fetched, a few at a time, so that memory holds only the batches in
// the making, whatever the size of the window. Staged batches belong to no
// queue and staged fingerprints to no revisit list entry: delivery and
// revisits cannot see them, and a crash leaves them behind only for Open to
// remove. A commit that names the stage publishes them (queue.go): then,
// and only then, the batches join the queues and the fingerprints become
// the window's revisit list entry's, in the same transaction that moves
// the cursor.

package state

import (
	bolt "go.etcd.io/bbolt"
)

// Stage collects the batches of one window before it is committed. It is
// used by one goroutine at a time.
type Stage struct {
	s       *Store
	batches []staged
	set     uint64 // the fingerprint set of the records added; 0 for none yet
	records int
	chunk   []byte // reused to encode records
}

// staged is one batch written by a stage.
type staged struct {
	seq    uint64
	events int
	size   int
}

// NewStage starts an empty stage.
func (s *Store) NewStage() *Stage { return &Stage{s: s} }

// Add writes batches, and the fingerprints of records (in the order the
// window's answer gave them), to the state file in one transaction.
func (st *Stage) Add(batches []Batch, records []Record) error {
	if len(batches) == 0 && len(records) == 0 {
		return nil
	}
	added := make([]staged, 0, len(batches))
	st.chunk = appendRecords(st.chunk[:0], records)
	set, size := st.set, len(st.chunk)
	err := st.s.update("staging window", func(tx *bolt.Tx) error {
		added, set = added[:0], st.set
		for _, b := range batches {
			seq, err := storeBatch(tx, b)
			if err != nil {
				return err
			}
			if err := stageKey(tx, 'b', seq); err != nil {
				return err
			}
			added = append(added, staged{seq: seq, events: b.Events, size: len(b.Data)})
			size += len(b.Data)
		}
		if len(records) == 0 {
			return nil
		}
		if set == 0 {
			var err error
			if set, err = newSet(tx); err != nil {
				return err
			}
			if err := stageKey(tx, 's', set); err != nil {
				return err
			}
		}
		return addChunks(tx, set, st.chunk)
	})
	if err != nil {
		return err
	}
	st.batches = append(st.batches, added...)
	st.set = set
	st.records += len(records)
	if cap(st.chunk) > 4*stageChunkBytes {
		st.chunk = nil
	}
	st.s.afterMapped(int64(size))
	return nil
}

// stageChunkBytes is about how many bytes of fingerprints a fetch stages at
// once; a larger encoding buffer is not kept.
const stageChunkBytes = 1 << 20

// Records is how many records' fingerprints the stage holds.
func (st *Stage) Records() int { return st.records }

// Events is how many events the stage holds.
func (st *Stage) Events() int {
	n := 0
	for _, b := range st.batches {
		n += b.events
	}
	return n
}

// Drop removes the stage's batches and fingerprints (a fetch that failed),
// a few at a time (staging.go); the stage is then empty. Dropping a stage
// that was committed does nothing.
func (st *Stage) Drop() error {
	if st == nil || len(st.batches) == 0 && st.set == 0 {
		return nil
	}
	if st.set != 0 {
		err := st.s.update("dropping a staged window", func(tx *bolt.Tx) error { return trashSet(tx, st.set) })
		if err != nil {
			return err
		}
		st.set, st.records = 0, 0
	}
	seqs := make([]uint64, len(st.batches))
	for i, b := range st.batches {
		seqs[i] = b.seq
	}
	if err := st.s.dropStagedBatches(seqs); err != nil {
		return err
	}
	st.forget()
	return st.s.sweep()
}

// forget empties the stage once the queues and the revisit list own (or
// dropped) what it staged.
func (st *Stage) forget() {
	st.batches, st.set, st.records = nil, 0, 0
}

// Staged counts the batches and the fingerprint sets staged by windows not
// committed (nor dropped) yet, and the sets waiting in the trash: zero
// whenever no fetch is under way.
func (s *Store) Staged() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketStaging).Stats().KeyN + tx.Bucket(bucketTrash).Stats().KeyN
		return nil
	})
	return n, err
}
