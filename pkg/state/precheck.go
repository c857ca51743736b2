// A check of the state file's size against its own meta pages before bbolt
// maps it: bbolt trusts the file's length and dies with SIGBUS (not a
// recoverable panic) when a truncated file's pages lie beyond its end.

package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk meta page: a 16-byte page header, then magic, version,
// page size, flags, root bucket (root pgid, sequence), freelist pgid, high
// water mark pgid, txid and an FNV-64a checksum of the fields before it,
// in the machine's byte order.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	pageHeaderSize = 16
	metaSumOffset  = 56 // bytes of the meta covered by the checksum
	metaSize       = 64
)

// boltMeta is what precheck needs from one meta page.
type boltMeta struct {
	pageSize uint32
	highPgid uint64 // pages in use: the file must hold at least this many
	txid     uint64
}

// precheck refuses a file that is too short for bbolt to open safely:
// shorter than two pages, or shorter than the high water mark of its
// newest valid meta page. A missing or empty file passes (bbolt creates
// it); so does one without a valid meta page (bbolt reports it as invalid).
func precheck(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return opening(path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return opening(path, err)
	}
	size := fi.Size()
	if size == 0 {
		return nil
	}
	m0, ok0 := readMeta(f, 0)
	pageSize := int64(os.Getpagesize())
	if ok0 {
		pageSize = int64(m0.pageSize)
	}
	if size < 2*pageSize {
		return corrupt(path, fmt.Errorf("truncated: %d bytes, less than its two meta pages", size))
	}
	m1, ok1 := readMeta(f, pageSize)
	m := m0
	switch {
	case ok0 && ok1 && m1.txid > m0.txid, !ok0 && ok1:
		m = m1
	case !ok0 && !ok1:
		return nil
	}
	if need := int64(m.highPgid) * int64(m.pageSize); need > size {
		return corrupt(path, fmt.Errorf("truncated: %d bytes, but its pages reach %d bytes", size, need))
	}
	return nil
}

// readMeta reads and validates the meta page at off.
func readMeta(r io.ReaderAt, off int64) (boltMeta, bool) {
	buf := make([]byte, pageHeaderSize+metaSize)
	if _, err := r.ReadAt(buf, off); err != nil {
		return boltMeta{}, false
	}
	b := buf[pageHeaderSize:]
	ne := binary.NativeEndian
	if ne.Uint32(b[0:]) != boltMagic || ne.Uint32(b[4:]) != boltVersion {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	h.Write(b[:metaSumOffset])
	if h.Sum64() != ne.Uint64(b[metaSumOffset:]) {
		return boltMeta{}, false
	}
	m := boltMeta{pageSize: ne.Uint32(b[8:]), highPgid: ne.Uint64(b[40:]), txid: ne.Uint64(b[48:])}
	if m.pageSize < 512 || m.pageSize > 1<<20 {
		return boltMeta{}, false
	}
	return m, true
}
