// Batches, the form events take in the queues: the Encoder that packs events
// into batches as they are added, the entry header with its format byte, the
// window constants an entry may carry, and DecodeBatch and OpenBatch that
// read an entry back.

package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

// A queue entry is one batch: a small header and the batch's events in the
// event package's packed form (a per-batch table of keys and texts, then
// only values per event). Batches keep the file small and the number of keys
// low; one window yields one or more batches.
//
//	byte    format (2)
//	8 bytes commit time, Unix ms, big endian
//	uvarint event count
//	rest    event.Packer's packed form
//
// Format 1 (the events one after another, deflated) is no longer read: the
// packed form is about as small and several times cheaper to write and read.

const batchFormat = 2

// DefaultBatchEvents is how many events an Encoder packs into one batch.
const DefaultBatchEvents = 1000

// Batch is one encoded queue entry.
type Batch struct {
	Events int
	Data   []byte
}

// Encoder packs events into batches as they are added, so that a window's
// events never have to be held decoded all at once.
type Encoder struct {
	max     int
	now     func() time.Time
	p       *event.Packer
	batches []Batch
	queued  int
}

// NewEncoder returns an encoder that closes a batch every maxEvents events
// (DefaultBatchEvents when ≤ 0).
func NewEncoder(maxEvents int) *Encoder {
	if maxEvents <= 0 {
		maxEvents = DefaultBatchEvents
	}
	return &Encoder{max: maxEvents, now: time.Now}
}

// packers holds the idle Packers of finished Encoders: their tables and
// buffers are reused across windows.
var packers = sync.Pool{New: func() any { return new(event.Packer) }}

// Add appends one event.
func (e *Encoder) Add(ev *event.Event) error {
	if e.p == nil {
		e.p = packers.Get().(*event.Packer)
	}
	e.p.Add(ev)
	if e.p.Len() >= e.max {
		e.flush()
	}
	return nil
}

// Packer is the open batch, for adding events packed elsewhere (an
// event.Flattener packs records straight into it); call Closed after each.
func (e *Encoder) Packer() *event.Packer {
	if e.p == nil {
		e.p = packers.Get().(*event.Packer)
	}
	return e.p
}

// Closed closes the open batch when it is full and returns the batches
// closed since the last call, which the Encoder then forgets.
func (e *Encoder) Closed() []Batch {
	if e.p != nil && e.p.Len() >= e.max {
		e.flush()
	}
	out := e.batches
	e.batches = nil
	return out
}

// Events is how many events were added so far.
func (e *Encoder) Events() int {
	if e.p == nil {
		return e.queued
	}
	return e.queued + e.p.Len()
}

// Finish closes the last batch and returns all of them.
func (e *Encoder) Finish() ([]Batch, error) {
	if e.p != nil {
		if e.p.Len() > 0 {
			e.flush()
		}
		packers.Put(e.p)
		e.p = nil
	}
	out := e.batches
	e.batches, e.queued = nil, 0
	return out, nil
}

func (e *Encoder) flush() {
	n := e.p.Len()
	data := make([]byte, 0, 1+8+binary.MaxVarintLen64+e.p.Size()+5*binary.MaxVarintLen64)
	data = append(data, batchFormat)
	data = binary.BigEndian.AppendUint64(data, uint64(e.now().UnixMilli()))
	data = binary.AppendUvarint(data, uint64(n))
	data = e.p.AppendPacked(data)
	e.batches = append(e.batches, Batch{Events: n, Data: data})
	e.queued += n
}

// batchHeader is the decoded fixed part of a queue entry.
type batchHeader struct {
	committed time.Time
	events    int
	body      []byte
}

var (
	errBadBatch      = errors.New("malformed queue entry")
	errUnknownFormat = errors.New("unknown queue entry format")
)

func parseBatchHeader(data []byte) (batchHeader, error) {
	if len(data) > 0 && data[0] != batchFormat {
		return batchHeader{}, fmt.Errorf("%w: queue entry has format %d, this serfwd reads only format %d "+
			"(another version of serfwd wrote it; deliver it with that version)", errUnknownFormat, data[0], batchFormat)
	}
	if len(data) < 10 {
		return batchHeader{}, errBadBatch
	}
	h := batchHeader{committed: time.UnixMilli(int64(binary.BigEndian.Uint64(data[1:9])))}
	n, k := binary.Uvarint(data[9:])
	if k <= 0 || n > uint64(len(data)) {
		return batchHeader{}, errBadBatch
	}
	h.events, h.body = int(n), data[9+k:]
	return h, nil
}

// withConsts returns a copy of the batch data, wrapped with the window
// constants its events leave out when there are any:
//
//	byte    format (4)
//	uvarint length of the constants, then the constants (event.Consts)
//	rest    the batch (format 2)
func withConsts(consts, data []byte) []byte {
	if len(consts) == 0 {
		return bytes.Clone(data)
	}
	out := make([]byte, 0, 1+binary.MaxVarintLen64+len(consts)+len(data))
	out = append(out, constsFormat)
	out = binary.AppendUvarint(out, uint64(len(consts)))
	out = append(out, consts...)
	return append(out, data...)
}

const constsFormat = 4

// DecodeBatch returns the events of a queue entry's Data. They do not alias
// data.
func DecodeBatch(data []byte) ([]event.Event, error) {
	consts, h, err := splitBatch(data)
	if err != nil {
		return nil, err
	}
	events, err := event.UnpackWith(h.body, consts)
	if err != nil {
		return nil, fmt.Errorf("decoding queue entry: %w", err)
	}
	if len(events) != h.events {
		return nil, fmt.Errorf("decoding queue entry: %d events, header says %d", len(events), h.events)
	}
	return events, nil
}

// OpenBatch opens a queue entry's Data in p for reading without decoding
// its events; it fails exactly when DecodeBatch does. p reads data until
// its next Open.
func OpenBatch(data []byte, p *event.Packed) error {
	consts, h, err := splitBatch(data)
	if err != nil {
		return err
	}
	if err := p.Open(h.body, consts); err != nil {
		return fmt.Errorf("decoding queue entry: %w", err)
	}
	if p.Len() != h.events {
		return fmt.Errorf("decoding queue entry: %d events, header says %d", p.Len(), h.events)
	}
	return nil
}

// splitBatch reads the window constants a queue entry carries, if any, and
// the header of its batch.
func splitBatch(data []byte) ([]event.Field, batchHeader, error) {
	var consts []event.Field
	if len(data) > 0 && data[0] == constsFormat {
		n, k := binary.Uvarint(data[1:])
		if k <= 0 || n > uint64(len(data)-1-k) {
			return nil, batchHeader{}, errBadBatch
		}
		cs, err := event.Unpack(data[1+k : 1+k+int(n)])
		if err != nil || len(cs) != 1 {
			return nil, batchHeader{}, fmt.Errorf("decoding the window constants of a queue entry: %w", errors.Join(errBadBatch, err))
		}
		consts, data = cs[0].Fields, data[1+k+int(n):]
	}
	h, err := parseBatchHeader(data)
	return consts, h, err
}
