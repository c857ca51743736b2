// Scratch files: temporary files beside the state file for data a fetch
// needs only while it runs and that is too large for memory (the tables
// that number a huge window's records and compare them with the revisit
// list, pkg/internal/idtable). Each is unlinked as soon as it is created,
// so that it vanishes with the process, however that ends; the few that a
// crash could catch between creating and unlinking are removed at Open.

package state

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// scratchPrefix starts the names of the scratch files of the state file
// at path.
func scratchPrefix(path string) string { return "." + filepath.Base(path) + ".scratch-" }

// Scratch creates an empty scratch file beside the state file, readable
// and writable by this process only, and already unlinked.
func (s *Store) Scratch() (*os.File, error) {
	f, err := os.CreateTemp(filepath.Dir(s.path), scratchPrefix(s.path)+"*")
	if err != nil {
		return nil, fmt.Errorf("creating a scratch file beside the state file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("unlinking scratch file %s: %w", f.Name(), err)
	}
	return f, nil
}

// removeScratch removes scratch files that a crash left behind.
func (s *Store) removeScratch() error {
	dir := filepath.Dir(s.path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("looking for scratch files left by an earlier run: %w", err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), scratchPrefix(s.path)) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		if err := os.Remove(name); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("removing scratch file %s left by an earlier run: %w", name, err)
		}
	}
	return nil
}
