// encode.go renders a batch's envelopes into one pooled buffer, cuts the
// batch into requests within the size limits and builds (gzipped) request
// bodies from pooled buffers.

package hec

import (
	"bytes"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/serfwd/serfwd/pkg/event"
)

// batch is one Write's events, each encoded once as a HEC envelope. They
// come as events, or as opened packed batches (packed, keys) for
// WritePacked.
type batch struct {
	events []event.Event
	packed []*event.Packed
	keys   []eventKey // packed: per event, what doneKey reads
	all    []event.Event
	buf    []byte
	off    []int   // envelope i is buf[off[i]:off[i+1]]
	done   []bool  // event i was delivered or dead-lettered
	keep   **batch // where release puts the batch (a renderer's spare); nil: the pool
}

// eventKey is where an event of a packed batch keeps its eventId and
// revision: the batch, the text of the eventId (-1: none) and the revision.
type eventKey struct {
	batch, id int32
	revision  int64
}

// envelope returns event i's encoded envelope.
func (b *batch) envelope(i int) []byte { return b.buf[b.off[i]:b.off[i+1]] }

// len is the number of events.
func (b *batch) len() int { return len(b.done) }

// event returns event i. Of packed batches the events are copied out the
// first time one is asked for: only dead letters need them.
func (b *batch) event(i int) *event.Event {
	if b.packed == nil {
		return &b.events[i]
	}
	if b.all == nil {
		for _, p := range b.packed {
			b.all = append(b.all, p.Events()...)
		}
	}
	return &b.all[i]
}

// doneKey is the doneSet key of event i: eventId#revision, "" when it has
// no eventId.
func (b *batch) doneKey(i int) string {
	if b.packed == nil {
		return doneKey(&b.events[i])
	}
	k := b.keys[i]
	if k.id < 0 {
		return ""
	}
	id := b.packed[k.batch].Text(k.id)
	if id == "" {
		return ""
	}
	return id + "#" + strconv.FormatInt(k.revision, 10)
}

// batchPool keeps the buffers of released batches: a Write's envelopes take
// about a kilobyte per event, which would otherwise be allocated anew.
var batchPool = sync.Pool{New: func() any { return new(batch) }}

// newBatch takes spare, or else a batch from the pool, readied for n events.
func newBatch(spare *batch, n int) *batch {
	b := spare
	if b == nil {
		b = batchPool.Get().(*batch)
	}
	b.off = append(b.off[:0], 0)
	b.done = slices.Grow(b.done[:0], n)[:n]
	clear(b.done)
	b.buf, b.keys = b.buf[:0], b.keys[:0]
	return b
}

// encodeBatch renders every event as an envelope of the sink's layout. The
// caller releases the batch when it no longer needs it.
func encodeBatch(events []event.Event, l *layout) *batch {
	b := newBatch(nil, len(events))
	b.events = events
	r := renderer{layout: l}
	for i := range events {
		b.buf = r.appendEnvelope(b.buf, &events[i])
		b.off = append(b.off, len(b.buf))
	}
	return b
}

// encodePacked renders every event of the opened batches with r, into the
// batch r keeps (a batch of envelopes takes about a megabyte, which a pool
// would give back to the system between Writes and take again).
func encodePacked(batches []*event.Packed, r *packedRenderer) *batch {
	n := 0
	for _, p := range batches {
		n += p.Len()
	}
	b := newBatch(r.spare, n)
	r.spare, b.keep = nil, &r.spare
	b.packed = batches
	v := &r.view
	for bi, p := range batches {
		p.Rewind()
		for p.Next(v) {
			b.buf = r.appendEnvelope(b.buf, p, v)
			b.off = append(b.off, len(b.buf))
			k := &r.shapes[v.ShapeIndex]
			key := eventKey{batch: int32(bi), id: -1}
			if k.id >= 0 {
				key.id = v.Values[k.id].Text
			}
			if k.revision >= 0 {
				key.revision = v.Values[k.revision].Int
			}
			b.keys = append(b.keys, key)
		}
	}
	return b
}

// release returns the batch's buffers to where it came from; b must not be
// used after.
func (b *batch) release() {
	if cap(b.buf) > 16<<20 {
		return // an outsized batch: let it go
	}
	keep := b.keep
	b.events, b.packed, b.all, b.keep = nil, nil, nil, nil
	if keep != nil {
		*keep = b
		return
	}
	batchPool.Put(b)
}

// split cuts the events listed in todo into requests of at most maxEvents
// events and maxBytes envelope bytes; an event larger than maxBytes goes alone.
func split(b *batch, todo []int, maxEvents, maxBytes int) [][]int {
	var reqs [][]int
	start, size := 0, 0
	for k, i := range todo {
		n := b.off[i+1] - b.off[i]
		if k > start && (k-start >= maxEvents || size+n > maxBytes) {
			reqs = append(reqs, todo[start:k])
			start, size = k, 0
		}
		size += n
	}
	if start < len(todo) {
		reqs = append(reqs, todo[start:])
	}
	return reqs
}

// bodies builds request bodies. It keeps one gzip writer and a few body
// buffers from request to request (a gzip writer holds some hundred
// kilobytes of tables; allocating one per request, or losing pooled ones to
// the garbage collector, costs more than the compression). It is not safe
// for concurrent use; the buffers it hands out come back from whichever
// goroutine closes the body.
type bodies struct {
	zw   *gzip.Writer
	free chan *bytes.Buffer
}

// maxKeptBody is the largest body buffer kept for reuse.
const maxKeptBody = 8 << 20

func newBodies() *bodies { return &bodies{free: make(chan *bytes.Buffer, 4)} }

// build writes the envelopes of req into a body buffer, gzipped when
// compress is set. The buffer is kept again once the body is closed.
func (bs *bodies) build(b *batch, req []int, compress bool) *pooledBody {
	var buf *bytes.Buffer
	select {
	case buf = <-bs.free:
		buf.Reset()
	default:
		buf = new(bytes.Buffer)
	}
	var w io.Writer = buf
	if compress {
		if bs.zw == nil {
			bs.zw, _ = gzip.NewWriterLevel(buf, gzip.BestSpeed) // a valid level: no error
		} else {
			bs.zw.Reset(buf)
		}
		w = bs.zw
	}
	for _, i := range req {
		_, _ = w.Write(b.envelope(i)) // writes to a bytes.Buffer do not fail
	}
	if compress {
		_ = bs.zw.Close()
	}
	return &pooledBody{buf: buf, free: bs.free, r: bytes.NewReader(buf.Bytes())}
}

// pooledBody is a request body whose buffer goes back to the pool once the
// HTTP transport closed it (the transport may read it after Do returned).
type pooledBody struct {
	buf  *bytes.Buffer
	free chan<- *bytes.Buffer
	r    *bytes.Reader
	once sync.Once
}

func (p *pooledBody) Read(q []byte) (int, error) { return p.r.Read(q) }

// WriteTo hands the whole body to w at once (io.Copy prefers it): the
// transport then writes it to the connection in one call, not in pieces.
func (p *pooledBody) WriteTo(w io.Writer) (int64, error) { return p.r.WriteTo(w) }

// Len is the body's length in bytes.
func (p *pooledBody) Len() int { return p.buf.Len() }

// Close hands the buffer back for reuse; it is idempotent.
func (p *pooledBody) Close() error {
	p.once.Do(func() {
		if p.buf.Cap() > maxKeptBody {
			return
		}
		select {
		case p.free <- p.buf:
		default: // enough kept
		}
	})
	return nil
}
