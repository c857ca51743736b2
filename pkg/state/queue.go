package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Commit is one transaction's worth of work from a poller: a window's (or a
// backfill's or a revisit's) encoded events for every routed sink, and where
// the input's cursor moves.
type Commit struct {
	Input   string
	Sinks   []string  // the sinks the input routes to
	Batches []Batch   // written to the queue of every sink in Sinks
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
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
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
		if len(cs[i].Batches) > 0 {
			s.signal(cs[i].Sinks)
		}
	}
	return nil
}

func applyCommit(tx *bolt.Tx, c *Commit) error {
	for _, sink := range c.Sinks {
		if err := appendQueue(tx, sink, c.Batches); err != nil {
			return err
		}
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

func appendQueue(tx *bolt.Tx, sink string, batches []Batch) error {
	if len(batches) == 0 {
		return nil
	}
	if err := dropStaged(tx, sink); err != nil {
		return err
	}
	events, size, err := stageQueue(tx, sink, batches)
	if err != nil {
		return err
	}
	return publish(tx, sink, events, size)
}

// QueueStat describes one sink's queue.
type QueueStat struct {
	Events int64
	Bytes  int64     // stored (compressed) bytes
	Oldest time.Time // commit time of the oldest entry; zero when empty
}

func addStat(tx *bolt.Tx, sink string, events, size int64) error {
	b := tx.Bucket(bucketQueueStat)
	var cur [statLen]byte
	copy(cur[:], b.Get([]byte(sink)))
	// Figures are clamped at zero: an entry set aside because it could not
	// be read may not tell how many events it held.
	e := max(int64(binary.BigEndian.Uint64(cur[0:8]))+events, 0)
	n := max(int64(binary.BigEndian.Uint64(cur[8:16]))+size, 0)
	binary.BigEndian.PutUint64(cur[0:8], uint64(e))
	binary.BigEndian.PutUint64(cur[8:16], uint64(n))
	return b.Put([]byte(sink), withVisible(cur[:], tx, sink))
}

// Stat returns sink's queue figures.
func (s *Store) Stat(sink string) (QueueStat, error) {
	var st QueueStat
	err := s.db.View(func(tx *bolt.Tx) error {
		st = readStat(tx, sink)
		return nil
	})
	return st, err
}

// Stats returns the figures of every queue in the file, including those of
// sinks no longer configured.
func (s *Store) Stats() (map[string]QueueStat, error) {
	out := map[string]QueueStat{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketQueues).ForEachBucket(func(k []byte) error {
			out[string(k)] = readStat(tx, string(k))
			return nil
		})
	})
	return out, err
}

func readStat(tx *bolt.Tx, sink string) QueueStat {
	var st QueueStat
	if v := tx.Bucket(bucketQueueStat).Get([]byte(sink)); len(v) >= 16 {
		st.Events = int64(binary.BigEndian.Uint64(v[0:8]))
		st.Bytes = int64(binary.BigEndian.Uint64(v[8:16]))
	}
	if q := tx.Bucket(bucketQueues).Bucket([]byte(sink)); q != nil {
		if k, v := q.Cursor().First(); k != nil && binary.BigEndian.Uint64(k) <= visible(tx, sink) {
			if h, err := parseBatchHeader(v); err == nil {
				st.Oldest = h.committed
			}
		}
	}
	return st
}

// Entry is one queue entry read for delivery; Data is a copy owned by the caller.
type Entry struct {
	Seq    uint64
	Events int
	Data   []byte
	Queued time.Time // when the batch was packed for the queue (Unix ms), as its header says
	Bad    error     // the entry cannot be read (damaged, or another serfwd version's format)
}

// Peek returns the oldest entries of sink's queue, in order, until at least
// maxEvents events are gathered (always at least one entry when any exists).
// An entry whose header cannot be read comes alone, with Bad set.
func (s *Store) Peek(sink string, maxEvents int) ([]Entry, error) {
	var out []Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		q := tx.Bucket(bucketQueues).Bucket([]byte(sink))
		if q == nil {
			return nil
		}
		n := 0
		hw := visible(tx, sink)
		c := q.Cursor()
		for k, v := c.First(); k != nil && binary.BigEndian.Uint64(k) <= hw && (len(out) == 0 || n < maxEvents); k, v = c.Next() {
			h, err := parseBatchHeader(v)
			if err != nil {
				// Hand an unreadable entry over alone, so that the caller
				// can set it aside without holding up the others.
				if len(out) == 0 {
					out = append(out, Entry{Seq: binary.BigEndian.Uint64(k), Data: bytes.Clone(v),
						Bad: fmt.Errorf("queue of sink %q, entry %d: %w", sink, binary.BigEndian.Uint64(k), err)})
				}
				break
			}
			if len(out) > 0 && n+h.events > maxEvents {
				break
			}
			out = append(out, Entry{Seq: binary.BigEndian.Uint64(k), Events: h.events, Data: bytes.Clone(v), Queued: h.committed})
			n += h.events
		}
		return nil
	})
	return out, err
}

// Ack removes delivered entries from sink's queue and updates its figures.
func (s *Store) Ack(sink string, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	return s.update("removing delivered events", func(tx *bolt.Tx) error {
		q := tx.Bucket(bucketQueues).Bucket([]byte(sink))
		if q == nil {
			return nil
		}
		var events, size int64
		for _, e := range entries {
			k := u64(e.Seq)
			v := q.Get(k)
			if v == nil {
				continue // already removed
			}
			size += int64(len(v))
			events += int64(e.Events)
			if err := q.Delete(k); err != nil {
				return err
			}
		}
		if k, _ := q.Cursor().First(); k == nil || binary.BigEndian.Uint64(k) > visible(tx, sink) {
			// An empty queue holds nothing, whatever the figures said.
			return tx.Bucket(bucketQueueStat).Put([]byte(sink), withVisible(make([]byte, statLen), tx, sink))
		}
		return addStat(tx, sink, -events, -size)
	})
}
