// Tests of the record of the write in progress: what is stored reads back,
// and what is not a whole record is none.

package file

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestTailRecordStoredAndLoaded(t *testing.T) {
	dir := t.TempDir()
	for _, r := range []tailRecord{
		{dev: 2049, ino: 131, start: 0, end: 480},
		{dev: math.MaxUint64, ino: math.MaxUint64, start: math.MaxInt64 - 1, end: math.MaxInt64},
		{dev: 1, ino: 2, start: 3, end: 4}, // shorter than the record before: no stale digits may remain
	} {
		w := newTailStore(dir, "archive")
		if err := w.store(r); err != nil {
			t.Fatal(err)
		}
		w.close()
		b, err := os.ReadFile(filepath.Join(dir, "filesink-archive.tail"))
		if err != nil || len(b) != tailRecordSize {
			t.Fatalf("record file: %d bytes, %v", len(b), err)
		}
		got, ok, err := newTailStore(dir, "archive").load()
		if err != nil || !ok || got != r {
			t.Fatalf("loaded %+v %v %v, stored %+v", got, ok, err, r)
		}
	}
}

func TestTailRecordRejectsDamage(t *testing.T) {
	for _, s := range []string{
		"",
		"serfwd file sink v1 dev=1 ino=2 start=3",           // torn
		"serfwd file sink v1 dev=1 ino=2 start=3 end=4 x",   // trailing text
		"serfwd file sink v2 dev=1 ino=2 start=3 end=4",     // another version
		"serfwd file sink v1 dev=1 ino=2 start=5 end=4",     // ends before it starts
		"serfwd file sink v1 dev=1 ino=2 start=-1 end=4",    // negative
		"serfwd file sink v1 dev=1 ino=2 start=03 end=4",    // not as written
		"serfwd file sink v1 dev=1 ino=2 start=3 end=4\x00", // binary junk
	} {
		if r, ok := parseTailRecord([]byte(s)); ok {
			t.Errorf("%q parsed as %+v", s, r)
		}
	}
}
