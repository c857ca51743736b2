package state

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Revisit is one window on an input's revisit list: fetched again until its
// counts settle, with what was sent so far, compactly.
type Revisit struct {
	Start, End time.Time
	First      time.Time         // when the window was first fetched
	Due        time.Time         // when it is next due
	Attempts   int               // revisits done so far
	Records    map[string]Record // eventId → what was last sent
	Window     Record            // the ser.window event's last state
}

// Record is what was last sent for one eventId.
type Record struct {
	Hash     uint64
	Revision int64
}

func putRevisit(tx *bolt.Tx, input string, r *Revisit) error {
	b, err := tx.Bucket(bucketRevisit).CreateBucketIfNotExists([]byte(input))
	if err != nil {
		return err
	}
	return b.Put(timeKey(r.Start), encodeRevisit(r))
}

func deleteRevisit(tx *bolt.Tx, input string, start time.Time) error {
	b := tx.Bucket(bucketRevisit).Bucket([]byte(input))
	if b == nil {
		return nil
	}
	return b.Delete(timeKey(start))
}

// Revisits returns input's revisit list, oldest window first.
func (s *Store) Revisits(input string) ([]Revisit, error) {
	var out []Revisit
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRevisit).Bucket([]byte(input))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			r, err := decodeRevisit(v)
			if err != nil {
				return fmt.Errorf("revisit entry of input %q at %s: %w", input, keyTime(k), err)
			}
			r.Start = keyTime(k)
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// value: end, first, due (8 bytes each), attempts, window hash+rev, n records: id len+id, hash, rev
func encodeRevisit(r *Revisit) []byte {
	b := make([]byte, 0, 48+len(r.Records)*90)
	b = binary.BigEndian.AppendUint64(b, uint64(r.End.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(r.First.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(r.Due.UnixMilli()))
	b = binary.AppendUvarint(b, uint64(r.Attempts))
	b = binary.BigEndian.AppendUint64(b, r.Window.Hash)
	b = binary.AppendUvarint(b, uint64(r.Window.Revision))
	b = binary.AppendUvarint(b, uint64(len(r.Records)))
	for id, rec := range r.Records {
		b = binary.AppendUvarint(b, uint64(len(id)))
		b = append(b, id...)
		b = binary.BigEndian.AppendUint64(b, rec.Hash)
		b = binary.AppendUvarint(b, uint64(rec.Revision))
	}
	return b
}

func decodeRevisit(v []byte) (Revisit, error) {
	var r Revisit
	if len(v) < 24 {
		return r, errBadBatch
	}
	r.End = time.UnixMilli(int64(binary.BigEndian.Uint64(v[0:8]))).UTC()
	r.First = time.UnixMilli(int64(binary.BigEndian.Uint64(v[8:16]))).UTC()
	r.Due = time.UnixMilli(int64(binary.BigEndian.Uint64(v[16:24]))).UTC()
	v = v[24:]
	var err error
	var x uint64
	if x, v, err = readUv(v); err != nil {
		return r, err
	}
	r.Attempts = int(x)
	if len(v) < 8 {
		return r, errBadBatch
	}
	r.Window.Hash, v = binary.BigEndian.Uint64(v[:8]), v[8:]
	if x, v, err = readUv(v); err != nil {
		return r, err
	}
	r.Window.Revision = int64(x)
	var n uint64
	if n, v, err = readUv(v); err != nil {
		return r, err
	}
	r.Records = make(map[string]Record, min(n, 1<<16))
	for i := uint64(0); i < n; i++ {
		var l uint64
		if l, v, err = readUv(v); err != nil || uint64(len(v)) < l+8 {
			return r, errBadBatch
		}
		id := string(v[:l])
		v = v[l:]
		rec := Record{Hash: binary.BigEndian.Uint64(v[:8])}
		if x, v, err = readUv(v[8:]); err != nil {
			return r, err
		}
		rec.Revision = int64(x)
		r.Records[id] = rec
	}
	return r, nil
}

func readUv(v []byte) (uint64, []byte, error) {
	x, k := binary.Uvarint(v)
	if k <= 0 {
		return 0, nil, errBadBatch
	}
	return x, v[k:], nil
}
