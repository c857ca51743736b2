//go:build unix

// The state file's lock probe on Unix: bbolt locks with flock, so a
// non-blocking flock tells whether another process holds it.

package agent

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes f's exclusive lock without waiting and releases it at once;
// held reports that another process has it.
func tryLock(f *os.File) (held bool, err error) {
	fd := int(f.Fd())
	if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return true, nil
		}
		return false, err
	}
	return false, syscall.Flock(fd, syscall.LOCK_UN)
}
