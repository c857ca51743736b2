// The staging index: every batch and fingerprint set that a fetch stages is
// listed in it until its window is published (or dropped), so that Open
// finds the leftovers of a crash without reading the batch store. And the
// removal of staged or replaced data in small transactions: bbolt reads
// back, through its mapping, the pages of the values around every key it
// deletes, so that deleting a huge window in one transaction would make
// the whole of it resident. Each transaction here deletes about 2 MiB,
// and the mapped pages are given back in between.
//
//	staging/b<seq>  = ""  a staged batch
//	staging/s<set>  = ""  a staged fingerprint set
//	trash/<set>     = ""  a set no entry names any more, to be removed

package state

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketStaging = []byte("staging")
	bucketTrash   = []byte("trash")
)

// dropBatches is how many staged batches (about 110 KB each) one
// transaction removes, dropChunks how many chunks of a set (32 KiB each):
// about 2 MiB, which bbolt maps back in as it deletes.
const (
	dropBatches = 16
	dropChunks  = 64
)

func stagingKey(kind byte, id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{kind}, id)
}

// stageKey lists a staged batch ('b') or set ('s') in the index.
func stageKey(tx *bolt.Tx, kind byte, id uint64) error {
	return tx.Bucket(bucketStaging).Put(stagingKey(kind, id), nil)
}

// unstage takes a batch or set off the index: published, or removed.
func unstage(tx *bolt.Tx, kind byte, id uint64) error {
	return tx.Bucket(bucketStaging).Delete(stagingKey(kind, id))
}

// trashSet marks set id for removal by sweep; it is off the index.
func trashSet(tx *bolt.Tx, id uint64) error {
	if id == 0 {
		return nil
	}
	if err := unstage(tx, 's', id); err != nil {
		return err
	}
	return tx.Bucket(bucketTrash).Put(u64(id), nil)
}

// dropStagedBatches removes staged batches seqs that no queue refers to,
// dropBatches a transaction, and takes them off the index.
func (s *Store) dropStagedBatches(seqs []uint64) error {
	for len(seqs) > 0 {
		n := min(len(seqs), dropBatches)
		err := s.update("dropping staged batches", func(tx *bolt.Tx) error {
			for _, seq := range seqs[:n] {
				if err := unstage(tx, 'b', seq); err != nil {
					return err
				}
			}
			return deleteBatches(tx, seqs[:n])
		})
		if err != nil {
			return err
		}
		s.releaseMapped()
		seqs = seqs[n:]
	}
	return nil
}

// sweep removes the sets in the trash, dropChunks chunks a transaction.
// One sweep runs at a time; it goes on until the trash is empty.
func (s *Store) sweep() error {
	s.sweeping.Lock()
	defer s.sweeping.Unlock()
	for {
		var next []byte
		err := s.db.View(func(tx *bolt.Tx) error {
			if k, _ := tx.Bucket(bucketTrash).Cursor().First(); k != nil {
				next = append([]byte(nil), k...)
			}
			return nil
		})
		if err != nil || next == nil {
			return err
		}
		err = s.update("removing fingerprints no longer needed", func(tx *bolt.Tx) error { return sweepSome(tx, next) })
		if err != nil {
			return err
		}
		s.releaseMapped()
	}
}

// sweepSome removes up to dropChunks chunks of the trashed set k, and the
// set itself once it is empty.
func sweepSome(tx *bolt.Tx, k []byte) error {
	prints := tx.Bucket(bucketPrints)
	set := prints.Bucket(k)
	if set == nil {
		return tx.Bucket(bucketTrash).Delete(k)
	}
	var keys [][]byte
	c := set.Cursor()
	for ck, _ := c.First(); ck != nil && len(keys) < dropChunks; ck, _ = c.Next() {
		keys = append(keys, append([]byte(nil), ck...))
	}
	for _, ck := range keys {
		if err := set.Delete(ck); err != nil {
			return err
		}
	}
	if len(keys) < dropChunks {
		if err := prints.DeleteBucket(k); err != nil {
			return err
		}
		return tx.Bucket(bucketTrash).Delete(append([]byte(nil), k...))
	}
	return nil
}

// dropLeftovers removes what fetches staged before a crash: the batches
// and sets still on the index.
func (s *Store) dropLeftovers() error {
	var seqs []uint64
	err := s.update("finding staged leftovers", func(tx *bolt.Tx) error {
		seqs = seqs[:0]
		c := tx.Bucket(bucketStaging).Cursor()
		var sets []uint64
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) != 9 {
				continue
			}
			id := binary.BigEndian.Uint64(k[1:])
			if k[0] == 'b' {
				seqs = append(seqs, id)
			} else {
				sets = append(sets, id)
			}
		}
		for _, id := range sets {
			if err := trashSet(tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = s.dropStagedBatches(seqs)
	}
	if err == nil {
		err = s.sweep()
	}
	return err
}
