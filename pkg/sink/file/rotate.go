// Size-based rotation: path → path.1 → … → path.<max_backups>.

package file

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	"go.uber.org/zap"
)

// rotate shifts the backups, moves the current file to path.1 (or removes
// it when no backups are kept) and opens a fresh file. The directory is
// fsynced by the commit that follows.
func (s *Sink) rotate() error {
	s.drop()
	s.dirDirty = true
	if s.maxBackups == 0 {
		if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("rotating %s: %w", s.path, err)
		}
	} else {
		for i := s.maxBackups - 1; i >= 1; i-- {
			if err := renameIfExists(s.backup(i), s.backup(i+1)); err != nil {
				return fmt.Errorf("rotating %s: %w", s.path, err)
			}
		}
		if err := renameIfExists(s.path, s.backup(1)); err != nil {
			return fmt.Errorf("rotating %s: %w", s.path, err)
		}
	}
	s.log.Info("rotated file", zap.Int64("size", s.size), zap.Int("max_backups", s.maxBackups))
	s.size, s.midLine = 0, false
	return s.open()
}

// backup is the name of the i-th backup.
func (s *Sink) backup(i int) string { return s.path + "." + strconv.Itoa(i) }

func renameIfExists(from, to string) error {
	err := os.Rename(from, to)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
