// Staged commits: a large window's batches written in several transactions,
// made visible to delivery only by the last one, so that memory stays flat
// however large the window (DESIGN: the high-water mark).

package state

import (
	"encoding/binary"
	"math"

	bolt "go.etcd.io/bbolt"
)

// Each sink's queue statistics record holds, after the event and byte
// counts, the sequence of its last visible entry: entries above it are
// staged by a commit still in progress, or left over from a crash during
// one. Delivery reads only visible entries; every commit first removes
// leftovers, and Open removes them too.
const statLen = 24

// visible returns the sequence of sink's last visible entry.
func visible(tx *bolt.Tx, sink string) uint64 {
	v := tx.Bucket(bucketQueueStat).Get([]byte(sink))
	if len(v) < statLen {
		return math.MaxUint64 // nothing was ever staged
	}
	return binary.BigEndian.Uint64(v[16:24])
}

// withVisible returns stat (events, bytes) with sink's current visible mark.
func withVisible(stat []byte, tx *bolt.Tx, sink string) []byte {
	out := make([]byte, statLen)
	copy(out, stat[:16])
	binary.BigEndian.PutUint64(out[16:], visible(tx, sink))
	return out
}

// stageQueue appends batches to sink's queue above its visible mark, first
// removing any leftovers of an interrupted staged commit.
func stageQueue(tx *bolt.Tx, sink string, batches []Batch) (events, size int64, err error) {
	q, err := tx.Bucket(bucketQueues).CreateBucketIfNotExists([]byte(sink))
	if err != nil {
		return 0, 0, err
	}
	q.FillPercent = 1.0 // keys only ever grow: pack pages full
	for _, b := range batches {
		seq, err := q.NextSequence()
		if err != nil {
			return 0, 0, err
		}
		if err := q.Put(u64(seq), b.Data); err != nil {
			return 0, 0, err
		}
		events += int64(b.Events)
		size += int64(len(b.Data))
	}
	return events, size, nil
}

// publish makes everything staged in sink's queue visible and counts it.
func publish(tx *bolt.Tx, sink string, events, size int64) error {
	if err := addStat(tx, sink, events, size); err != nil {
		return err
	}
	q := tx.Bucket(bucketQueues).Bucket([]byte(sink))
	b := tx.Bucket(bucketQueueStat)
	stat := append([]byte(nil), b.Get([]byte(sink))...)
	binary.BigEndian.PutUint64(stat[16:24], q.Sequence())
	return b.Put([]byte(sink), stat)
}

// dropStaged removes sink's entries above its visible mark.
func dropStaged(tx *bolt.Tx, sink string) error {
	q := tx.Bucket(bucketQueues).Bucket([]byte(sink))
	if q == nil {
		return nil
	}
	hw := visible(tx, sink)
	if hw == math.MaxUint64 {
		return nil
	}
	c := q.Cursor()
	for k, _ := c.Seek(u64(hw + 1)); k != nil; k, _ = c.Seek(u64(hw + 1)) {
		if err := q.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// dropAllStaged removes every queue's leftovers (at Open).
func dropAllStaged(tx *bolt.Tx) error {
	var sinks []string
	err := tx.Bucket(bucketQueues).ForEachBucket(func(k []byte) error {
		sinks = append(sinks, string(k))
		return nil
	})
	if err != nil {
		return err
	}
	for _, sink := range sinks {
		if err := dropStaged(tx, sink); err != nil {
			return err
		}
	}
	return nil
}

// CommitStaged writes c like Commit, but its batches in transactions of at
// most chunk batches each; only the last transaction makes them visible to
// delivery and moves the cursor. A crash in between leaves the cursor and the
// visible queue as they were, and the staged entries are removed at the next
// Open or commit: the window is simply fetched again.
func (s *Store) CommitStaged(c Commit, chunk int) error {
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	chunk = max(chunk, 1)
	type counts struct{ events, size int64 }
	staged := make(map[string]counts, len(c.Sinks))
	for i := 0; i < len(c.Batches); i += chunk {
		part := c.Batches[i:min(i+chunk, len(c.Batches))]
		err := s.update("staging window", func(tx *bolt.Tx) error {
			for _, sink := range c.Sinks {
				if i == 0 {
					if err := dropStaged(tx, sink); err != nil {
						return err
					}
				}
				e, n, err := stageQueue(tx, sink, part)
				if err != nil {
					return err
				}
				staged[sink] = counts{staged[sink].events + e, staged[sink].size + n}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	err := s.update("committing window", func(tx *bolt.Tx) error {
		for _, sink := range c.Sinks {
			if err := publish(tx, sink, staged[sink].events, staged[sink].size); err != nil {
				return err
			}
		}
		last := c
		last.Sinks, last.Batches = nil, nil
		return applyCommit(tx, &last)
	})
	if err != nil {
		return err
	}
	if len(c.Batches) > 0 {
		s.signal(c.Sinks)
	}
	return nil
}
