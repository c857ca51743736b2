// Tests of Check: what it accepts, what it refuses, and that it creates
// nothing.

package file

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.ndjson")
	if err := os.WriteFile(existing, []byte("{}\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	regular := filepath.Join(dir, "x")
	if err := os.WriteFile(regular, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o550); err != nil {
		t.Fatal(err)
	}
	// Permission bits do not stop root: as root the directory is made
	// read-only by a mount instead.
	root := os.Geteuid() == 0
	tests := []struct {
		name     string
		path     string
		wantErr  string // "" = success
		readOnly bool   // readOnly is read-only
	}{
		{"existing file", existing, "", false},
		{"missing file in existing directory", filepath.Join(dir, "new.ndjson"), "", false},
		{"missing directories", filepath.Join(dir, "a", "b", "new.ndjson"), "", false},
		{"parent is a regular file", filepath.Join(regular, "file"), "not a directory", false},
		{"ancestor is a regular file", filepath.Join(regular, "sub", "file"), "not a directory", false},
		{"path is a directory", dir, "is a directory", false},
		{"read-only directory", filepath.Join(readOnly, "new.ndjson"), "not writable", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink(t, Config{Path: tt.path})
			check := func() error { return s.Check(context.Background()) }
			var err error
			if tt.readOnly && root {
				err = inReadOnlyMount(t, readOnly, check)
			} else {
				err = check()
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Check error %v, want one mentioning %q", err, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.path):
				t.Errorf("Check error %q does not name %s", err, tt.path)
			}
		})
	}
	for _, p := range []string{filepath.Join(dir, "new.ndjson"), filepath.Join(dir, "a")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("Check created %s", p)
		}
	}
	if got := readFile(t, existing); got != "{}\n" {
		t.Errorf("Check changed the existing file: %q", got)
	}
}
