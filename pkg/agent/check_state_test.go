// The state path's row of Check: a directory to be created, no state file
// yet, a file held by another process (not disturbed by the probe), a free one.

package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/state"
)

func TestCheckState(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")

	r := checkState(filepath.Join(dir, "new", "sub", "state.db"))
	if r.Failed || !strings.Contains(r.Detail, "will be created: "+dir+" is writable") {
		t.Errorf("missing directory: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Error("check created the state directory")
	}
	if r := checkState(path); r.Failed || !strings.Contains(r.Detail, "no state file yet") {
		t.Errorf("no state file: %+v", r)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("check created the state file")
	}

	st, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if r := checkState(path); r.Failed || !strings.HasSuffix(r.Detail, "the state file is held by a running serfwd") {
		t.Errorf("held state file: %+v", r)
	}
	// The holder is not disturbed: it still writes, and keeps its lock.
	if err := st.SetCursor("acme", time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("the holder cannot write after the check: %v", err)
	}
	if _, err := state.Open(path); err == nil {
		t.Fatal("the check released the holder's lock")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	if r := checkState(path); r.Failed || !strings.HasSuffix(r.Detail, "state file lockable") {
		t.Errorf("free state file: %+v", r)
	}
	st, err = state.Open(path) // the probe left no lock behind
	if err != nil {
		t.Fatalf("opening the state file after the check: %v", err)
	}
	st.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the probe left files behind: %v", entries)
	}
}
