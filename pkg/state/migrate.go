// migrate.go brings a state file of format 2 to format 3: batches that an
// older serfwd staged before a crash (no staging index listed them) are
// removed, the records of each revisit list entry move from the entry
// itself into a fingerprint set (prints.go), one entry per transaction.
// The first transaction marks the file 3 and "migrating", the last removes
// the mark: a crash halfway leaves a file that an older serfwd refuses
// (rather than misreading the entries already moved) and that the next
// Open finishes.

package state

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// migrateChunk is how many records go into one chunk of a moved entry's set.
const migrateChunk = 16 << 10

// oldEntry names a revisit list entry of format 1.
type oldEntry struct {
	input string
	key   []byte
}

// upgrade brings a file of an older format to schemaVersion.
func (s *Store) upgrade() error {
	var current bool
	var old []oldEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		v := meta.Get(keySchema)
		current = len(v) == 8 && binary.BigEndian.Uint64(v) >= schemaVersion && meta.Get(keyMigrating) == nil
		if current {
			return nil
		}
		top := tx.Bucket(bucketRevisit)
		return top.ForEachBucket(func(input []byte) error {
			return top.Bucket(input).ForEach(func(k, v []byte) error {
				if len(v) > 0 && v[0] == revisitFormatV1 {
					old = append(old, oldEntry{string(input), append([]byte(nil), k...)})
				}
				return nil
			})
		})
	})
	if err != nil || current {
		return err
	}
	err = s.update("marking the state file's format", func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keySchema, u64(schemaVersion)); err != nil {
			return err
		}
		return meta.Put(keyMigrating, []byte{1})
	})
	if err != nil {
		return err
	}
	orphans, err := s.unreferenced()
	if err == nil {
		err = s.dropStagedBatches(orphans)
	}
	if err != nil {
		return err
	}
	for _, e := range old {
		if err := s.update("moving a revisit list entry", e.move); err != nil {
			return err
		}
	}
	return s.update("ending the state file's move to a new format", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Delete(keyMigrating)
	})
}

// move rewrites one format 1 entry as a head and a set. An entry whose
// records cannot be read is dropped, as a revisit would drop it.
func (e oldEntry) move(tx *bolt.Tx) error {
	b := tx.Bucket(bucketRevisit).Bucket([]byte(e.input))
	v := b.Get(e.key)
	if len(v) == 0 || v[0] != revisitFormatV1 {
		return nil
	}
	r, rest, err := decodeHeadRest(v)
	var recs []Record
	if err == nil {
		recs, err = decodeRecordsV1(&r, rest)
	}
	if err != nil {
		return b.Delete(e.key)
	}
	r.Start = keyTime(e.key)
	set, err := newSet(tx)
	if err != nil {
		return err
	}
	for len(recs) > 0 {
		n := min(len(recs), migrateChunk)
		// bbolt keeps each value until the transaction ends: a new buffer each.
		if err := addChunks(tx, set, appendRecords(nil, recs[:n])); err != nil {
			return err
		}
		recs = recs[n:]
	}
	return putRevisit(tx, e.input, &r, set, r.Records)
}
