// encode.go renders a batch's envelopes into one pooled buffer, cuts the
// batch into requests within the size limits and builds (gzipped) request
// bodies from pooled buffers.
package hec

import (
	"bytes"
	"github.com/klauspost/compress/gzip"
	"io"
	"sync"

	"github.com/serfwd/serfwd/pkg/event"
)

// batch is one Write's events, each encoded once as a HEC envelope.
type batch struct {
	events []event.Event
	buf    []byte
	off    []int  // envelope i is buf[off[i]:off[i+1]]
	done   []bool // event i was delivered or dead-lettered
}

// envelope returns event i's encoded envelope.
func (b *batch) envelope(i int) []byte { return b.buf[b.off[i]:b.off[i+1]] }

// batchPool keeps the buffers of released batches: a Write's envelopes take
// about a kilobyte per event, which would otherwise be allocated anew.
var batchPool = sync.Pool{New: func() any { return new(batch) }}

// encodeBatch renders every event as an envelope of the sink's layout. The
// caller releases the batch when it no longer needs it.
func encodeBatch(events []event.Event, l *layout) *batch {
	b := batchPool.Get().(*batch)
	b.events = events
	b.off = append(b.off[:0], 0)
	b.done = append(b.done[:0], make([]bool, len(events))...)
	b.buf = b.buf[:0]
	r := renderer{layout: l}
	for i := range events {
		b.buf = r.appendEnvelope(b.buf, &events[i])
		b.off = append(b.off, len(b.buf))
	}
	return b
}

// release returns the batch's buffers to the pool; b must not be used after.
func (b *batch) release() {
	if cap(b.buf) > 16<<20 {
		return // an outsized batch: let it go
	}
	b.events = nil
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

var (
	bufPool  = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	gzipPool = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
		return w
	}}
)

// buildBody writes the envelopes of req into a pooled buffer, gzipped when
// compress is set. The buffer returns to the pool when the body is closed.
func buildBody(b *batch, req []int, compress bool) *pooledBody {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	var w io.Writer = buf
	var zw *gzip.Writer
	if compress {
		zw = gzipPool.Get().(*gzip.Writer)
		zw.Reset(buf)
		w = zw
	}
	for _, i := range req {
		_, _ = w.Write(b.envelope(i)) // writes to a bytes.Buffer do not fail
	}
	if zw != nil {
		_ = zw.Close()
		gzipPool.Put(zw)
	}
	return &pooledBody{buf: buf, r: bytes.NewReader(buf.Bytes())}
}

// pooledBody is a request body whose buffer goes back to the pool once the
// HTTP transport closed it (the transport may read it after Do returned).
type pooledBody struct {
	buf  *bytes.Buffer
	r    *bytes.Reader
	once sync.Once
}

func (p *pooledBody) Read(q []byte) (int, error) { return p.r.Read(q) }

// Len is the body's length in bytes.
func (p *pooledBody) Len() int { return p.buf.Len() }

// Close returns the buffer to the pool; it is idempotent.
func (p *pooledBody) Close() error {
	p.once.Do(func() {
		if p.buf.Cap() <= 8<<20 {
			bufPool.Put(p.buf)
		}
	})
	return nil
}
