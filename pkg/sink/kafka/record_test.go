// The size of a record's batch, computed by hand from Kafka's record batch
// format, and the dead-letter path for records over max_message_bytes
// against a broker whose message.max.bytes equals it.

package kafka

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/kafka/kafkatest"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

func TestSoloBatchBytesByHand(t *testing.T) {
	r := &kgo.Record{Key: []byte("k"), Value: []byte("0123456789"), Headers: []kgo.RecordHeader{
		{Key: "eventId", Value: []byte("e")}, {Key: "eventType", Value: []byte("t")},
		{Key: "revision", Value: []byte("0")}, {Key: "input", Value: []byte("i")}}}
	// Record body: attributes 1, timestamp delta 1, offset delta 1, key
	// 1+1, value 1+10, header count 1, headers (1+7+1+1) + (1+9+1+1) +
	// (1+8+1+1) + (1+5+1+1) = 41: 58 bytes, its length one varint byte.
	// Batch: 61 bytes of header + 1 + 58, plus 5 for the request's prefix.
	if got := soloBatchBytes(r); got != 125 {
		t.Fatalf("soloBatchBytes = %d, want 125", got)
	}
	// A value of 64 bytes needs a two-byte varint (zig-zag 128); the body
	// grows to 113 (> 63), so its length needs two bytes too.
	r.Value = []byte(strings.Repeat("v", 64))
	if got := soloBatchBytes(r); got != 5+61+2+(58-11+2+64) {
		t.Fatalf("soloBatchBytes with a 64-byte value = %d, want %d", got, 5+61+2+(58-11+2+64))
	}
	r.Key = nil // a null key is one byte (-1), as an empty one (0)
	if got := soloBatchBytes(r); got != 5+61+2+(58-11+2+64)-1 {
		t.Fatalf("soloBatchBytes without a key = %d", got)
	}
}

// paddedEvent is bulk event i with a pad field that makes its record need
// exactly size bytes.
func paddedEvent(t *testing.T, i, size int) event.Event {
	t.Helper()
	for n := 0; n < size; n++ {
		e := mkEvent(i)
		e.AddString("pad", strings.Repeat("x", n))
		switch got := soloBatchBytes(record(&e, "eventId")); {
		case got == size:
			return e
		case got > size:
			t.Fatalf("no pad gives a record of exactly %d bytes", size)
		}
	}
	t.Fatalf("no pad reaches %d bytes", size)
	return event.Event{}
}

func TestOversizedRecordsAreDeadLetteredTheRestDelivered(t *testing.T) {
	const limit = 2048
	c := kafkatest.Start(t, kafkatest.Options{Topic: testTopic, Users: testUsers(testTopic), ClientCert: true,
		BrokerConfigs: map[string]string{"message.max.bytes": "2048"}})
	cfg := clusterConfig(c, "scram-sha-512")
	cfg.MaxMessageBytes, cfg.Compression = limit, "none"
	h := newHarness(t, cfg, time.Minute)
	fits, over := paddedEvent(t, 100, limit), paddedEvent(t, 101, limit+1)
	huge := mkEvent(102)
	huge.AddString("pad", strings.Repeat("y", 10_000))
	evs := append(mkEvents(0, 20), fits, over, huge)
	if err := h.sink.Write(context.Background(), evs); err != nil {
		t.Fatalf("Write: %v", err)
	}
	got := byID(t, c.ReadAll(testTopic, time.Minute))
	if len(got) != 21 || got[fits.ID()] == nil {
		t.Fatalf("%d records arrived, want the 20 small ones and the one of exactly max_message_bytes", len(got))
	}
	for i := range 20 {
		if r := got[evs[i].ID()]; r == nil || string(r.Value) != wantValue(i) {
			t.Fatalf("event %d did not arrive as it is", i)
		}
	}
	letters := sinktest.ReadLetters(t, h.sink.set.DeadLetter.Path())
	if len(letters) != 2 || h.metrics.Dead() != 2 {
		t.Fatalf("%d dead letters (%d counted), want 2", len(letters), h.metrics.Dead())
	}
	for i, want := range []event.Event{over, huge} {
		l := letters[i]
		if l.Sink != "pipeline" || l.Code != "MESSAGE_TOO_LARGE" || l.Event["eventId"] != want.ID() ||
			!strings.Contains(l.Reason, "max_message_bytes (2048)") {
			t.Errorf("dead letter %d: %+v", i, l)
		}
	}
}

// TestTopicLimitBelowMaxMessageBytes: a topic whose max.message.bytes is
// lower than max_message_bytes refuses batches serfwd thinks fit: a
// configuration problem, nothing dead-lettered.
func TestTopicLimitBelowMaxMessageBytes(t *testing.T) {
	c := kafkatest.Start(t, kafkatest.Options{Topic: testTopic, Users: testUsers(testTopic), ClientCert: true,
		BrokerConfigs: map[string]string{"message.max.bytes": "1024"}})
	cfg := clusterConfig(c, "plain")
	cfg.MaxMessageBytes, cfg.Compression = 8192, "none"
	h := newHarness(t, cfg, time.Minute)
	e := mkEvent(0)
	e.AddString("pad", strings.Repeat("z", 1500))
	err := h.sink.Write(context.Background(), []event.Event{e})
	if !sink.IsPermanent(err) || !strings.Contains(err.Error(), "lower max_message_bytes") {
		t.Fatalf("Write: %v, want a configuration problem about max.message.bytes", err)
	}
	if h.metrics.Dead() != 0 || h.metrics.ProblemCount() != 1 {
		t.Fatalf("%d dead letters, %d problems; want 0 and 1", h.metrics.Dead(), h.metrics.ProblemCount())
	}
}
