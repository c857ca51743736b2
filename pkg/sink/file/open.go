// Opening the sink's file: directory, append mode, permissions of a new
// file, and what the end of an existing one holds.

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

// open opens s.path for appending and learns its size and identity. A new
// file gets the configured mode; an existing one keeps its own. The end of
// an existing file is settled by settleTail.
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
	if err == nil && created && fi.Mode().IsRegular() {
		// fchmod, so that the umask neither narrows nor widens the mode.
		if err = f.Chmod(s.mode); err != nil {
			err = fmt.Errorf("setting mode %#o: %w", s.mode, err)
		}
	}
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("opening %s: %w", s.path, err)
	}
	s.f, s.size, s.regular, s.midLine = f, fi.Size(), fi.Mode().IsRegular(), false
	s.dev, s.ino, s.known = fileID(fi)
	if created {
		s.dirDirty = true
	}
	if !s.regular || s.size == 0 {
		return nil
	}
	if err := s.settleTail(readable); err != nil {
		_ = f.Close()
		s.f = nil
		return err
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

// settleTail decides what the end of an existing, non-empty file holds. When
// the record of the sink's last write names this file and the file ends
// inside that write, the write was interrupted (a crash, a short write): its
// batch was not confirmed and comes again whole, so the torn last line is cut
// (back to the last newline of that write; in a file this process cannot
// read, back to where the write began). Anything else the sink did not write
// and leaves alone; when such content lacks its final newline, the next
// write starts with one.
func (s *Sink) settleTail(readable bool) error {
	rec, ok, err := s.tail.load()
	if err != nil {
		return err
	}
	mine := ok && s.known && rec.dev == s.dev && rec.ino == s.ino
	switch {
	case mine && s.size > rec.start && s.size < rec.end:
		return s.cutTornWrite(rec.start, readable)
	case mine && s.size == rec.end:
		return nil // ends with the sink's last write, on a newline
	}
	s.midLine = !endsWithNewline(s.f, s.size, readable)
	return nil
}

// recheck notices bytes that someone else appended to the open file (or
// removed from it) since the sink's last write: the next write then starts
// on a new line if need be, and its record names the right offsets.
func (s *Sink) recheck() error {
	if !s.regular {
		return nil
	}
	fi, err := s.f.Stat()
	if err != nil {
		s.drop()
		return fmt.Errorf("checking %s: %w", s.path, err)
	}
	if fi.Size() != s.size {
		s.log.Info("the file changed since this sink's last write; leaving what others wrote as it is",
			zap.Int64("size", fi.Size()), zap.Int64("written_up_to", s.size))
		s.size = fi.Size()
		s.midLine = s.size > 0 && !endsWithNewline(s.f, s.size, true)
	}
	return nil
}

// endsWithNewline reports whether f's last byte is '\n'. When it cannot
// tell (a file this process may not read), it says no: the next write then
// starts with a newline, a blank line at worst.
func endsWithNewline(f *os.File, size int64, readable bool) bool {
	var last [1]byte
	if !readable {
		return false
	}
	if _, err := f.ReadAt(last[:], size-1); err != nil {
		return false
	}
	return last[0] == '\n'
}

// cutTornWrite removes the part of an interrupted write of this sink after
// its last complete line: from the last newline after start, or from start.
func (s *Sink) cutTornWrite(start int64, readable bool) error {
	end := start
	if readable {
		n, err := lastNewline(s.f, start, s.size)
		if err != nil {
			return fmt.Errorf("reading the end of %s: %w", s.path, err)
		}
		end = n
	}
	if end == s.size {
		return nil
	}
	if err := s.f.Truncate(end); err != nil {
		return fmt.Errorf("removing a torn last line from %s: %w", s.path, err)
	}
	s.log.Warn("removed the torn end of an interrupted write of this sink; its batch is written again",
		zap.Int64("bytes", s.size-end))
	// Unread, the byte before start may end foreign text: a blank line at worst.
	s.size, s.midLine = end, !readable && end > 0
	return nil
}

// lastNewline returns the offset just after the last '\n' in [from, to) of
// f, or from when there is none.
func lastNewline(f *os.File, from, to int64) (int64, error) {
	var buf [4096]byte
	for end := to; end > from; {
		n := min(int64(len(buf)), end-from)
		if _, err := f.ReadAt(buf[:n], end-n); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return end - n + int64(i) + 1, nil
		}
		end -= n
	}
	return from, nil
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
