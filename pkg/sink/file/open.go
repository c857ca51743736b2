// Opening the sink's file: directory, append mode, permissions, and where
// the file's end stands.
package file

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.uber.org/zap"
)

// open opens s.path for appending and learns its size; a torn last line is
// cut off (when the file cannot be read, the next write starts with a
// newline instead).
func (s *Sink) open() error {
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("opening %s: creating its directory: %w", s.path, err)
	}
	f, created, readable, err := openAppend(s.path, s.mode)
	if err != nil {
		return fmt.Errorf("opening %s: %w", s.path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("opening %s: %w", s.path, err)
	}
	s.regular = fi.Mode().IsRegular()
	if err := s.applyMode(f, fi, created); err != nil {
		_ = f.Close()
		return err
	}
	s.f, s.size = f, fi.Size()
	switch {
	case !s.regular || s.size == 0:
		s.midLine = false
	case readable:
		s.midLine = endsMidLine(f, s.size, s.midLine)
		if s.midLine {
			if err := s.cutTornLine(); err != nil {
				_ = f.Close()
				s.f = nil
				return err
			}
		}
	}
	if created {
		s.dirDirty = true
	}
	return nil
}

// openAppend opens path read-write for appending, creating it when missing.
// It reports whether it created the file, and whether it can read it (an
// existing file whose mode denies reading is opened write-only).
func openAppend(path string, mode os.FileMode) (f *os.File, created, readable bool, err error) {
	const flags = os.O_RDWR | os.O_APPEND
	for range 3 { // the path may vanish between the two opens
		f, err = os.OpenFile(path, flags|os.O_CREATE|os.O_EXCL, mode)
		if err == nil {
			return f, true, true, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, false, false, err
		}
		f, err = os.OpenFile(path, flags, 0)
		if errors.Is(err, fs.ErrPermission) {
			f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			return f, false, false, err
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return f, false, err == nil, err
		}
	}
	return nil, false, false, err
}

// applyMode sets the configured permissions, whatever the umask did. A
// refusal is an error only on a file this sink created.
func (s *Sink) applyMode(f *os.File, fi fs.FileInfo, created bool) error {
	if !s.regular || fi.Mode().Perm() == s.mode {
		return nil
	}
	err := f.Chmod(s.mode)
	switch {
	case err == nil:
		return nil
	case created:
		return fmt.Errorf("setting mode %#o on %s: %w", s.mode, s.path, err)
	default:
		s.log.Warn("cannot set the configured mode on an existing file",
			zap.Stringer("mode", s.mode), zap.Error(err))
		return nil
	}
}

// cutTornLine removes a last line that an interrupted write left without
// its newline: the batch it belonged to was not confirmed, so it is written
// again whole, and a reader of the file never meets half an event.
func (s *Sink) cutTornLine() error {
	end := s.size
	var buf [4096]byte
	for end > 0 {
		n := min(int64(len(buf)), end)
		if _, err := s.f.ReadAt(buf[:n], end-n); err != nil {
			return fmt.Errorf("reading the end of %s: %w", s.path, err)
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			end = end - n + int64(i) + 1
			break
		}
		end -= n
	}
	if err := s.f.Truncate(end); err != nil {
		return fmt.Errorf("removing a torn last line from %s: %w", s.path, err)
	}
	s.log.Warn("removed a torn last line left by an interrupted write; its batch is written again",
		zap.String("path", s.path), zap.Int64("bytes", s.size-end))
	s.size, s.midLine = end, false
	return nil
}

// endsMidLine reports whether the file's last byte is not '\n'; when it
// cannot read it, it keeps what the sink knew before.
func endsMidLine(f *os.File, size int64, known bool) bool {
	var last [1]byte
	if _, err := f.ReadAt(last[:], size-1); err != nil {
		return known
	}
	return last[0] != '\n'
}

// syncDir fsyncs the directory holding path, so that creates and renames in
// it survive a crash.
func syncDir(path string) error {
	dir := filepath.Dir(path)
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}
