package state

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

// A queue entry is one batch: a small header and the batch's events in the
// event package's binary form, deflated. Batches keep the file small and the
// number of keys low; one window yields one or more batches.
//
//	byte    format (1)
//	8 bytes commit time, Unix ms, big endian
//	uvarint event count
//	uvarint uncompressed length
//	rest    deflate stream

const batchFormat = 1

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
	raw     []byte
	n       int
	batches []Batch
	zbuf    bytes.Buffer
	zw      *flate.Writer
}

// NewEncoder returns an encoder that closes a batch every maxEvents events
// (DefaultBatchEvents when ≤ 0).
func NewEncoder(maxEvents int) *Encoder {
	if maxEvents <= 0 {
		maxEvents = DefaultBatchEvents
	}
	return &Encoder{max: maxEvents, now: time.Now}
}

// Add appends one event.
func (e *Encoder) Add(ev *event.Event) error {
	e.raw = ev.AppendBinary(e.raw)
	e.n++
	if e.n >= e.max {
		return e.flush()
	}
	return nil
}

// Events is how many events were added so far.
func (e *Encoder) Events() int {
	n := e.n
	for _, b := range e.batches {
		n += b.Events
	}
	return n
}

// Finish closes the last batch and returns all of them.
func (e *Encoder) Finish() ([]Batch, error) {
	if e.n > 0 {
		if err := e.flush(); err != nil {
			return nil, err
		}
	}
	out := e.batches
	e.batches = nil
	if e.zw != nil {
		flateWriters.Put(e.zw) // a writer holds about 1 MiB: reuse it across windows
		e.zw = nil
	}
	return out, nil
}

// flateWriters holds idle compressors of finished Encoders.
var flateWriters sync.Pool

func (e *Encoder) flush() error {
	e.zbuf.Reset()
	var hdr [1 + 8 + 2*binary.MaxVarintLen64]byte
	hdr[0] = batchFormat
	binary.BigEndian.PutUint64(hdr[1:9], uint64(e.now().UnixMilli()))
	k := 9
	k += binary.PutUvarint(hdr[k:], uint64(e.n))
	k += binary.PutUvarint(hdr[k:], uint64(len(e.raw)))
	e.zbuf.Write(hdr[:k])
	if e.zw == nil {
		e.zw, _ = flateWriters.Get().(*flate.Writer)
	}
	if e.zw == nil {
		zw, err := flate.NewWriter(&e.zbuf, flate.BestSpeed)
		if err != nil {
			return err
		}
		e.zw = zw
	} else {
		e.zw.Reset(&e.zbuf)
	}
	if _, err := e.zw.Write(e.raw); err != nil {
		return fmt.Errorf("compressing batch: %w", err)
	}
	if err := e.zw.Close(); err != nil {
		return fmt.Errorf("compressing batch: %w", err)
	}
	e.batches = append(e.batches, Batch{Events: e.n, Data: bytes.Clone(e.zbuf.Bytes())})
	e.raw = e.raw[:0]
	e.n = 0
	return nil
}

// batchHeader is the decoded fixed part of a queue entry.
type batchHeader struct {
	committed time.Time
	events    int
	rawLen    int
	body      []byte
}

var errBadBatch = errors.New("malformed queue entry")

func parseBatchHeader(data []byte) (batchHeader, error) {
	if len(data) < 10 || data[0] != batchFormat {
		return batchHeader{}, errBadBatch
	}
	h := batchHeader{committed: time.UnixMilli(int64(binary.BigEndian.Uint64(data[1:9])))}
	rest := data[9:]
	n, k := binary.Uvarint(rest)
	if k <= 0 {
		return batchHeader{}, errBadBatch
	}
	rest = rest[k:]
	l, k := binary.Uvarint(rest)
	if k <= 0 || l > 1<<31 {
		return batchHeader{}, errBadBatch
	}
	h.events, h.rawLen, h.body = int(n), int(l), rest[k:]
	return h, nil
}

var flateReaders sync.Pool

// DecodeBatch returns a batch's events.
func DecodeBatch(data []byte) ([]event.Event, error) {
	h, err := parseBatchHeader(data)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, h.rawLen)
	src := bytes.NewReader(h.body)
	zr, _ := flateReaders.Get().(io.ReadCloser)
	if zr == nil {
		zr = flate.NewReader(src)
	} else if err := zr.(flate.Resetter).Reset(src, nil); err != nil {
		return nil, err
	}
	defer flateReaders.Put(zr)
	if _, err := io.ReadFull(zr, raw); err != nil {
		return nil, fmt.Errorf("decompressing queue entry: %w", err)
	}
	events := make([]event.Event, 0, h.events)
	for len(raw) > 0 {
		var ev event.Event
		if ev, raw, err = event.DecodeBinary(raw); err != nil {
			return nil, fmt.Errorf("decoding queue entry: %w", err)
		}
		events = append(events, ev)
	}
	if len(events) != h.events {
		return nil, fmt.Errorf("decoding queue entry: %d events, header says %d", len(events), h.events)
	}
	return events, nil
}
