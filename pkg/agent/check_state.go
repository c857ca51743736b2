// Check's row for the state path: the state file's directory must
// be writable, and the file lockable. A state file that a running serfwd
// holds is reported as such, not as a failure: the probe never waits for the
// lock and never keeps it, so a daemon holding it or starting is not
// disturbed (bbolt retries its own lock for a second).

package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkState tests the state path as the user check runs as.
func checkState(path string) CheckResult {
	dir, missing := nearestDir(filepath.Dir(path))
	if err := probeWritable(dir); err != nil {
		return checkFailed("directory %s is not writable by uid %d: %v", dir, os.Geteuid(), err)
	}
	who := fmt.Sprintf("(as uid %d)", os.Geteuid())
	if missing {
		return CheckResult{Detail: fmt.Sprintf("directory %s will be created: %s is writable %s", filepath.Dir(path), dir, who)}
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return CheckResult{Detail: "directory writable " + who + "; no state file yet: serfwd run creates it"}
	case err != nil:
		return checkFailed("directory writable, but the state file is not %s: %v", who, err)
	}
	defer f.Close()
	held, err := tryLock(f)
	switch {
	case err != nil:
		return checkFailed("directory writable, but the state file cannot be locked: %v", err)
	case held:
		return CheckResult{Detail: "directory writable " + who + "; the state file is held by a running serfwd"}
	}
	return CheckResult{Detail: "directory writable " + who + ", state file lockable"}
}

// nearestDir returns dir, or its nearest existing ancestor when dir does
// not exist (serfwd would create the rest), and whether it had to climb.
func nearestDir(dir string) (string, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
			return d, d != dir
		}
	}
}

// probeWritable creates and removes a file in dir.
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".serfwd-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
