// Turning a Write's events into export requests: the records built once,
// cut into requests within batch_max_events and batch_max_bytes, each
// marshalled as protobuf or JSON and gzipped unless compression is none.

package otlp

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/serfwd/serfwd/pkg/event"
)

// part is one export request: its records and the events they came from,
// in the same order.
type part struct {
	logs   plog.Logs
	events []event.Event
}

func (p part) records() plog.LogRecordSlice {
	return p.logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
}

// recordOverhead bounds what framing a record inside a request adds to its
// own protobuf size (a tag and a length).
const recordOverhead = 6

// parts maps events to records and cuts them into requests of at most
// maxEvents records whose protobuf size stays within maxBytes; a record
// larger than that goes alone. queued[i] is when events[i] was queued.
func (s *Sink) parts(events []event.Event, queued []time.Time) []part {
	_, records := s.origin.newLogs(len(events))
	for i := range events {
		var q time.Time
		if i < len(queued) {
			q = queued[i]
		}
		fillRecord(records.AppendEmpty(), &events[i], q)
	}
	var sizer plog.ProtoMarshaler
	base := sizer.LogsSize(s.emptyLogs)
	var out []part
	lo, size := 0, base
	for i := range events {
		n := sizer.LogRecordSize(records.At(i)) + recordOverhead
		if i > lo && (i-lo >= s.opt.maxEvents || size+n > s.opt.maxBytes) {
			out = append(out, s.take(records, events, lo, i))
			lo, size = i, base
		}
		size += n
	}
	return append(out, s.take(records, events, lo, len(events)))
}

// take moves records [lo, hi) into a request of their own.
func (s *Sink) take(records plog.LogRecordSlice, events []event.Event, lo, hi int) part {
	logs, dst := s.origin.newLogs(hi - lo)
	for i := lo; i < hi; i++ {
		records.At(i).MoveTo(dst.AppendEmpty())
	}
	return part{logs: logs, events: events[lo:hi]}
}

// halves cuts a request of two or more records in two.
func (s *Sink) halves(p part) (part, part) {
	mid := len(p.events) / 2
	records := p.records()
	return s.take(records, p.events, 0, mid), s.take(records, p.events, mid, len(p.events))
}

// marshal renders a request in the configured encoding, uncompressed. An
// ExportLogsServiceRequest and a LogsData are one message on the wire
// (field 1, resource_logs; JSON "resourceLogs"), so pdata's LogsData
// marshallers write the request without the gRPC service code.
func (s *Sink) marshal(logs plog.Logs) ([]byte, error) {
	var b []byte
	var err error
	if s.opt.json {
		b, err = (&plog.JSONMarshaler{}).MarshalLogs(logs)
	} else {
		b, err = (&plog.ProtoMarshaler{}).MarshalLogs(logs)
	}
	if err != nil {
		return nil, fmt.Errorf("encoding otlp export request: %w", err)
	}
	return b, nil
}

// gzipWriters are reused across requests.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// compress gzips body when compression is gzip.
func (s *Sink) compress(body []byte) ([]byte, error) {
	if !s.opt.gzip {
		return body, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(body)/4 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("compressing otlp export request: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compressing otlp export request: %w", err)
	}
	return buf.Bytes(), nil
}
