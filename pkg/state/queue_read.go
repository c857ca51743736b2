// Reading and emptying a sink's queue: its figures, the oldest entries for
// delivery (a reference resolved to its batch, with the window constants it
// carries), and their removal once delivered.

package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// QueueStat describes one sink's queue.
type QueueStat struct {
	Events int64
	Bytes  int64     // stored (compressed) bytes
	Oldest time.Time // commit time of the oldest entry; zero when empty
}

func addStat(tx *bolt.Tx, sink string, events, size int64) error {
	b := tx.Bucket(bucketQueueStat)
	var cur [statLen]byte
	copy(cur[:], b.Get([]byte(sink)))
	// Figures are clamped at zero: an entry set aside because it could not
	// be read may not tell how many events it held.
	e := max(int64(binary.BigEndian.Uint64(cur[0:8]))+events, 0)
	n := max(int64(binary.BigEndian.Uint64(cur[8:16]))+size, 0)
	binary.BigEndian.PutUint64(cur[0:8], uint64(e))
	binary.BigEndian.PutUint64(cur[8:16], uint64(n))
	return b.Put([]byte(sink), withVisible(cur[:], tx, sink))
}

// Stat returns sink's queue figures.
func (s *Store) Stat(sink string) (QueueStat, error) {
	var st QueueStat
	err := s.db.View(func(tx *bolt.Tx) error {
		st = readStat(tx, sink)
		return nil
	})
	return st, err
}

// Stats returns the figures of every queue in the file, including those of
// sinks no longer configured.
func (s *Store) Stats() (map[string]QueueStat, error) {
	out := map[string]QueueStat{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketQueues).ForEachBucket(func(k []byte) error {
			out[string(k)] = readStat(tx, string(k))
			return nil
		})
	})
	return out, err
}

func readStat(tx *bolt.Tx, sink string) QueueStat {
	var st QueueStat
	if v := tx.Bucket(bucketQueueStat).Get([]byte(sink)); len(v) >= 16 {
		st.Events = int64(binary.BigEndian.Uint64(v[0:8]))
		st.Bytes = int64(binary.BigEndian.Uint64(v[8:16]))
	}
	if q := tx.Bucket(bucketQueues).Bucket([]byte(sink)); q != nil {
		if k, v := q.Cursor().First(); k != nil && binary.BigEndian.Uint64(k) <= visible(tx, sink) {
			if data, _, _, err := resolve(tx, v); err == nil {
				if h, err := parseBatchHeader(data); err == nil {
					st.Oldest = h.committed
				}
			}
		}
	}
	return st
}

// Entry is one queue entry read for delivery; Data is a copy owned by the caller.
type Entry struct {
	Seq    uint64
	Events int
	Data   []byte
	Queued time.Time // when the batch was packed for the queue (Unix ms), as its header says
	Bad    error     // the entry cannot be read (damaged, or another serfwd version's format)
}

// Peek returns the oldest entries of sink's queue, in order, until at least
// maxEvents events are gathered (always at least one entry when any exists).
// An entry that cannot be read comes alone, with Bad set.
func (s *Store) Peek(sink string, maxEvents int) ([]Entry, error) {
	var out []Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		q := tx.Bucket(bucketQueues).Bucket([]byte(sink))
		if q == nil {
			return nil
		}
		n := 0
		hw := visible(tx, sink)
		c := q.Cursor()
		for k, v := c.First(); k != nil && binary.BigEndian.Uint64(k) <= hw && (len(out) == 0 || n < maxEvents); k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			e, err := readEntry(tx, seq, v)
			if err != nil {
				// Hand an unreadable entry over alone, so that the caller
				// can set it aside without holding up the others.
				if len(out) == 0 {
					out = append(out, Entry{Seq: seq, Events: e.Events, Data: e.Data,
						Bad: fmt.Errorf("queue of sink %q, entry %d: %w", sink, seq, err)})
				}
				break
			}
			if len(out) > 0 && n+e.Events > maxEvents {
				break
			}
			out = append(out, e)
			n += e.Events
		}
		return nil
	})
	return out, err
}

// readEntry reads the queue entry v (a reference or, from older versions,
// the batch itself) into an Entry whose Data DecodeBatch reads. On error
// the Entry holds what could be read.
func readEntry(tx *bolt.Tx, seq uint64, v []byte) (Entry, error) {
	data, events, consts, err := resolve(tx, v)
	if err != nil {
		return Entry{Seq: seq, Data: bytes.Clone(v)}, err
	}
	h, err := parseBatchHeader(data)
	if err != nil {
		return Entry{Seq: seq, Events: events, Data: bytes.Clone(data)}, err
	}
	if events < 0 {
		events = h.events
	}
	return Entry{Seq: seq, Events: events, Data: withConsts(consts, data), Queued: h.committed}, nil
}

// resolve returns the batch a queue entry stands for, its event count (-1:
// read it from the batch) and the window constants it carries.
func resolve(tx *bolt.Tx, v []byte) (data []byte, events int, consts []byte, err error) {
	if len(v) == 0 || v[0] != refFormat {
		return v, -1, nil, nil // the batch itself
	}
	r, err := decodeRef(v)
	if err != nil {
		return nil, 0, nil, err
	}
	data = tx.Bucket(bucketBatches).Get(u64(r.seq))
	if data == nil {
		return nil, r.events, nil, errNoBatch
	}
	return data, r.events, r.consts, nil
}

// Ack removes delivered entries from sink's queue and updates its figures.
func (s *Store) Ack(sink string, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	defer s.signalShrunk()
	var acked int64
	defer func() { s.afterAck(acked) }()
	return s.update("removing delivered events", func(tx *bolt.Tx) error {
		acked = 0
		q := tx.Bucket(bucketQueues).Bucket([]byte(sink))
		if q == nil {
			return nil
		}
		var events, size int64
		for _, e := range entries {
			k := u64(e.Seq)
			v := q.Get(k)
			if v == nil {
				continue // already removed
			}
			n, err := unrefEntry(tx, v)
			if err != nil {
				return err
			}
			size += n
			acked += n
			events += int64(e.Events)
			if err := q.Delete(k); err != nil {
				return err
			}
		}
		if k, _ := q.Cursor().First(); k == nil || binary.BigEndian.Uint64(k) > visible(tx, sink) {
			// An empty queue holds nothing, whatever the figures said.
			return tx.Bucket(bucketQueueStat).Put([]byte(sink), withVisible(make([]byte, statLen), tx, sink))
		}
		return addStat(tx, sink, -events, -size)
	})
}

// releaseEvery is how many delivered bytes go by between two releases of
// the state file's mapped pages (releaseMapped).
const releaseEvery = 1 << 20

// afterAck releases the mapped pages of the state file once enough was
// delivered since the last time.
func (s *Store) afterAck(n int64) {
	s.mu.Lock()
	s.acked += n
	due := s.acked >= releaseEvery
	if due {
		s.acked = 0
	}
	s.mu.Unlock()
	if due {
		s.releaseMapped()
	}
}

// unrefEntry lets go of the batch a queue entry refers to and returns the
// bytes the entry counted for.
func unrefEntry(tx *bolt.Tx, v []byte) (int64, error) {
	if len(v) == 0 || v[0] != refFormat {
		return int64(len(v)), nil
	}
	r, err := decodeRef(v)
	if err != nil {
		return int64(len(v)), nil // a damaged reference: nothing to let go of
	}
	return int64(r.size), dropRef(tx, r.seq)
}
