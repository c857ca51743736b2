// Write against a real Kafka-protocol cluster (kfake: three brokers, mutual
// TLS, SASL with ACLs): every record read back field by field for each SASL
// mechanism, key mode and compression, and leaderless partitions retried
// without duplicates.

package kafka

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/kafka/kafkatest"
)

// referenceEvent is a ser.applicationUser event with every SPEC §4 key and
// strings that need escaping; referenceValue is its JSON, written by hand.
func referenceEvent() event.Event {
	var e event.Event
	e.AddString("eventType", "ser.applicationUser")
	e.AddString("eventId", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
	e.AddInt("revision", 2)
	e.AddString("input", "acme")
	e.AddString("windowStart", "2026-11-28T13:00:00.000Z")
	e.AddString("windowEnd", "2026-11-28T14:00:00.000Z")
	e.AddString("applicationName", "Sales\"force\" <eu>")
	e.AddString("applicationUserName", "sf-prod-notifications")
	e.AddList("fromEnvelope", []string{"bounces@example.com", "Zoë@example.com"})
	e.AddList("fromHeader", []string{"example.com"})
	for _, kv := range []struct {
		k string
		v int64
	}{{"success", 1200}, {"failure", 3}, {"tempFailure", 2}, {"partialSuccess", 0}, {"inProgress", 1},
		{"total", 1206}, {"recipientsTotal", 1450}, {"messageSizeTotal", 48213311}, {"deliveredSizeTotal", 48100222},
		{"dsn2xx", 1200}, {"dsn3xx", 0}, {"dsn4xx", 2}, {"dsn5xx", 3}} {
		e.AddInt(kv.k, kv.v)
	}
	e.AddString("licenseStart", "2026-01-01T00:00:00.000Z")
	e.AddString("licenseEnd", "2027-01-01T00:00:00.000Z")
	e.AddInt("annualThroughput", 1099511627776)
	e.AddString("note", "tab\there\nline\u2028sep")
	return e
}

const referenceValue = `{"eventType":"ser.applicationUser",` +
	`"eventId":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","revision":2,"input":"acme",` +
	`"windowStart":"2026-11-28T13:00:00.000Z","windowEnd":"2026-11-28T14:00:00.000Z",` +
	`"applicationName":"Sales\"force\" \u003ceu\u003e","applicationUserName":"sf-prod-notifications",` +
	`"fromEnvelope":["bounces@example.com","Zoë@example.com"],"fromHeader":["example.com"],` +
	`"success":1200,"failure":3,"tempFailure":2,"partialSuccess":0,"inProgress":1,"total":1206,` +
	`"recipientsTotal":1450,"messageSizeTotal":48213311,"deliveredSizeTotal":48100222,` +
	`"dsn2xx":1200,"dsn3xx":0,"dsn4xx":2,"dsn5xx":3,` +
	`"licenseStart":"2026-01-01T00:00:00.000Z","licenseEnd":"2027-01-01T00:00:00.000Z","annualThroughput":1099511627776,` +
	`"note":"tab\there\nline\u2028sep"}`

// windowEvent is a ser.window event (no applicationUserName).
func windowEvent() (event.Event, string) {
	var e event.Event
	e.AddString("eventType", "ser.window")
	e.AddString("eventId", "5d41402abc4b2a76b9719d911017c592ae0a5b5d4f2c1e8f1a2b3c4d5e6f7a8b")
	e.AddInt("revision", 0)
	e.AddString("input", "acme")
	e.AddString("windowStart", "2026-11-28T13:00:00.000Z")
	e.AddString("windowEnd", "2026-11-28T14:00:00.000Z")
	e.AddInt("records", 0)
	return e, `{"eventType":"ser.window","eventId":"5d41402abc4b2a76b9719d911017c592ae0a5b5d4f2c1e8f1a2b3c4d5e6f7a8b",` +
		`"revision":0,"input":"acme","windowStart":"2026-11-28T13:00:00.000Z","windowEnd":"2026-11-28T14:00:00.000Z","records":0}`
}

// sentRecord is what one record must be.
type sentRecord struct {
	value, key          string
	nullKey             bool
	eventType, revision string
	windowStart         string
}

// testBatch is the reference event, a window event and n bulk events, with
// what each record must be under key mode.
func testBatch(n int, key string) ([]event.Event, map[string]sentRecord) {
	ref := referenceEvent()
	win, winValue := windowEvent()
	evs := append([]event.Event{ref, win}, mkEvents(0, n)...)
	want := map[string]sentRecord{
		ref.ID(): {value: referenceValue, key: ref.ID(), eventType: "ser.applicationUser", revision: "2", windowStart: "2026-11-28T13:00:00.000Z"},
		win.ID(): {value: winValue, key: win.ID(), eventType: "ser.window", revision: "0", windowStart: "2026-11-28T13:00:00.000Z"},
	}
	if key == "applicationUserName" {
		r := want[ref.ID()]
		r.key = "sf-prod-notifications"
		want[ref.ID()] = r
	}
	for i := range n {
		id := fmt.Sprintf("%064x", i+1)
		r := sentRecord{value: wantValue(i), key: id, eventType: "ser.applicationUser", revision: fmt.Sprint(i % 3),
			windowStart: testStart.Add(time.Duration(i) * time.Hour).Format("2006-01-02T15:04:05.000Z")}
		if key == "applicationUserName" {
			r.key = fmt.Sprintf("user-%d", i%5)
		}
		want[id] = r
	}
	if key == "none" {
		for id, r := range want {
			r.key, r.nullKey = "", true
			want[id] = r
		}
	}
	return evs, want
}

// checkRecords compares what the topic holds with want, field by field.
func checkRecords(t *testing.T, recs []*kgo.Record, want map[string]sentRecord) {
	t.Helper()
	got := byID(t, recs)
	if len(got) != len(want) {
		t.Fatalf("the topic holds %d records, want %d", len(got), len(want))
	}
	for id, w := range want {
		r := got[id]
		if r == nil {
			t.Fatalf("event %s did not arrive", id)
		}
		if string(r.Value) != w.value {
			t.Errorf("event %s: value\n got %s\nwant %s", id, r.Value, w.value)
		}
		if (r.Key == nil) != w.nullKey || string(r.Key) != w.key {
			t.Errorf("event %s: key %q (null %t), want %q (null %t)", id, r.Key, r.Key == nil, w.key, w.nullKey)
		}
		wantHeaders := []kgo.RecordHeader{{Key: "eventId", Value: []byte(id)}, {Key: "eventType", Value: []byte(w.eventType)},
			{Key: "revision", Value: []byte(w.revision)}, {Key: "input", Value: []byte("acme")}}
		if !sameHeaders(r.Headers, wantHeaders) {
			t.Errorf("event %s: headers %s, want %s", id, showHeaders(r.Headers), showHeaders(wantHeaders))
		}
		if ts := r.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"); ts != w.windowStart {
			t.Errorf("event %s: timestamp %s, want windowStart %s", id, ts, w.windowStart)
		}
	}
}

func sameHeaders(a, b []kgo.RecordHeader) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || !bytes.Equal(a[i].Value, b[i].Value) {
			return false
		}
	}
	return true
}

func showHeaders(hs []kgo.RecordHeader) string {
	s := ""
	for _, h := range hs {
		s += fmt.Sprintf(" %s=%q", h.Key, h.Value)
	}
	return s
}

func TestWriteDeliversEveryFieldWithEachMechanism(t *testing.T) {
	for _, mech := range []string{"plain", "scram-sha-256", "scram-sha-512"} {
		t.Run(mech, func(t *testing.T) {
			t.Parallel()
			c := startCluster(t)
			h := newHarness(t, clusterConfig(c, mech), time.Minute)
			evs, want := testBatch(40, "eventId")
			if err := h.sink.Write(context.Background(), evs); err != nil {
				t.Fatalf("Write: %v", err)
			}
			checkRecords(t, c.ReadAll(testTopic, time.Minute), want)
		})
	}
}

func TestWriteKeysAndCompressions(t *testing.T) {
	cases := []struct{ key, compression string }{
		{"eventId", "none"}, {"applicationUserName", "gzip"}, {"none", "snappy"}, {"eventId", "lz4"}, {"applicationUserName", "zstd"},
	}
	users := testUsers(testTopic)
	for i := range users { // every topic named t.…
		for _, op := range []kmsg.ACLOperation{kmsg.ACLOperationWrite, kmsg.ACLOperationDescribe} {
			users[i].ACLs = append(users[i].ACLs, kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: "t.",
				Pattern: kmsg.ACLResourcePatternTypePrefixed, Operation: op, Allow: true})
		}
	}
	c := kafkatest.Start(t, kafkatest.Options{Topic: testTopic, Users: users, ClientCert: true})
	for _, tc := range cases {
		t.Run(tc.key+"/"+tc.compression, func(t *testing.T) {
			topic := "t." + tc.key + "." + tc.compression
			if err := c.Kfake().CreateTopic(topic, 3, nil); err != nil {
				t.Fatal(err)
			}
			cfg := clusterConfig(c, "scram-sha-512")
			cfg.Topic, cfg.Key, cfg.Compression = topic, tc.key, tc.compression
			h := newHarness(t, cfg, time.Minute)
			evs, want := testBatch(60, tc.key)
			if err := h.sink.Write(context.Background(), evs); err != nil {
				t.Fatalf("Write: %v", err)
			}
			recs := c.ReadAll(topic, time.Minute)
			checkRecords(t, recs, want)
			if tc.key != "none" {
				samePartitionPerKey(t, recs)
			}
		})
	}
}

// samePartitionPerKey checks that records with one key share a partition.
func samePartitionPerKey(t *testing.T, recs []*kgo.Record) {
	t.Helper()
	part := map[string]int32{}
	for _, r := range recs {
		if p, ok := part[string(r.Key)]; ok && p != r.Partition {
			t.Fatalf("key %q in partitions %d and %d", r.Key, p, r.Partition)
		}
		part[string(r.Key)] = r.Partition
	}
}

// TestWriteRetriesLeaderlessPartitions: produce answers that a partition has
// no leader (or not this one) are retried inside the Write by the
// idempotent producer: every record arrives once.
func TestWriteRetriesLeaderlessPartitions(t *testing.T) {
	c := startCluster(t)
	faults := c.Kfake().Fault(
		kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Err: kerr.LeaderNotAvailable, Count: 1},
		kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Err: kerr.NotLeaderForPartition, Count: 1},
	)
	h := newHarness(t, clusterConfig(c, "scram-sha-256"), time.Minute)
	evs, want := testBatch(100, "eventId")
	if err := h.sink.Write(context.Background(), evs); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if n := faults.Hits(); n < 2 {
		t.Fatalf("the faults answered %d produce requests, want 2", n)
	}
	checkRecords(t, c.ReadAll(testTopic, time.Minute), want)
}

// TestWriteReturnsRetryableErrorWhileNoLeader: a partition that stays
// without a leader past the Write's timeout is a retryable error (not a
// configuration problem), and the next Write delivers everything once.
func TestWriteReturnsRetryableErrorWhileNoLeader(t *testing.T) {
	c := startCluster(t)
	h := newHarness(t, clusterConfig(c, "plain"), 2*time.Second)
	faults := c.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: testTopic, Partitions: []int32{1},
		Err: kerr.LeaderNotAvailable, Count: -1})
	evs, want := testBatch(60, "eventId")
	err := h.sink.Write(context.Background(), evs)
	if err == nil || sink.IsPermanent(err) || !strings.Contains(err.Error(), "not acknowledged within 2s") {
		t.Fatalf("Write while partition 1 has no leader: %v, want a retryable error saying how long it waited", err)
	}
	if h.metrics.ProblemCount() != 0 {
		t.Fatalf("a missing leader was reported as a configuration problem")
	}
	faults.Remove()
	if err := h.sink.Write(context.Background(), evs); err != nil {
		t.Fatalf("Write after the leader is back: %v", err)
	}
	checkRecords(t, c.ReadAll(testTopic, time.Minute), want)
}

// TestWriteWithAcksLeader: acks: leader (idempotence off) delivers every
// record as acks: all does.
func TestWriteWithAcksLeader(t *testing.T) {
	c := startCluster(t)
	cfg := clusterConfig(c, "plain")
	cfg.Acks = "leader"
	h := newHarness(t, cfg, time.Minute)
	evs, want := testBatch(50, "eventId")
	if err := h.sink.Write(context.Background(), evs); err != nil {
		t.Fatalf("Write: %v", err)
	}
	checkRecords(t, c.ReadAll(testTopic, time.Minute), want)
}
