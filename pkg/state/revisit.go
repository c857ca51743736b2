// revisit.go keeps each input's revisit list: windows whose counts may still
// change, with a compact fingerprint of what was sent for each of them.

package state

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// EventID is an eventId in binary: the 32 bytes of its SHA-256.
type EventID [32]byte

// String is the eventId's hex form, as events carry it.
func (id EventID) String() string { return hex.EncodeToString(id[:]) }

// Record is what was last sent for one eventId: a fingerprint of its
// counters and its revision.
type Record struct {
	ID       EventID // unused for Revisit.Window
	Hash     uint64
	Revision int64
}

// Revisit is one window on an input's revisit list: fetched again until its
// counts settle, with what was sent so far. Its records' fingerprints stay
// in the state file (RevisitRecords lists them); a commit that names a
// stage with fingerprints replaces them (queue.go).
type Revisit struct {
	Start, End time.Time
	First      time.Time // when the window was first fetched
	Due        time.Time // when it is next due
	Attempts   int       // revisits done (or failed) so far
	Window     Record    // the ser.window event's last state
	Records    int       // how many records the fingerprints hold
	set        uint64    // the fingerprint set that holds them; 0 for none
}

func compareID(a, b EventID) int { return bytes.Compare(a[:], b[:]) }

// RevisitInfo is a revisit list entry as `checkpoint show` and the planning
// of a revisit pass see it.
type RevisitInfo struct {
	Start, End, First, Due time.Time
	Attempts               int
	Records                int
}

// putRevisit stores r as input's entry for its window, with the records of
// set (0: those r already names); the fingerprints it replaces go to the
// trash (staging.go).
func putRevisit(tx *bolt.Tx, input string, r *Revisit, set uint64, records int) error {
	b, err := tx.Bucket(bucketRevisit).CreateBucketIfNotExists([]byte(input))
	if err != nil {
		return err
	}
	e := *r
	if set != 0 {
		e.set, e.Records = set, records
	}
	if e.set == 0 {
		e.Records = 0
	}
	if old, err := decodeHead(b.Get(timeKey(r.Start))); err == nil && old.set != e.set {
		if err := trashSet(tx, old.set); err != nil {
			return err
		}
	}
	return b.Put(timeKey(r.Start), encodeRevisit(&e))
}

// deleteRevisit removes input's entry for the window starting at start;
// its fingerprints go to the trash.
func deleteRevisit(tx *bolt.Tx, input string, start time.Time) error {
	b := tx.Bucket(bucketRevisit).Bucket([]byte(input))
	if b == nil {
		return nil
	}
	if old, err := decodeHead(b.Get(timeKey(start))); err == nil {
		if err := trashSet(tx, old.set); err != nil {
			return err
		}
	}
	return b.Delete(timeKey(start))
}

// Revisits returns input's revisit list, oldest window first.
func (s *Store) Revisits(input string) ([]Revisit, error) {
	var out []Revisit
	err := s.forEachRevisit(input, func(k, v []byte) error {
		r, err := decodeHead(v)
		if err != nil {
			return fmt.Errorf("revisit entry of input %q at %s: %w", input, keyTime(k), err)
		}
		r.Start = keyTime(k)
		out = append(out, r)
		return nil
	})
	return out, err
}

// RevisitInfos lists input's revisit list without the records, oldest
// window first.
func (s *Store) RevisitInfos(input string) ([]RevisitInfo, error) {
	var out []RevisitInfo
	err := s.forEachRevisit(input, func(k, v []byte) error {
		r, err := decodeHead(v)
		if err != nil {
			return fmt.Errorf("revisit entry of input %q at %s: %w", input, keyTime(k), err)
		}
		out = append(out, RevisitInfo{Start: keyTime(k), End: r.End, First: r.First, Due: r.Due, Attempts: r.Attempts, Records: r.Records})
		return nil
	})
	return out, err
}

// Revisit returns the entry of input's window starting at start.
func (s *Store) Revisit(input string, start time.Time) (r Revisit, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRevisit).Bucket([]byte(input))
		if b == nil {
			return nil
		}
		v := b.Get(timeKey(start))
		if v == nil {
			return nil
		}
		if r, err = decodeHead(v); err != nil {
			return fmt.Errorf("revisit entry of input %q at %s: %w", input, start.UTC().Format(time.RFC3339), err)
		}
		r.Start, ok = start.UTC(), true
		return nil
	})
	return r, ok, err
}

// RevisitInputs lists the inputs whose revisit list is not empty.
func (s *Store) RevisitInputs() ([]string, error) {
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		top := tx.Bucket(bucketRevisit)
		return top.ForEachBucket(func(k []byte) error {
			if first, _ := top.Bucket(k).Cursor().First(); first != nil {
				out = append(out, string(k))
			}
			return nil
		})
	})
	return out, err
}

// DropRevisits removes the entries of input's windows starting at starts.
func (s *Store) DropRevisits(input string, starts []time.Time) error {
	if len(starts) == 0 {
		return nil
	}
	err := s.update("dropping revisit entries", func(tx *bolt.Tx) error {
		for _, t := range starts {
			if err := deleteRevisit(tx, input, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.sweep()
}

func (s *Store) forEachRevisit(input string, fn func(k, v []byte) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRevisit).Bucket([]byte(input))
		if b == nil {
			return nil
		}
		return b.ForEach(fn)
	})
}
