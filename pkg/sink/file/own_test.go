// Tests that the sink changes only bytes it wrote (SPEC §5): what others
// wrote stays as it is, also without its final newline; a write of this
// sink that a crash or a short write interrupted is cut back to its last
// complete line, also after a restart.

package file

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestForeignContentIsKept: a file the sink did not write, or bytes others
// appended after the sink's writes, are never cut or changed.
func TestForeignContentIsKept(t *testing.T) {
	b0, b1 := batch(0, 2), batch(2, 2)
	const torn = `{"eventId":"looks torn`
	long := strings.Repeat("x", len(want(b1)))      // longer than a write of b1
	inside := strings.Repeat("y", len(want(b0))+10) // as long as b0 and part of b1
	tests := []struct {
		name  string
		setup func(t *testing.T, path string) // before the checked write
		want  string
	}{
		{"text without a final newline", func(t *testing.T, path string) {
			writeFile(t, path, "foreign text")
		}, "foreign text\n" + want(b1)},
		{"a line that looks like a torn event", func(t *testing.T, path string) {
			writeFile(t, path, want(b0)+torn)
		}, want(b0) + torn + "\n" + want(b1)},
		{"complete lines", func(t *testing.T, path string) {
			writeFile(t, path, "a\n")
		}, "a\n" + want(b1)},
		{"appended after the sink's write, while it was stopped", func(t *testing.T, path string) {
			s := newSink(t, Config{Path: path})
			mustWrite(t, s, b0)
			closeSink(t, s)
			appendFile(t, path, torn)
		}, want(b0) + torn + "\n" + want(b1)},
		{"appended after the sink's interrupted write", func(t *testing.T, path string) {
			s := newSink(t, Config{Path: path})
			mustWrite(t, s, b0)
			interruptWrite(t, s, b1, 30)
			appendFile(t, path, "\n"+long) // the file now ends past the interrupted write
		}, want(b0) + want(b1)[:30] + "\n" + long + "\n" + want(b1)},
		{"a new file at the path (logrotate's create)", func(t *testing.T, path string) {
			s := newSink(t, Config{Path: path})
			mustWrite(t, s, b0)
			interruptWrite(t, s, b1, 30)
			if err := os.Rename(path, path+".1"); err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, inside) // ends inside the record's write: only its identity tells
		}, inside + "\n" + want(b1)},
		{"a record that is not one", func(t *testing.T, path string) {
			writeFile(t, path, want(b0)+torn)
			writeFile(t, filepath.Join(stateDir(t), "filesink-archive.tail"), "serfwd file sink v1 dev=1 ino=")
		}, want(b0) + torn + "\n" + want(b1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			tt.setup(t, path)
			s := newSink(t, Config{Path: path}) // a restart
			mustWrite(t, s, b1)
			if got := readFile(t, path); got != tt.want {
				t.Fatalf("file content:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

// TestForeignAppendWhileOpen: bytes another writer appends while the sink
// keeps the file open are left as they are, and the sink's next line starts
// on a line of its own.
func TestForeignAppendWhileOpen(t *testing.T) {
	path := tempPath(t)
	s := newSink(t, Config{Path: path})
	b0, b1, b2 := batch(0, 2), batch(2, 2), batch(4, 1)
	mustWrite(t, s, b0)
	appendFile(t, path, "note from an admin")
	mustWrite(t, s, b1)
	interruptWrite(t, s, b2, 25) // the record must name the offsets after the note
	mustWrite(t, s, b2)
	w := want(b0) + "note from an admin\n" + want(b1) + want(b2)
	if got := readFile(t, path); got != w {
		t.Fatalf("file content:\n%q\nwant:\n%q", got, w)
	}
}

// TestOwnTornWriteIsCut: a write of this sink that stopped part-way (a crash,
// a full disk) is cut back to its last complete line when the file is next
// opened, by a restarted serfwd as well; its batch then comes again whole.
func TestOwnTornWriteIsCut(t *testing.T) {
	b0, b1 := batch(0, 1), batch(1, 3)
	line := len(want(batch(1, 1)))
	tests := []struct {
		name    string
		before  string // the file before the sink's first write
		keep    int    // bytes of b1's write that reach the file
		restart bool
		want    string
	}{
		{"torn mid-line, restart", "", line + 20, true, want(b0) + want(b1)[:line] + want(b1)},
		{"torn in the first line, restart", "", 20, true, want(b0) + want(b1)},
		{"torn mid-line, same process", "", line + 20, false, want(b0) + want(b1)[:line] + want(b1)},
		{"nothing written", "", 0, true, want(b0) + want(b1)},
		{"written whole, not confirmed", "", len(want(b1)), true, want(b0) + want(b1) + want(b1)},
		{"torn after foreign text", "foreign", 20, true, "foreign\n" + want(b0) + want(b1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			if tt.before != "" {
				writeFile(t, path, tt.before)
			}
			fc := Config{Path: path}
			s := newSink(t, fc)
			mustWrite(t, s, b0)
			interruptWrite(t, s, b1, tt.keep)
			if tt.restart {
				s = newSink(t, fc)
			}
			mustWrite(t, s, b1)
			if got := readFile(t, path); got != tt.want {
				t.Fatalf("file content:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

// TestUnreadableTornWriteIsCutToItsStart: a file this process may write but
// not read loses the whole interrupted write (the last newline in it cannot
// be found), never a byte before it. (As root every file is readable, so the
// open is bypassed: the cut itself is what is tested.)
func TestUnreadableTornWriteIsCutToItsStart(t *testing.T) {
	path := tempPath(t)
	s := newSink(t, Config{Path: path})
	b0, b1 := batch(0, 1), batch(1, 3)
	mustWrite(t, s, b0)
	interruptWrite(t, s, b1, len(want(b1))/2)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	s.f, s.size = f, int64(len(want(b0))+len(want(b1))/2)
	if err := s.cutTornWrite(int64(len(want(b0))), false); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != want(b0) {
		t.Fatalf("file content:\n%q\nwant:\n%q", got, want(b0))
	}
	if !s.midLine {
		t.Error("after cutting unread bytes the next write must start on a new line")
	}
}

// interruptWrite writes evs with a write call that lets keep bytes through
// and then fails, as a crash or a full disk would leave it.
func interruptWrite(t *testing.T, s *Sink, evs []event.Event, keep int) {
	t.Helper()
	s.write = func(f *os.File, b []byte) (int, error) {
		n, err := f.Write(b[:min(keep, len(b))])
		if err != nil {
			return n, err
		}
		return n, errors.New("interrupted (simulated)")
	}
	defer func() { s.write = (*os.File).Write }()
	if err := writeFor(t, s, t.Context(), evs); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("interrupted Write returned %v", err)
	}
}

func closeSink(t *testing.T, s *Sink) {
	t.Helper()
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}
