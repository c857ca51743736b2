// Check: can this sink write its file? Answered without creating or writing
// anything.

package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Check reports whether the file can be appended to: an existing file must
// open for append; a missing one needs a writable directory, or a missing
// directory the nearest existing ancestor to be a writable directory.
func (s *Sink) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	fi, err := os.Stat(s.path)
	switch {
	case err == nil:
		return checkExisting(s.path, fi)
	case errors.Is(err, fs.ErrNotExist):
		return checkCreatable(s.path)
	default:
		return fmt.Errorf("checking %s: %w", s.path, err)
	}
}

// checkExisting opens a regular file for append and closes it again.
func checkExisting(path string, fi fs.FileInfo) error {
	switch {
	case fi.IsDir():
		return fmt.Errorf("checking %s: is a directory", path)
	case !fi.Mode().IsRegular(): // a device or FIFO: opening could block
		if err := writable(path, false); err != nil {
			return fmt.Errorf("checking %s: not writable: %w", path, err)
		}
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("checking %s: opening for append: %w", path, err)
	}
	return f.Close()
}

// checkCreatable finds the nearest existing ancestor of path's directory and
// checks that it is a directory this process may create entries in.
func checkCreatable(path string) error {
	dir := filepath.Dir(path)
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("checking %s: %s is not a directory", path, dir)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("checking %s: %w", path, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return fmt.Errorf("checking %s: no existing parent directory", path)
		}
		dir = parent
	}
	if err := writable(dir, true); err != nil {
		return fmt.Errorf("checking %s: directory %s is not writable: %w", path, dir, err)
	}
	return nil
}
