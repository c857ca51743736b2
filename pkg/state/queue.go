// Committing to the queues: a window's (or a revisit's) batches joined to
// every routed sink's queue, with the cursor and the revisit list (whose
// entry takes the stage's fingerprints), in one transaction.

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
	Consts []byte
	Cursor time.Time // the input's new cursor; zero leaves it (backfill, revisit)
	// Revisit is optional: a revisit list entry to store (or replace). Its
	// records are the fingerprints the stage holds, if it holds any, else
	// those the entry had; fingerprints staged for a commit without an
	// entry are dropped.
	Revisit *Revisit
	// Records are fingerprints not staged yet, for Revisit: they join
	// those of the stage.
	Records []Record
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
	// Every stage learns what the transaction took before anything else
	// can fail: a stage the caller discards after an error below then
	// holds nothing that the queues or the revisit list own.
	written := 0
	var drops []*Stage
	for i := range cs {
		c := &cs[i]
		for _, b := range c.Batches {
			written += len(b.Data)
		}
		written += len(c.Records) * minRecordBytes
		switch {
		case c.Stage != nil && len(c.Sinks) == 0:
			c.Stage.set, c.Stage.records = 0, 0 // the revisit list or the trash has it
			drops = append(drops, c.Stage)      // its batches went to no queue
		case c.Stage != nil:
			c.Stage.forget() // the queues and the revisit list own them now
		}
		if c.Stage != nil || len(c.Batches) > 0 {
			s.signal(c.Sinks)
		}
	}
	s.afterMapped(int64(written))
	for _, st := range drops {
		if err := st.Drop(); err != nil {
			return err
		}
	}
	return s.sweep()
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
	var set uint64
	var records int
	if c.Stage != nil {
		set, records = c.Stage.set, c.Stage.records
	}
	if c.Revisit != nil && len(c.Records) > 0 {
		var err error
		if set == 0 {
			if set, err = newSet(tx); err != nil {
				return err
			}
		}
		if err := addChunks(tx, set, appendRecords(nil, c.Records)); err != nil {
			return err
		}
		records += len(c.Records)
	}
	switch {
	case c.Revisit != nil:
		if err := unstage(tx, 's', set); err != nil {
			return err
		}
		if err := putRevisit(tx, c.Input, c.Revisit, set, records); err != nil {
			return err
		}
	case set != 0:
		if err := trashSet(tx, set); err != nil {
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
	if len(c.Sinks) == 0 { // routed nowhere: CommitAll drops the staged batches after
		return nil
	}
	var refs []ref
	if c.Stage != nil {
		for _, b := range c.Stage.batches {
			if err := unstage(tx, 'b', b.seq); err != nil {
				return err
			}
			refs = append(refs, ref{seq: b.seq, events: b.events, size: b.size, consts: c.Consts})
		}
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
