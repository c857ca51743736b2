// Which tail of the file this sink wrote: a small record, kept beside the
// state file, of the write in progress.

package file

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// tailRecord says which bytes of which file the sink's last write covered:
// [start, end) of the file with identity (dev, ino). It is stored before the
// write begins, so after a crash at any point the bytes of an interrupted
// write are known to be the sink's own: the file then ends inside
// [start, end). A file that ends exactly at end holds the whole write; one
// that ends past end has bytes after it that someone else appended.
type tailRecord struct {
	dev, ino   uint64
	start, end int64
}

// tailRecordSize is the record's fixed size on disk, so that each store is
// one pwrite over the previous record.
const tailRecordSize = 128

const tailFormat = "serfwd file sink v1 dev=%d ino=%d start=%d end=%d"

// appendTo appends the record as tailFormat renders it.
func (r tailRecord) appendTo(b []byte) []byte {
	b = append(b, "serfwd file sink v1 dev="...)
	b = strconv.AppendUint(b, r.dev, 10)
	b = append(b, " ino="...)
	b = strconv.AppendUint(b, r.ino, 10)
	b = append(b, " start="...)
	b = strconv.AppendInt(b, r.start, 10)
	b = append(b, " end="...)
	return strconv.AppendInt(b, r.end, 10)
}

func (r tailRecord) String() string { return string(r.appendTo(nil)) }

// parseTailRecord reads a stored record; anything else (a record torn by a
// power loss, an unknown version) is not a record.
func parseTailRecord(b []byte) (tailRecord, bool) {
	var r tailRecord
	s := strings.TrimSpace(string(b))
	if _, err := fmt.Sscanf(s, tailFormat, &r.dev, &r.ino, &r.start, &r.end); err != nil ||
		r.String() != s || r.start < 0 || r.end < r.start {
		return tailRecord{}, false
	}
	return r, true
}

// tailStore keeps the record in <state dir>/filesink-<name>.tail. Without a
// state directory it keeps it in memory only: a restart then treats the
// whole file as foreign (never cut, only started on a new line).
type tailStore struct {
	path string   // "" without a state directory
	f    *os.File // open while the sink's file is
	last tailRecord
	has  bool // last holds a record (loaded or stored)
	read bool // the stored record was loaded
}

func newTailStore(stateDir, sinkName string) *tailStore {
	if stateDir == "" {
		return &tailStore{}
	}
	return &tailStore{path: filepath.Join(stateDir, "filesink-"+sinkName+".tail")}
}

// load returns the last record, reading it from disk the first time.
func (t *tailStore) load() (tailRecord, bool, error) {
	if t.read || t.path == "" {
		return t.last, t.has, nil
	}
	b, err := os.ReadFile(t.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return tailRecord{}, false, fmt.Errorf("reading the file sink's record %s: %w", t.path, err)
	default:
		t.last, t.has = parseTailRecord(b)
	}
	t.read = true
	return t.last, t.has, nil
}

// store records r before the write it describes.
func (t *tailStore) store(r tailRecord) error {
	t.last, t.has, t.read = r, true, true
	if t.path == "" {
		return nil
	}
	if t.f == nil {
		f, err := os.OpenFile(t.path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("recording the file sink's write in %s: %w", t.path, err)
		}
		t.f = f
	}
	var b [tailRecordSize]byte
	n := len(r.appendTo(b[:0])) // at most 41 letters and 78 digits: it fits
	for i := n; i < len(b)-1; i++ {
		b[i] = ' '
	}
	b[len(b)-1] = '\n'
	if _, err := t.f.WriteAt(b[:], 0); err != nil {
		t.close()
		return fmt.Errorf("recording the file sink's write in %s: %w", t.path, err)
	}
	return nil
}

func (t *tailStore) close() {
	if t.f != nil {
		_ = t.f.Close()
		t.f = nil
	}
}
