//go:build unix

// A file's identity (device and inode), to tell the file this sink wrote
// from one that replaced it at the same path.

package file

import (
	"io/fs"
	"syscall"
)

// fileID returns fi's device and inode numbers.
func fileID(fi fs.FileInfo) (dev, ino uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return uint64(st.Dev), uint64(st.Ino), true // Dev is int32 on some platforms
}
