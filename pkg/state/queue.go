package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Commit is one transaction's worth of work from a poller: a window's (or a
// backfill's or a revisit's) events for every routed sink, and where the
// input's cursor moves.
type Commit struct {
	Input   string
	Sinks   []string // the sinks the input routes to
	Stage   *Stage   // optional: batches staged while the window was fetched, published first
	Batches []Batch  // written after the staged ones, to the queue of every sink in Sinks
	// Consts are the window constants (event.Consts) that the events of
	// the window's batches leave out; the queue references carry them.
	Consts  []byte
	Cursor  time.Time // the input's new cursor; zero leaves it (backfill, revisit)
	Revisit *Revisit  // optional: a revisit list entry to store (or replace)
	Settled time.Time // optional: the window start of a revisit entry to drop
}

// Commit writes c in one transaction: either all of it is durable or none.
func (s *Store) Commit(c Commit) error { return s.CommitAll([]Commit{c}) }

// CommitAll writes several commits, in order, in one transaction (one fsync):
// the poller groups consecutive windows that are ready at once while
// catching up. Either all of them are durable or none.
func (s *Store) CommitAll(cs []Commit) error {
	err := s.update("committing window", func(tx *bolt.Tx) error {
		for i := range cs {
			if err := applyCommit(tx, &cs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range cs {
		if cs[i].Stage != nil {
			cs[i].Stage.batches = nil // the queues own them now
		}
		if cs[i].Stage != nil || len(cs[i].Batches) > 0 {
			s.signal(cs[i].Sinks)
		}
	}
	return nil
}

func applyCommit(tx *bolt.Tx, c *Commit) error {
	if err := publishBatches(tx, c); err != nil {
		return err
	}
	if !c.Cursor.IsZero() {
		if err := tx.Bucket(bucketCursors).Put([]byte(c.Input), timeKey(c.Cursor)); err != nil {
			return err
		}
	}
	if c.Revisit != nil {
		if err := putRevisit(tx, c.Input, c.Revisit); err != nil {
			return err
		}
	}
	if !c.Settled.IsZero() {
		return deleteRevisit(tx, c.Input, c.Settled)
	}
	return nil
}

// publishBatches stores c's new batches and appends a reference to each of
// them, staged ones first, to every routed sink's queue.
func publishBatches(tx *bolt.Tx, c *Commit) error {
	var refs []ref
	if c.Stage != nil {
		for _, b := range c.Stage.batches {
			refs = append(refs, ref{seq: b.seq, events: b.events, size: b.size, consts: c.Consts})
		}
	}
	if len(c.Sinks) == 0 { // routed nowhere: nothing to keep
		seqs := make([]uint64, len(refs))
		for i, r := range refs {
			seqs[i] = r.seq
		}
		return deleteBatches(tx, seqs)
	}
	for _, b := range c.Batches {
		seq, err := storeBatch(tx, b)
		if err != nil {
			return err
		}
		refs = append(refs, ref{seq: seq, events: b.Events, size: len(b.Data), consts: c.Consts})
	}
	for _, r := range refs {
		if err := addRefs(tx, r.seq, len(c.Sinks)); err != nil {
			return err
		}
	}
	for _, sink := range c.Sinks {
		if err := appendRefs(tx, sink, refs); err != nil {
			return err
		}
	}
	return nil
}

// appendRefs appends refs to sink's queue and makes them visible.
func appendRefs(tx *bolt.Tx, sink string, refs []ref) error {
	if len(refs) == 0 {
		return nil
	}
	if err := dropStaged(tx, sink); err != nil { // leftovers of an older serfwd's staging
		return err
	}
	q, err := tx.Bucket(bucketQueues).CreateBucketIfNotExists([]byte(sink))
	if err != nil {
		return err
	}
	q.FillPercent = 1.0 // keys only ever grow: pack pages full
	var events, size int64
	for i := range refs {
		seq, err := q.NextSequence()
		if err != nil {
			return err
		}
		if err := q.Put(u64(seq), refs[i].encode()); err != nil {
			return err
		}
		events += int64(refs[i].events)
		size += int64(refs[i].size)
	}
	return publish(tx, sink, events, size)
}

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
	Bad    error // the entry cannot be read (damaged, or another serfwd version's format)
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
	return Entry{Seq: seq, Events: events, Data: withConsts(consts, data)}, nil
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
const releaseEvery = 4 << 20

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
