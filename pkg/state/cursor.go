// Each input's cursor: reading one or all of them, and the operator's
// `checkpoint set` and `checkpoint reset`.

package state

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Cursor returns input's cursor: the end of its last committed window.
// ok is false when the input has none yet.
func (s *Store) Cursor(input string) (t time.Time, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketCursors).Get([]byte(input)); len(v) == 8 {
			t, ok = keyTime(v), true
		}
		return nil
	})
	return t, ok, err
}

// Cursors returns every input's cursor.
func (s *Store) Cursors() (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCursors).ForEach(func(k, v []byte) error {
			if len(v) == 8 {
				out[string(k)] = keyTime(v)
			}
			return nil
		})
	})
	return out, err
}

// SetCursor moves input's cursor to t (an operator's `checkpoint set`).
func (s *Store) SetCursor(input string, t time.Time) error {
	return s.update("setting cursor", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCursors).Put([]byte(input), timeKey(t))
	})
}

// ResetCursor forgets input's cursor, so the next run begins at its start or
// lookback again.
func (s *Store) ResetCursor(input string) error {
	return s.update("resetting cursor", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCursors).Delete([]byte(input))
	})
}
