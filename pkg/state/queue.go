// Committing to the queues: a window's (or a revisit's) batches joined to
// every routed sink's queue, with the cursor and the revisit list, in one
// transaction.

package state

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Commit is one transaction's worth of work from a poller: a window's (or a
// backfill's or a revisit's) events for every routed sink, and where the
// input's cursor moves.
type Commit struct {
	Input   string
	Sinks   []string // the sinks the input routes to
	Stage   *Stage   // optional: batches staged while the window was fetched, published first
	Batches []Batch  // written after the staged ones, to the queue of every sink in Sinks
	// Consts are the window constants (event.Consts) that the events of
	// the window's batches leave out; the queue references carry them.
	Consts  []byte
	Cursor  time.Time // the input's new cursor; zero leaves it (backfill, revisit)
	Revisit *Revisit  // optional: a revisit list entry to store (or replace)
	Settled time.Time // optional: the window start of a revisit entry to drop
}

// Commit writes c in one transaction: either all of it is durable or none.
func (s *Store) Commit(c Commit) error { return s.CommitAll([]Commit{c}) }

// CommitAll writes several commits, in order, in one transaction (one fsync):
// the poller groups consecutive windows that are ready at once while
// catching up. Either all of them are durable or none.
func (s *Store) CommitAll(cs []Commit) error {
	err := s.update("committing window", func(tx *bolt.Tx) error {
		for i := range cs {
			if err := applyCommit(tx, &cs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range cs {
		if cs[i].Stage != nil {
			cs[i].Stage.batches = nil // the queues own them now
		}
		if cs[i].Stage != nil || len(cs[i].Batches) > 0 {
			s.signal(cs[i].Sinks)
		}
	}
	return nil
}

func applyCommit(tx *bolt.Tx, c *Commit) error {
	if err := publishBatches(tx, c); err != nil {
		return err
	}
	if !c.Cursor.IsZero() {
		if err := tx.Bucket(bucketCursors).Put([]byte(c.Input), timeKey(c.Cursor)); err != nil {
			return err
		}
	}
	if c.Revisit != nil {
		if err := putRevisit(tx, c.Input, c.Revisit); err != nil {
			return err
		}
	}
	if !c.Settled.IsZero() {
		return deleteRevisit(tx, c.Input, c.Settled)
	}
	return nil
}

// publishBatches stores c's new batches and appends a reference to each of
// them, staged ones first, to every routed sink's queue.
func publishBatches(tx *bolt.Tx, c *Commit) error {
	var refs []ref
	if c.Stage != nil {
		for _, b := range c.Stage.batches {
			refs = append(refs, ref{seq: b.seq, events: b.events, size: b.size, consts: c.Consts})
		}
	}
	if len(c.Sinks) == 0 { // routed nowhere: nothing to keep
		seqs := make([]uint64, len(refs))
		for i, r := range refs {
			seqs[i] = r.seq
		}
		return deleteBatches(tx, seqs)
	}
	for _, b := range c.Batches {
		seq, err := storeBatch(tx, b)
		if err != nil {
			return err
		}
		refs = append(refs, ref{seq: seq, events: b.Events, size: len(b.Data), consts: c.Consts})
	}
	for _, r := range refs {
		if err := addRefs(tx, r.seq, len(c.Sinks)); err != nil {
			return err
		}
	}
	for _, sink := range c.Sinks {
		if err := appendRefs(tx, sink, refs); err != nil {
			return err
		}
	}
	return nil
}

// appendRefs appends refs to sink's queue and makes them visible.
func appendRefs(tx *bolt.Tx, sink string, refs []ref) error {
	if len(refs) == 0 {
		return nil
	}
	if err := dropStaged(tx, sink); err != nil { // leftovers of an older serfwd's staging
		return err
	}
	q, err := tx.Bucket(bucketQueues).CreateBucketIfNotExists([]byte(sink))
	if err != nil {
		return err
	}
	q.FillPercent = 1.0 // keys only ever grow: pack pages full
	var events, size int64
	for i := range refs {
		seq, err := q.NextSequence()
		if err != nil {
			return err
		}
		if err := q.Put(u64(seq), refs[i].encode()); err != nil {
			return err
		}
		events += int64(refs[i].events)
		size += int64(refs[i].size)
	}
	return publish(tx, sink, events, size)
}
