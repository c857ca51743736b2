// Giving back the pages of the state file that delivery read (Linux): bbolt
// reads through a shared mapping of the file, and every page read stays
// mapped, so that the process's resident size would grow with everything
// ever queued. The pages are clean copies of the file: dropping them from
// the mapping loses nothing, the next read maps them again from the page
// cache.

package state

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// releaseMapped drops the file's pages from the process's mapping. It runs
// in a read transaction, which keeps bbolt from remapping meanwhile.
func (s *Store) releaseMapped() {
	_ = s.db.View(func(tx *bolt.Tx) error {
		info := s.db.Info()
		if info == nil || info.Data == 0 || tx.Size() <= 0 {
			return nil
		}
		_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, info.Data, uintptr(tx.Size()), syscall.MADV_DONTNEED)
		return nil
	})
}
