// The batch store: every queue batch is stored once, whatever the number of
// sinks, and each routed sink's queue holds a small reference to it. A
// window's batches are written to the store while it is fetched (staged,
// referenced by no queue, invisible to delivery); publishing a window only
// adds references, so that it is one small transaction however large the
// window. A batch leaves the store when the last queue that referenced it
// has delivered it.

package state

import (
	"encoding/binary"
	"errors"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketBatches = []byte("batches")   // batch seq → the batch's bytes (a format-2 queue entry)
	bucketRefs    = []byte("batchrefs") // batch seq → how many queue entries refer to it
	errBadRef     = errors.New("malformed queue reference")
	errNoBatch    = errors.New("queue reference to a batch that is not in the state file")
)

// refFormat marks a queue entry that refers to a stored batch:
//
//	byte    format (3)
//	uvarint the batch's sequence in the batch store
//	uvarint its event count
//	uvarint its size in bytes
//	uvarint length of the window constants, then the constants (event.Consts)
const refFormat = 3

// ref is a decoded queue reference.
type ref struct {
	seq    uint64
	events int
	size   int
	consts []byte
}

func (r *ref) encode() []byte {
	b := make([]byte, 0, 1+4*binary.MaxVarintLen64+len(r.consts))
	b = append(b, refFormat)
	for _, v := range []uint64{r.seq, uint64(r.events), uint64(r.size), uint64(len(r.consts))} {
		b = binary.AppendUvarint(b, v)
	}
	return append(b, r.consts...)
}

func decodeRef(v []byte) (ref, error) {
	if len(v) == 0 || v[0] != refFormat {
		return ref{}, errBadRef
	}
	var f [4]uint64
	rest := v[1:]
	for i := range f {
		x, k := binary.Uvarint(rest)
		if k <= 0 {
			return ref{}, errBadRef
		}
		f[i], rest = x, rest[k:]
	}
	if f[3] != uint64(len(rest)) || f[1] > 1<<40 || f[2] > 1<<40 {
		return ref{}, errBadRef
	}
	return ref{seq: f[0], events: int(f[1]), size: int(f[2]), consts: rest}, nil
}

// storeBatch writes b to the batch store, referenced by no queue yet, and
// returns its sequence.
func storeBatch(tx *bolt.Tx, b Batch) (uint64, error) {
	bs := tx.Bucket(bucketBatches)
	bs.FillPercent = 1.0 // keys only ever grow: pack pages full
	seq, err := bs.NextSequence()
	if err != nil {
		return 0, err
	}
	return seq, bs.Put(u64(seq), b.Data)
}

// addRefs counts n more queue entries referring to batch seq.
func addRefs(tx *bolt.Tx, seq uint64, n int) error {
	rb := tx.Bucket(bucketRefs)
	k := u64(seq)
	cur, _ := binary.Uvarint(rb.Get(k))
	return rb.Put(k, binary.AppendUvarint(nil, cur+uint64(n)))
}

// dropRef counts one queue entry fewer referring to batch seq, and removes
// the batch when none is left.
func dropRef(tx *bolt.Tx, seq uint64) error {
	rb := tx.Bucket(bucketRefs)
	k := u64(seq)
	cur, _ := binary.Uvarint(rb.Get(k))
	if cur > 1 {
		return rb.Put(k, binary.AppendUvarint(nil, cur-1))
	}
	if err := rb.Delete(k); err != nil {
		return err
	}
	return tx.Bucket(bucketBatches).Delete(k)
}

// deleteBatches removes batches that no queue refers to (a dropped stage).
func deleteBatches(tx *bolt.Tx, seqs []uint64) error {
	bs, rb := tx.Bucket(bucketBatches), tx.Bucket(bucketRefs)
	for _, seq := range seqs {
		if rb.Get(u64(seq)) != nil {
			continue // published after all: the queues own it
		}
		if err := bs.Delete(u64(seq)); err != nil {
			return err
		}
	}
	return nil
}

// dropUnreferenced removes every batch that no queue refers to: at Open,
// these are the staged batches of windows that a crash interrupted before
// they were published (those windows are fetched again).
func dropUnreferenced(tx *bolt.Tx) error {
	bs, rb := tx.Bucket(bucketBatches), tx.Bucket(bucketRefs)
	var orphans [][]byte
	c := bs.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if rb.Get(k) == nil {
			orphans = append(orphans, append([]byte(nil), k...))
		}
	}
	for _, k := range orphans {
		if err := bs.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
