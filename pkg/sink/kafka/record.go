// The Kafka record of one event (SPEC §5): value, key, headers and
// timestamp, and the size of the record batch that carries it alone.

package kafka

import (
	"encoding/binary"
	"strconv"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Header names carried by every record.
const (
	headerEventID   = "eventId"
	headerEventType = "eventType"
	headerRevision  = "revision"
	headerInput     = "input"
)

// record builds the record of one event: the value is the event's JSON
// exactly as the file sink writes it (without the newline); the key is
// chosen by key (eventId, applicationUserName falling back to eventId for
// events without one, or none); the headers are eventId, eventType,
// revision and input; the timestamp is windowStart.
func record(e *event.Event, key string) *kgo.Record {
	r := &kgo.Record{
		Value:     e.AppendJSON(nil),
		Timestamp: e.WindowStart(),
		Headers: []kgo.RecordHeader{
			{Key: headerEventID, Value: []byte(e.ID())},
			{Key: headerEventType, Value: []byte(e.Type())},
			{Key: headerRevision, Value: strconv.AppendInt(nil, e.Revision(), 10)},
			{Key: headerInput, Value: []byte(e.Str(event.KeyInput))},
		},
	}
	switch key {
	case "eventId":
		r.Key = []byte(e.ID())
	case "applicationUserName":
		if u := e.Str("applicationUserName"); u != "" {
			r.Key = []byte(u)
		} else {
			r.Key = []byte(e.ID())
		}
	}
	return r
}

// recordDeliveredKey is the sink.DeliveredKey of a record built by record.
func recordDeliveredKey(r *kgo.Record) string {
	var id string
	var rev int64
	for _, h := range r.Headers {
		switch h.Key {
		case headerEventID:
			id = string(h.Value)
		case headerRevision:
			rev, _ = strconv.ParseInt(string(h.Value), 10, 64)
		}
	}
	return sink.DeliveredKey(id, rev)
}

// Sizes of Kafka's record batch format (magic 2): the header of a batch
// (base offset 8, length 4, leader epoch 4, magic 1, crc 4, attributes 2,
// last offset delta 4, first and max timestamp 8+8, producer id 8, epoch
// 2, base sequence 4, record count 4), and the length prefix a produce
// request puts before a batch (at most 5 bytes; franz-go counts it against
// max_message_bytes).
const (
	batchHeaderBytes  = 61
	batchPrefixBytes  = 5
	attributesBytes   = 1
	firstRecordDeltas = 2 // timestamp delta and offset delta of the first record: 0, one byte each
)

// soloBatchBytes is the size of the record batch that carries r alone,
// with the length prefix of a produce request: what max_message_bytes
// bounds. The broker compares the batch with its max.message.bytes; franz-go
// compares it, prefixed, with its batch limit.
func soloBatchBytes(r *kgo.Record) int {
	body := attributesBytes + firstRecordDeltas + bytesField(len(r.Key)) + bytesField(len(r.Value)) + varintLen(int64(len(r.Headers)))
	for _, h := range r.Headers {
		body += bytesField(len(h.Key)) + bytesField(len(h.Value))
	}
	return batchPrefixBytes + batchHeaderBytes + varintLen(int64(body)) + body
}

// bytesField is the size of n bytes with their varint length.
func bytesField(n int) int { return varintLen(int64(n)) + n }

// varintLen is the size of v as a zig-zag varint.
func varintLen(v int64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutVarint(b[:], v)
}
