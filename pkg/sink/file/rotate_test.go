// Tests of size-based rotation: backups kept, contents, batches never split.

package file

import (
	"strconv"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
)

func TestRotation(t *testing.T) {
	// Five batches of three events; their encoded sizes differ by a few
	// bytes, so limits are derived from them rather than hard-coded.
	var bs [][]event.Event
	var longest, shortest int
	for i := range 5 {
		b := batch(i*3, 3)
		bs = append(bs, b)
		n := len(want(b))
		if i == 0 || n > longest {
			longest = n
		}
		if i == 0 || n < shortest {
			shortest = n
		}
	}
	if 2*shortest <= longest*3/2 || 3*shortest <= 2*longest+10 {
		t.Fatal("test batches differ too much in size for the limits below")
	}
	missing := "<missing>"
	tests := []struct {
		name       string
		maxSize    int
		maxBackups int
		restart    bool              // a new sink for each batch, as after restarts
		files      map[string]string // suffix → content
	}{
		{"one batch per file, two backups", longest * 3 / 2, 2, false, map[string]string{
			"": want(bs[4]), ".1": want(bs[3]), ".2": want(bs[2]), ".3": missing}},
		{"two batches per file", 2*longest + 10, 3, false, map[string]string{
			"": want(bs[4]), ".1": want(bs[2], bs[3]), ".2": want(bs[0], bs[1]), ".3": missing}},
		{"no backups", longest * 3 / 2, 0, false, map[string]string{
			"": want(bs[4]), ".1": missing}},
		{"batch larger than max_size", 10, 2, false, map[string]string{
			"": want(bs[4]), ".1": want(bs[3]), ".2": want(bs[2]), ".3": missing}},
		{"size survives restarts", longest * 3 / 2, 2, true, map[string]string{
			"": want(bs[4]), ".1": want(bs[3]), ".2": want(bs[2]), ".3": missing}},
		{"max_size 0 never rotates", 0, 2, false, map[string]string{
			"": want(bs...), ".1": missing}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			fc := Config{Path: path, MaxSize: config.Size(tt.maxSize), MaxBackups: tt.maxBackups}
			s := newSink(t, fc)
			for _, b := range bs {
				if tt.restart {
					s = newSink(t, fc)
				}
				mustWrite(t, s, b)
			}
			for suffix, w := range tt.files {
				if got := readFile(t, path+suffix); got != w {
					t.Errorf("%s:\n%s\nwant:\n%s", "file"+suffix, got, w)
				}
			}
		})
	}
}

// A batch that fills the file exactly to max_size does not rotate it; the
// next byte does.
func TestRotationAtExactFit(t *testing.T) {
	path := tempPath(t)
	b0, b1, b2 := batch(0, 2), batch(2, 2), batch(4, 1)
	s := newSink(t, Config{Path: path, MaxSize: config.Size(len(want(b0, b1))), MaxBackups: 1})
	mustWrite(t, s, b0)
	mustWrite(t, s, b1)
	if got := readFile(t, path+".1"); got != "<missing>" {
		t.Fatalf("rotated although the file fit exactly:\n%s", got)
	}
	mustWrite(t, s, b2)
	if got, w := readFile(t, path+".1"), want(b0, b1); got != w {
		t.Errorf("file.1:\n%s\nwant:\n%s", got, w)
	}
	if got, w := readFile(t, path), want(b2); got != w {
		t.Errorf("file:\n%s\nwant:\n%s", got, w)
	}
}

// Many small batches with max_size 0: one file, everything in it.
func TestNoRotationWithoutMaxSize(t *testing.T) {
	path := tempPath(t)
	s := newSink(t, Config{Path: path, MaxBackups: 3})
	for i := range 100 {
		mustWrite(t, s, batch(i, 1))
	}
	if got, w := readFile(t, path), want(batch(0, 100)); got != w {
		t.Fatalf("file content differs: %d bytes, want %d", len(got), len(w))
	}
	for i := 1; i <= 3; i++ {
		if got := readFile(t, path+"."+strconv.Itoa(i)); got != "<missing>" {
			t.Errorf("backup %d exists", i)
		}
	}
}
