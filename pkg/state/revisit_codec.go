// revisit_codec.go is the binary form of a revisit list entry: a small
// head that names the fingerprint set holding the records (prints.go).
//
//	byte     format (2)
//	8 bytes  end, first fetch, next due: Unix ms, big endian (24 bytes)
//	uvarint  attempts
//	uvarint  record count
//	8 bytes  window event hash, uvarint its revision
//	uvarint  fingerprint set id (0: none)
//
// Format 1 (state file format 2) held the records themselves after the
// window event's revision, sorted by eventId; Open moves them into sets
// (migrate.go).

package state

import (
	"encoding/binary"
	"errors"
	"time"
)

const (
	revisitFormat   = 2
	revisitFormatV1 = 1
)

// minRecordBytes is the smallest encoded record.
const minRecordBytes = 32 + 8 + 1

var errBadRevisit = errors.New("malformed revisit entry")

func encodeRevisit(r *Revisit) []byte {
	b := make([]byte, 0, 64)
	b = append(b, revisitFormat)
	b = binary.BigEndian.AppendUint64(b, uint64(r.End.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(r.First.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(r.Due.UnixMilli()))
	b = binary.AppendUvarint(b, uint64(max(r.Attempts, 0)))
	b = binary.AppendUvarint(b, uint64(max(r.Records, 0)))
	b = binary.BigEndian.AppendUint64(b, r.Window.Hash)
	b = binary.AppendUvarint(b, uint64(max(r.Window.Revision, 0)))
	return binary.AppendUvarint(b, r.set)
}

// decodeHead reads an entry of either format up to its records; rest is
// what follows the window event's revision. Start is left zero (it is the
// key).
func decodeHead(v []byte) (r Revisit, err error) {
	r, _, err = decodeHeadRest(v)
	return r, err
}

func decodeHeadRest(v []byte) (r Revisit, rest []byte, err error) {
	if len(v) < 25 || v[0] != revisitFormat && v[0] != revisitFormatV1 {
		return r, nil, errBadRevisit
	}
	format := v[0]
	ms := func(b []byte) time.Time { return time.UnixMilli(int64(binary.BigEndian.Uint64(b))).UTC() }
	r.End, r.First, r.Due = ms(v[1:9]), ms(v[9:17]), ms(v[17:25])
	var x, n uint64
	if x, v, err = readUv(v[25:]); err != nil {
		return r, nil, err
	}
	if n, v, err = readUv(v); err != nil {
		return r, nil, err
	}
	if x > 1<<31 || n > 1<<40 || format == revisitFormatV1 && n > uint64(len(v)/minRecordBytes) || len(v) < 8 {
		return r, nil, errBadRevisit
	}
	r.Attempts, r.Records = int(x), int(n)
	r.Window.Hash = binary.BigEndian.Uint64(v[:8])
	if x, v, err = readUv(v[8:]); err != nil {
		return r, nil, err
	}
	r.Window.Revision = int64(x)
	if format == revisitFormatV1 {
		return r, v, nil
	}
	if r.set, v, err = readUv(v); err != nil {
		return r, nil, err
	}
	if len(v) != 0 || r.set == 0 && r.Records != 0 {
		return r, nil, errBadRevisit
	}
	return r, nil, nil
}

// decodeRecordsV1 returns the records of a format 1 entry, which must be
// sorted by eventId and fill the rest of it.
func decodeRecordsV1(r *Revisit, v []byte) ([]Record, error) {
	recs := make([]Record, 0, r.Records)
	err := decodeRecords(v, func(rec *Record) error {
		if n := len(recs); n > 0 && compareID(recs[n-1].ID, rec.ID) >= 0 {
			return errBadRevisit
		}
		recs = append(recs, *rec)
		return nil
	})
	if err == nil && len(recs) != r.Records {
		err = errBadRevisit
	}
	return recs, err
}

func readUv(v []byte) (uint64, []byte, error) {
	x, k := binary.Uvarint(v)
	if k <= 0 || x > 1<<62 {
		return 0, nil, errBadRevisit
	}
	return x, v[k:], nil
}
