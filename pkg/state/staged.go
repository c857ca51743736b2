// The visible mark of each sink's queue: delivery reads entries up to it
// only. serfwd before the batch store (batchstore.go) staged large windows
// above the mark; their leftovers are still removed at Open (under the file
// lock), and every commit appends and moves the mark past what it appended
// in one transaction, so none arise since.

package state

import (
	"encoding/binary"
	"math"

	bolt "go.etcd.io/bbolt"
)

// Each sink's queue statistics record holds, after the event and byte
// counts, the sequence of its last visible entry: entries above it are
// staged by a commit still in progress, or left over from a crash during
// one. Delivery reads only visible entries; Open removes the leftovers.
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

// publish makes everything appended to sink's queue visible and counts it.
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
