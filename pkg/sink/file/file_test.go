// Tests of writing: exact lines, appending across restarts, torn lines,
// errors, Reopen and Close.

package file

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

func TestWriteLines(t *testing.T) {
	tests := []struct {
		name    string
		batches [][]event.Event
	}{
		{"one event", [][]event.Event{batch(0, 1)}},
		{"two batches", [][]event.Event{batch(0, 3), batch(3, 2)}},
		{"large batch", [][]event.Event{batch(0, 500)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			s := newSink(t, Config{Path: path})
			for _, b := range tt.batches {
				mustWrite(t, s, b)
			}
			got := readFile(t, path)
			if w := want(tt.batches...); got != w {
				t.Fatalf("file content:\n%s\nwant:\n%s", got, w)
			}
			var n int
			for i, line := range lines(got) {
				var m map[string]any
				if err := json.Unmarshal(line, &m); err != nil {
					t.Fatalf("line %d is not JSON: %v: %s", i, err, line)
				}
				ev := testEvent(i)
				if id := m["eventId"]; id != ev.ID() {
					t.Errorf("line %d: eventId %v, want %s", i, id, ev.ID())
				}
				n++
			}
			if w := len(strings.Split(want(tt.batches...), "\n")) - 1; n != w {
				t.Errorf("%d lines, want %d", n, w)
			}
		})
	}
}

func TestEmptyBatchOpensNothing(t *testing.T) {
	path := tempPath(t)
	s := newSink(t, Config{Path: path})
	if err := writeFor(t, s, context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != "<missing>" {
		t.Errorf("file exists after an empty batch: %q", got)
	}
}

func TestAppendsAcrossRestartAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "events.ndjson")
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	const before = "{\"earlier\":true}\n"
	if err := os.WriteFile(path, []byte(before), 0o640); err != nil {
		t.Fatal(err)
	}
	s1 := newSink(t, Config{Path: path})
	mustWrite(t, s1, batch(0, 2))
	if err := s1.Reopen(); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s1, batch(2, 2))
	if err := s1.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s2 := newSink(t, Config{Path: path})
	mustWrite(t, s2, batch(4, 3))
	if got, w := readFile(t, path), before+want(batch(0, 7)); got != w {
		t.Fatalf("file content:\n%s\nwant:\n%s", got, w)
	}
}

func TestCreatesMissingDirectories(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "events.ndjson")
	s := newSink(t, Config{Path: path})
	mustWrite(t, s, batch(0, 1))
	if got, w := readFile(t, path), want(batch(0, 1)); got != w {
		t.Fatalf("file content %q, want %q", got, w)
	}
}

// A short write fails the batch; the retry reopens the file, cuts a torn
// line and repeats the batch whole (complete lines written before the
// failure stay: at-least-once).
func TestRetryAfterShortWrite(t *testing.T) {
	tests := []struct {
		name string
		keep func(n int) int // bytes the failing write lets through
	}{
		{"nothing written", func(int) int { return 0 }},
		{"torn mid-line", func(n int) int { return n / 2 }},
		{"torn after a newline", func(int) int { return len(want(batch(0, 1))) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			s := newSink(t, Config{Path: path})
			mustWrite(t, s, batch(0, 1))
			evs := batch(1, 3)
			var partial string
			s.write = func(f *os.File, b []byte) (int, error) {
				k := tt.keep(len(b))
				partial = string(b[:k])
				n, err := f.Write(b[:k])
				if err != nil {
					return n, err
				}
				return n, errors.New("device full (simulated)")
			}
			err := writeFor(t, s, context.Background(), evs)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("Write error %v, want one naming %s", err, path)
			}
			s.write = (*os.File).Write
			mustWrite(t, s, evs)
			whole := partial[:strings.LastIndex(partial, "\n")+1] // complete lines only
			w := want(batch(0, 1)) + whole + want(evs)
			if got := readFile(t, path); got != w {
				t.Fatalf("file content:\n%s\nwant:\n%s", got, w)
			}
		})
	}
}

func TestWriteErrorNamesPath(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "x")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	isDir := filepath.Join(dir, "d")
	if err := os.Mkdir(isDir, 0o750); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
	}{
		{"parent is a regular file", filepath.Join(notDir, "events.ndjson")},
		{"grandparent is a regular file", filepath.Join(notDir, "sub", "events.ndjson")},
		{"path is a directory", isDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink(t, Config{Path: tt.path})
			for attempt := range 2 { // the retry fails the same way
				err := writeFor(t, s, context.Background(), batch(0, 2))
				if err == nil || !strings.Contains(err.Error(), tt.path) {
					t.Fatalf("attempt %d: error %v, want one naming %s", attempt, err, tt.path)
				}
				if sink.IsPermanent(err) {
					t.Errorf("error marked permanent; the delivery loop should retry it")
				}
			}
		})
	}
}

func TestReopenAfterExternalRename(t *testing.T) {
	path := tempPath(t)
	s := newSink(t, Config{Path: path})
	mustWrite(t, s, batch(0, 2))
	moved := path + ".logrotate"
	if err := os.Rename(path, moved); err != nil {
		t.Fatal(err)
	}
	if err := s.Reopen(); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, batch(2, 3))
	if got, w := readFile(t, moved), want(batch(0, 2)); got != w {
		t.Errorf("moved file:\n%s\nwant:\n%s", got, w)
	}
	if got, w := readFile(t, path), want(batch(2, 3)); got != w {
		t.Errorf("new file:\n%s\nwant:\n%s", got, w)
	}
}

// Reopen from another goroutine while batches are written: every event
// lands once, in order, on its own line (run with -race).
func TestConcurrentReopen(t *testing.T) {
	path := tempPath(t)
	s := newSink(t, Config{Path: path})
	const batches, size = 50, 10
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
				if err := s.Reopen(); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	for i := range batches {
		mustWrite(t, s, batch(i*size, size))
	}
	close(done)
	wg.Wait()
	if got, w := readFile(t, path), want(batch(0, batches*size)); got != w {
		t.Fatalf("file content differs: %d bytes, want %d", len(got), len(w))
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	path := tempPath(t)
	s := newSink(t, Config{Path: path})
	mustWrite(t, s, batch(0, 1))
	for range 2 {
		if err := s.Close(context.Background()); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	if err := s.Reopen(); err != nil {
		t.Errorf("Reopen after Close: %v", err)
	}
	if err := writeFor(t, s, context.Background(), batch(1, 1)); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func TestWriteHonoursCancelledContext(t *testing.T) {
	path := tempPath(t)
	s := newSink(t, Config{Path: path})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := writeFor(t, s, ctx, batch(0, 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write error %v, want context.Canceled", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		file Config
		want string
	}{
		{"no path", Config{Mode: 0o640}, "path: required"},
		{"negative max_size", Config{Path: "x", MaxSize: -1, Mode: 0o640}, "max_size: must not be negative"},
		{"negative max_backups", Config{Path: "x", MaxBackups: -1, Mode: 0o640}, "max_backups: must not be negative"},
		{"mode without owner write", Config{Path: "x", Mode: 0o440}, "mode: 0440 does not let serfwd write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(sink.Settings{Name: "archive"}, tt.file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestKind(t *testing.T) {
	r, err := sink.NewRegistry(Kind())
	if err != nil {
		t.Fatal(err)
	}
	fc := DefaultConfig()
	fc.Path = tempPath(t)
	s, err := r.New(sink.Settings{}, config.Sink{Name: "archive", Type: "file", Config: fc})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if _, ok := s.(sink.Reopener); !ok {
		t.Error("file sink is not a sink.Reopener")
	}
	if _, ok := s.(sink.Checker); !ok {
		t.Error("file sink is not a sink.Checker")
	}
}
