// Compaction: bbolt never shrinks its file, so a queue that once held a long
// outage's events would keep its size for good. At Open, a file that is
// mostly free pages is copied to a fresh one that replaces it.

package state

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// minCompactSize is the smallest file worth compacting.
const minCompactSize = 8 << 20

// openLocked opens the bbolt file at path, waiting at most a second for its
// lock, and makes sure the lock it got is on the file now at path: another
// serfwd may have compacted and replaced the file while this one waited on
// the old one's lock.
func openLocked(path string) (*bolt.DB, error) {
	for attempt := 1; ; attempt++ {
		before, err1 := os.Stat(path)
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			return nil, err
		}
		// While this process holds the lock nobody can replace the file, so
		// the same file before and after the wait is the file it locked.
		after, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || os.SameFile(before, after) || attempt == 3 {
			return db, nil
		}
		db.Close()
	}
}

// compactIfSparse replaces the file with a compacted copy when more than
// half of a file of at least minCompactSize is free pages. The copy is
// opened and locked before the old file is released, so no other process
// can slip in between.
func (s *Store) compactIfSparse() error {
	info, err := os.Stat(s.path)
	if err != nil || info.Size() < minCompactSize {
		return err
	}
	st := s.db.Stats()
	free := int64(st.FreePageN+st.PendingPageN) * int64(s.db.Info().PageSize)
	if free*2 < info.Size() {
		return nil
	}
	tmp := s.path + ".compact"
	_ = os.Remove(tmp) // a leftover of an interrupted compaction
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	if err := bolt.Compact(dst, s.db, 4<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return err
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, s.path); err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(s.path))
	db, err := openLocked(s.path)
	if err != nil {
		return fmt.Errorf("reopening after compaction: %w", err)
	}
	old := s.db
	s.db = db
	return old.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
