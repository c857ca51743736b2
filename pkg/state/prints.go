// Fingerprint sets: what a fetch of a window sent for each of its records
// (eventId, a hash of its counters, its revision), kept for the revisit
// list. A fetch writes its records' fingerprints in chunks, in answer order,
// into a set of its own as it stages the window's batches (stage.go), so
// that memory never holds them all; the commit that publishes the window
// makes the set its revisit list entry's (or deletes it, for a window that
// needs no revisit). A set that no entry names is a crash leftover, removed
// at Open.
//
//	prints/<set id>/<chunk seq> = records: 32 bytes eventId, 8 bytes hash, uvarint revision

package state

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

var bucketPrints = []byte("prints") // set id → nested bucket of chunks

// recordBytes is the most an encoded record takes.
const recordBytes = 32 + 8 + binary.MaxVarintLen64

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

// addChunk appends an encoded chunk of records to set id.
func addChunk(tx *bolt.Tx, id uint64, chunk []byte) error {
	b := tx.Bucket(bucketPrints).Bucket(u64(id))
	if b == nil {
		return fmt.Errorf("fingerprint set %d is missing", id)
	}
	b.FillPercent = 1.0 // keys only ever grow: pack pages full
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return b.Put(u64(seq), chunk)
}

// deleteSet removes set id, if there is one.
func deleteSet(tx *bolt.Tx, id uint64) error {
	if id == 0 || tx.Bucket(bucketPrints).Bucket(u64(id)) == nil {
		return nil
	}
	return tx.Bucket(bucketPrints).DeleteBucket(u64(id))
}

// dropUnnamedSets removes every set that no revisit list entry names: at
// Open, those that fetches staged before a crash.
func dropUnnamedSets(tx *bolt.Tx) error {
	orphans, err := unnamedSets(tx)
	if err != nil {
		return err
	}
	for _, k := range orphans {
		if err := tx.Bucket(bucketPrints).DeleteBucket(k); err != nil {
			return err
		}
	}
	return nil
}

// unnamedSets lists the keys of the sets that no revisit list entry names.
func unnamedSets(tx *bolt.Tx) ([][]byte, error) {
	named := map[uint64]bool{}
	top := tx.Bucket(bucketRevisit)
	err := top.ForEachBucket(func(input []byte) error {
		return top.Bucket(input).ForEach(func(_, v []byte) error {
			if h, err := decodeHead(v); err == nil && h.set != 0 {
				named[h.set] = true
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	var orphans [][]byte
	err = tx.Bucket(bucketPrints).ForEachBucket(func(k []byte) error {
		if len(k) != 8 || !named[binary.BigEndian.Uint64(k)] {
			orphans = append(orphans, append([]byte(nil), k...))
		}
		return nil
	})
	return orphans, err
}

// RevisitRecords calls fn with each record of r's fingerprints, chunk by
// chunk, each chunk read in a transaction of its own: however many records
// the entry has, memory holds one chunk, and no transaction stays open
// while fn works. fn must not keep the record it is given.
func (s *Store) RevisitRecords(r *Revisit, fn func(*Record) error) error {
	var chunk []byte
	for next := uint64(1); r.set != 0; {
		found := false
		err := s.db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketPrints).Bucket(u64(r.set))
			if b == nil {
				return fmt.Errorf("the fingerprints of the revisit entry at %s are missing", r.Start.Format("2006-01-02T15:04:05Z07:00"))
			}
			k, v := b.Cursor().Seek(u64(next))
			if k != nil {
				found, next = true, binary.BigEndian.Uint64(k)+1
				chunk = append(chunk[:0], v...)
			}
			return nil
		})
		if err != nil || !found {
			return err
		}
		if err := decodeRecords(chunk, fn); err != nil {
			return err
		}
		s.afterRead(int64(len(chunk)))
	}
	return nil
}

// afterRead releases the mapped pages of the state file once enough of it
// was read for revisits since the last time.
func (s *Store) afterRead(n int64) {
	s.mu.Lock()
	s.read += n
	due := s.read >= releaseEvery
	if due {
		s.read = 0
	}
	s.mu.Unlock()
	if due {
		s.releaseMapped()
	}
}
