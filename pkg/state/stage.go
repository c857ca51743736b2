// Staging: a window's batches are written to the state file while the
// window is still being fetched, a few at a time, so that memory holds only
// the batches in the making, whatever the size of the window. Staged batches
// belong to no queue: delivery cannot see them, and a crash leaves them
// behind only for Open to remove. A commit that names the stage publishes
// them (queue.go): then, and only then, they join the queues, in the same
// transaction that moves the cursor.

package state

import (
	bolt "go.etcd.io/bbolt"
)

// Stage collects the batches of one window before it is committed. It is
// used by one goroutine at a time.
type Stage struct {
	s       *Store
	batches []staged
}

// staged is one batch written by a stage.
type staged struct {
	seq    uint64
	events int
	size   int
}

// NewStage starts an empty stage.
func (s *Store) NewStage() *Stage { return &Stage{s: s} }

// Add writes batches to the state file in one transaction.
func (st *Stage) Add(batches []Batch) error {
	if len(batches) == 0 {
		return nil
	}
	added := make([]staged, 0, len(batches))
	err := st.s.update("staging window", func(tx *bolt.Tx) error {
		added = added[:0]
		for _, b := range batches {
			seq, err := storeBatch(tx, b)
			if err != nil {
				return err
			}
			added = append(added, staged{seq: seq, events: b.Events, size: len(b.Data)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	st.batches = append(st.batches, added...)
	return nil
}

// Events is how many events the stage holds.
func (st *Stage) Events() int {
	n := 0
	for _, b := range st.batches {
		n += b.events
	}
	return n
}

// Drop removes the stage's batches (a fetch that failed); the stage is then
// empty. Dropping a stage that was committed does nothing.
func (st *Stage) Drop() error {
	if st == nil || len(st.batches) == 0 {
		return nil
	}
	seqs := make([]uint64, len(st.batches))
	for i, b := range st.batches {
		seqs[i] = b.seq
	}
	err := st.s.update("dropping a staged window", func(tx *bolt.Tx) error {
		return deleteBatches(tx, seqs)
	})
	if err != nil {
		return err
	}
	st.batches = nil
	return nil
}

// Staged counts the batches staged by windows not committed (nor dropped)
// yet: zero whenever no fetch is under way.
func (s *Store) Staged() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		refs := tx.Bucket(bucketRefs)
		return tx.Bucket(bucketBatches).ForEach(func(k, _ []byte) error {
			if refs.Get(k) == nil {
				n++
			}
			return nil
		})
	})
	return n, err
}
