//go:build unix

// Tests that the configured mode wins over the umask on files the sink
// creates, that an existing file keeps its own mode, and that new
// directories get 0750.

package file

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
)

func TestModeOfNewFilesOnly(t *testing.T) {
	tests := []struct {
		name     string
		mode     config.FileMode
		umask    int
		existing os.FileMode // 0 = the file does not exist yet
		want     os.FileMode
	}{
		{"0600 is not widened by a zero umask", 0o600, 0, 0, 0o600},
		{"0640 is not narrowed by umask 077", 0o640, 0o077, 0, 0o640},
		{"0640 under the usual umask", 0o640, 0o022, 0, 0o640},
		{"existing 0666 file keeps its mode", 0o600, 0o022, 0o666, 0o666},
		{"existing 0600 file is not widened to 0640", 0o640, 0o022, 0o600, 0o600},
		{"existing 0604 file keeps its mode", 0, 0o077, 0o604, 0o604},
		{"unset mode means 0640", 0, 0o077, 0, 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := syscall.Umask(tt.umask) // process-wide: these tests do not run in parallel
			defer syscall.Umask(old)
			path := tempPath(t)
			if tt.existing != 0 {
				if err := os.WriteFile(path, nil, 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			s := newSink(t, Config{Path: path, Mode: tt.mode})
			mustWrite(t, s, batch(0, 1))
			assertMode(t, path, tt.want)
		})
	}
}

// A fresh file that rotation creates gets the mode; the rotated one keeps
// whatever mode it had.
func TestModeAppliedAfterRotation(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	path := tempPath(t)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := newSink(t, Config{Path: path, Mode: 0o640, MaxSize: 10, MaxBackups: 1})
	mustWrite(t, s, batch(0, 1))
	assertMode(t, path, 0o600)
	mustWrite(t, s, batch(1, 1))
	assertMode(t, path, 0o640)
	assertMode(t, path+".1", 0o600)
}

func TestDirectoryCreated0750(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "logs")
	s := newSink(t, Config{Path: filepath.Join(dir, "events.ndjson")})
	mustWrite(t, s, batch(0, 1))
	assertMode(t, dir, 0o750)
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %#o, want %#o", filepath.Base(path), got, want)
	}
}

// A FIFO (like /dev/stdout) is written to, but never chmodded or rotated.
func TestNonRegularPathIsNotChmoddedOrRotated(t *testing.T) {
	path := tempPath(t)
	if err := syscall.Mkfifo(path, 0o644); err != nil { // a file system without FIFOs
		ciOrSkip(t, "mkfifo in "+filepath.Dir(path)+": "+err.Error())
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask did
		t.Fatal(err)
	}
	// Holding both ends keeps opens and reads from blocking; four small
	// lines fit in the pipe's buffer.
	r, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := newSink(t, Config{Path: path, Mode: 0o600, MaxSize: 10, MaxBackups: 1})
	mustWrite(t, s, batch(0, 2))
	mustWrite(t, s, batch(2, 2))
	assertMode(t, path, 0o644)
	w := want(batch(0, 4))
	got := make([]byte, len(w))
	if _, err := io.ReadFull(r, got); err != nil {
		t.Fatal(err)
	}
	if string(got) != w {
		t.Errorf("read from the FIFO:\n%s\nwant:\n%s", got, w)
	}
	if _, err := os.Stat(path + ".1"); !os.IsNotExist(err) {
		t.Errorf("FIFO was rotated: %v", err)
	}
}
