// Fingerprint sets: what a fetch of a window sent for each of its records
// (eventId, a hash of its counters, its revision), kept for the revisit
// list. A fetch writes its records' fingerprints in chunks, in answer order,
// into a set of its own as it stages the window's batches (stage.go), so
// that memory never holds them all; the commit that publishes the window
// makes the set its revisit list entry's (or trashes it, for a window that
// needs no revisit). Staged sets are on the staging index until then, so
// that Open can remove those a crash left (staging.go).
//
//	prints/<set id>/<chunk seq> = records: 32 bytes eventId, 8 bytes hash, uvarint revision

package state

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketPrints = []byte("prints") // set id → nested bucket of chunks

// chunkBytes is about the size of one chunk. Small values keep appending
// cheap: bbolt rewrites the values that share the last leaf with a new one,
// and a leaf of values larger than a page holds up to five of them.
const chunkBytes = 32 << 10

// readBytes is about how much RevisitRecords reads in one transaction.
const readBytes = 256 << 10

func appendRecords(b []byte, recs []Record) []byte {
	for i := range recs {
		r := &recs[i]
		b = append(b, r.ID[:]...)
		b = binary.BigEndian.AppendUint64(b, r.Hash)
		b = binary.AppendUvarint(b, uint64(max(r.Revision, 0)))
	}
	return b
}

// decodeRecords calls fn for each record of chunk v.
func decodeRecords(v []byte, fn func(*Record) error) error {
	var r Record
	for len(v) > 0 {
		if len(v) < 40 {
			return errBadRevisit
		}
		copy(r.ID[:], v[:32])
		r.Hash = binary.BigEndian.Uint64(v[32:40])
		x, rest, err := readUv(v[40:])
		if err != nil {
			return err
		}
		r.Revision, v = int64(x), rest
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}

// newSet creates an empty set and returns its id.
func newSet(tx *bolt.Tx) (uint64, error) {
	top := tx.Bucket(bucketPrints)
	id, err := top.NextSequence()
	if err != nil {
		return 0, err
	}
	_, err = top.CreateBucket(u64(id))
	return id, err
}

// addChunks appends encoded records to set id, in chunks of about
// chunkBytes. bbolt keeps the slices of v until the transaction ends.
func addChunks(tx *bolt.Tx, id uint64, v []byte) error {
	b := tx.Bucket(bucketPrints).Bucket(u64(id))
	if b == nil {
		return fmt.Errorf("fingerprint set %d is missing", id)
	}
	b.FillPercent = 1.0 // keys only ever grow: pack pages full
	for len(v) > 0 {
		n, err := chunkEnd(v)
		if err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := b.Put(u64(seq), v[:n:n]); err != nil {
			return err
		}
		v = v[n:]
	}
	return nil
}

// chunkEnd is where the first chunk of encoded records v ends: after the
// first record that reaches chunkBytes, or at the end.
func chunkEnd(v []byte) (int, error) {
	n := 0
	for n < len(v) && n < chunkBytes {
		if len(v)-n < 40 {
			return 0, errBadRevisit
		}
		_, k := binary.Uvarint(v[n+40:])
		if k <= 0 {
			return 0, errBadRevisit
		}
		n += 40 + k
	}
	return n, nil
}

// RevisitRecords calls fn with each record of r's fingerprints, a few
// chunks at a time, each few read in a transaction of its own: however
// many records the entry has, memory holds about readBytes of them, and no
// transaction stays open while fn works. fn must not keep the record it is
// given.
func (s *Store) RevisitRecords(r *Revisit, fn func(*Record) error) error {
	var buf []byte
	for next := uint64(1); r.set != 0 && next != 0; {
		var err error
		if buf, next, err = s.readChunks(r, next, buf[:0]); err != nil {
			return err
		}
		if err := decodeRecords(buf, fn); err != nil {
			return err
		}
		s.afterMapped(int64(len(buf)))
	}
	return nil
}

// readChunks appends to buf the chunks of r's set from sequence from on,
// about readBytes of them, and returns the sequence to go on from (0 at
// the end).
func (s *Store) readChunks(r *Revisit, from uint64, buf []byte) (out []byte, next uint64, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPrints).Bucket(u64(r.set))
		if b == nil {
			return fmt.Errorf("the fingerprints of the revisit entry at %s are missing", r.Start.UTC().Format(time.RFC3339))
		}
		c := b.Cursor()
		k, v := c.Seek(u64(from))
		for ; k != nil && len(buf) < readBytes; k, v = c.Next() {
			buf = append(buf, v...)
		}
		if k != nil {
			next = binary.BigEndian.Uint64(k)
		}
		return nil
	})
	return buf, next, err
}

// afterMapped releases the mapped pages of the state file once enough of
// it was written or read through the mapping since the last time: bbolt
// reads back what a transaction appends to through the mapping, so that
// delivery, staging and revisits would otherwise leave whole windows
// resident.
func (s *Store) afterMapped(n int64) {
	s.mu.Lock()
	s.mapped += n
	due := s.mapped >= releaseEvery
	if due {
		s.mapped = 0
	}
	s.mu.Unlock()
	if due {
		s.releaseMapped()
	}
}
