// revisit_codec.go is the binary form of a revisit list entry. Records take
// 41 to 50 bytes each, so even a window of 50,000 records stays near 2 MiB.
//
//	byte     format (1)
//	8 bytes  end, first fetch, next due: Unix ms, big endian (24 bytes)
//	uvarint  attempts
//	uvarint  record count
//	8 bytes  window event hash, uvarint its revision
//	records  32 bytes eventId, 8 bytes hash, uvarint revision; sorted by eventId

package state

import (
	"encoding/binary"
	"errors"
	"time"
)

const revisitFormat = 1

// minRecordBytes is the smallest encoded record.
const minRecordBytes = 32 + 8 + 1

var errBadRevisit = errors.New("malformed revisit entry")

func encodeRevisit(r *Revisit) []byte {
	b := make([]byte, 0, 48+len(r.Records)*(minRecordBytes+1))
	b = append(b, revisitFormat)
	b = binary.BigEndian.AppendUint64(b, uint64(r.End.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(r.First.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(r.Due.UnixMilli()))
	b = binary.AppendUvarint(b, uint64(max(r.Attempts, 0)))
	b = binary.AppendUvarint(b, uint64(len(r.Records)))
	b = binary.BigEndian.AppendUint64(b, r.Window.Hash)
	b = binary.AppendUvarint(b, uint64(max(r.Window.Revision, 0)))
	for i := range r.Records {
		rec := &r.Records[i]
		b = append(b, rec.ID[:]...)
		b = binary.BigEndian.AppendUint64(b, rec.Hash)
		b = binary.AppendUvarint(b, uint64(max(rec.Revision, 0)))
	}
	return b
}

// decodeRevisitHead reads an entry up to its records; rest starts at the
// window event's hash. Start is left zero (it is the key).
func decodeRevisitHead(v []byte) (info RevisitInfo, rest []byte, err error) {
	if len(v) < 25 || v[0] != revisitFormat {
		return info, nil, errBadRevisit
	}
	ms := func(b []byte) time.Time { return time.UnixMilli(int64(binary.BigEndian.Uint64(b))).UTC() }
	info.End, info.First, info.Due = ms(v[1:9]), ms(v[9:17]), ms(v[17:25])
	v = v[25:]
	var x, n uint64
	if x, v, err = readUv(v); err != nil {
		return info, nil, err
	}
	if n, v, err = readUv(v); err != nil {
		return info, nil, err
	}
	if x > 1<<31 || n > uint64(len(v)/minRecordBytes) {
		return info, nil, errBadRevisit
	}
	info.Attempts, info.Records = int(x), int(n)
	return info, v, nil
}

func decodeRevisit(v []byte) (Revisit, error) {
	info, v, err := decodeRevisitHead(v)
	if err != nil {
		return Revisit{}, err
	}
	r := Revisit{End: info.End, First: info.First, Due: info.Due, Attempts: info.Attempts}
	if len(v) < 8 {
		return r, errBadRevisit
	}
	r.Window.Hash = binary.BigEndian.Uint64(v[:8])
	var x uint64
	if x, v, err = readUv(v[8:]); err != nil {
		return r, err
	}
	r.Window.Revision = int64(x)
	r.Records = make([]Record, info.Records)
	for i := range r.Records {
		rec := &r.Records[i]
		if len(v) < 40 {
			return r, errBadRevisit
		}
		copy(rec.ID[:], v[:32])
		rec.Hash = binary.BigEndian.Uint64(v[32:40])
		if x, v, err = readUv(v[40:]); err != nil {
			return r, err
		}
		rec.Revision = int64(x)
		if i > 0 && compareID(r.Records[i-1].ID, rec.ID) >= 0 {
			return r, errBadRevisit
		}
	}
	if len(v) != 0 {
		return r, errBadRevisit
	}
	return r, nil
}

func readUv(v []byte) (uint64, []byte, error) {
	x, k := binary.Uvarint(v)
	if k <= 0 || x > 1<<62 {
		return 0, nil, errBadRevisit
	}
	return x, v[k:], nil
}
