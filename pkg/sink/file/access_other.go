//go:build !unix

// Permission probing where access(2) is missing: try it for real.

package file

import "os"

// writable reports whether this process may write path; for a directory,
// whether it may create entries in it (by creating and removing a file).
func writable(path string, dir bool) error {
	if !dir {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		return f.Close()
	}
	f, err := os.CreateTemp(path, ".serfwd-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}
