//go:build unix

// Permission probing with access(2), which answers for this process's
// credentials, and for read-only mounts, without touching anything.

package file

import "syscall"

const (
	accessWrite  = 0x2 // W_OK
	accessSearch = 0x1 // X_OK
)

// writable reports whether this process may write path; for a directory,
// whether it may create entries in it.
func writable(path string, dir bool) error {
	mode := uint32(accessWrite)
	if dir {
		mode |= accessSearch
	}
	return syscall.Access(path, mode)
}
