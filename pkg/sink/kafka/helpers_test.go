// Helpers of the kafka sink's tests: events with their expected record
// values written out independently of pkg/event, sinks configured for a
// kafkatest cluster (metrics recorded by sinktest), and a delivery loop over a real
// state file.

package kafka

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/kafka/kafkatest"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
	"github.com/serfwd/serfwd/pkg/state"
)

const testTopic = "proofpoint.ser.summary"

// Users of the test clusters, one per mechanism, with the README's grants.
var (
	testPasswords = map[string]string{
		"plain":         "plain-Pw-7fQ2#x",
		"scram-sha-256": "scram256-Pw-Lk9&v",
		"scram-sha-512": "scram512-Pw-Zt4%r",
	}
	kfakeMechanism = map[string]string{"plain": "PLAIN", "scram-sha-256": "SCRAM-SHA-256", "scram-sha-512": "SCRAM-SHA-512"}
)

// testStart is the first test window.
var testStart = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

// mkEvent is bulk event i; wantValue(i) is its JSON written out by hand.
func mkEvent(i int) event.Event {
	var e event.Event
	start := testStart.Add(time.Duration(i) * time.Hour)
	e.AddString("eventType", event.TypeApplicationUser)
	e.AddString("eventId", fmt.Sprintf("%064x", i+1))
	e.AddInt("revision", int64(i%3))
	e.AddString("input", "acme")
	e.AddString("windowStart", event.FormatTime(start))
	e.AddString("windowEnd", event.FormatTime(start.Add(time.Hour)))
	e.AddString("applicationName", fmt.Sprintf("app-%d", i))
	e.AddString("applicationUserName", fmt.Sprintf("user-%d", i%5))
	e.AddList("fromEnvelope", []string{"bounces@example.com", fmt.Sprintf("u%d@example.com", i)})
	e.AddInt("success", int64(1000+i))
	return e
}

func wantValue(i int) string {
	start := testStart.Add(time.Duration(i) * time.Hour)
	return fmt.Sprintf(`{"eventType":"ser.applicationUser","eventId":"%064x","revision":%d,"input":"acme",`+
		`"windowStart":"%s","windowEnd":"%s","applicationName":"app-%d","applicationUserName":"user-%d",`+
		`"fromEnvelope":["bounces@example.com","u%d@example.com"],"success":%d}`,
		i+1, i%3, start.Format("2006-01-02T15:04:05.000Z"), start.Add(time.Hour).Format("2006-01-02T15:04:05.000Z"),
		i, i%5, i, 1000+i)
}

func mkEvents(from, n int) []event.Event {
	evs := make([]event.Event, n)
	for i := range evs {
		evs[i] = mkEvent(from + i)
	}
	return evs
}

// harness is a sink under test with what it reports.
type harness struct {
	sink    *Sink
	metrics *sinktest.Metrics
	dir     string // the state directory: the dead-letter file lives here
}

// clusterConfig is a valid config for cluster c over TLS, authenticated
// with mechanism's test user, with the client certificate when c requires
// one.
func clusterConfig(c *kafkatest.Cluster, mechanism string) Config {
	cfg := DefaultConfig()
	cfg.Brokers, cfg.Topic = c.Addrs, testTopic
	cfg.TLS = TLS{Enabled: true, TLS: config.TLS{CAFile: c.PKI.CAFile, CertFile: c.PKI.ClientCert, KeyFile: c.PKI.ClientKey}}
	cfg.SASL = SASL{Mechanism: mechanism, Username: mechanism + "-user", Password: config.Secret(testPasswords[mechanism])}
	return cfg
}

// testUsers are the writers of every mechanism, granted on topic.
func testUsers(topic string) []kafkatest.User {
	var us []kafkatest.User
	for m, pw := range testPasswords {
		us = append(us, kafkatest.Writer(kfakeMechanism[m], m+"-user", pw, topic))
	}
	return us
}

// startCluster starts three brokers with mutual TLS, the test users and the
// test topic with three partitions.
func startCluster(t *testing.T) *kafkatest.Cluster {
	t.Helper()
	return kafkatest.Start(t, kafkatest.Options{Topic: testTopic, Users: testUsers(testTopic), ClientCert: true})
}

// newHarness builds a sink from cfg whose Writes wait at most timeout.
func newHarness(t *testing.T, cfg Config, timeout time.Duration) *harness {
	t.Helper()
	h := &harness{metrics: &sinktest.Metrics{}, dir: t.TempDir()}
	s, err := newSink(sink.Settings{Name: "pipeline", Logger: zaptest.NewLogger(t), StateDir: h.dir, Metrics: h.metrics}, cfg, timeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	h.sink = s
	return h
}

// byID indexes records by their eventId header, failing on a repeat.
func byID(t *testing.T, recs []*kgo.Record) map[string]*kgo.Record {
	t.Helper()
	m := map[string]*kgo.Record{}
	for _, r := range recs {
		id := header(r, "eventId")
		if m[id] != nil {
			t.Fatalf("event %s arrived twice", id)
		}
		m[id] = r
	}
	return m
}

// header returns the value of the first header named key.
func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// loopRig is a delivery loop over a real state file feeding a sink, with
// counts of its confirmed and failed Writes that tests wait on.
type loopRig struct {
	st      *state.Store
	mu      sync.Mutex
	sent    int           // events confirmed
	failed  int           // Writes failed
	changed chan struct{} // closed and replaced when a count changes
}

func (r *loopRig) Sent(_ string, n int) { r.count(func() { r.sent += n }) }
func (r *loopRig) Failed(string, error) { r.count(func() { r.failed++ }) }

func (r *loopRig) QueueDepth(string, int64, int64) {}

func (r *loopRig) count(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f()
	close(r.changed)
	r.changed = make(chan struct{})
}

// counts returns the confirmed events and failed Writes so far.
func (r *loopRig) counts() (sent, failed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent, r.failed
}

// waitUntil waits until cond holds for the counts; a minute is a safety
// net, not the assertion.
func (r *loopRig) waitUntil(t *testing.T, what string, cond func(sent, failed int) bool) {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		r.mu.Lock()
		ok, ch := cond(r.sent, r.failed), r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			s, f := r.counts()
			t.Fatalf("waiting for %s: %d events confirmed, %d Writes failed", what, s, f)
		}
	}
}

// newLoopRig opens a state file and queues events for the sink "pipeline".
func newLoopRig(t *testing.T, events []event.Event, perEntry int) *loopRig {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	enc := state.NewEncoder(perEntry)
	for i := range events {
		if err := enc.Add(&events[i]); err != nil {
			t.Fatal(err)
		}
	}
	b, err := enc.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(state.Commit{Input: "acme", Sinks: []string{"pipeline"}, Batches: b}); err != nil {
		t.Fatal(err)
	}
	return &loopRig{st: st, changed: make(chan struct{})}
}

// run runs the delivery loop until stop is closed and the queue is empty, or
// ctx ends; the returned channel yields the loop's result.
func (r *loopRig) run(ctx context.Context, t *testing.T, s sink.Sink, maxEvents int, stop <-chan struct{}) <-chan error {
	l := &sink.Loop{Name: "pipeline", Sink: s, Queue: r.st, Logger: zaptest.NewLogger(t), Observer: r,
		MaxEvents: maxEvents, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx, stop) }()
	return done
}

// queued is how many events wait in the sink's queue.
func (r *loopRig) queued(t *testing.T) int64 {
	t.Helper()
	st, err := r.st.Stat("pipeline")
	if err != nil {
		t.Fatal(err)
	}
	return st.Events
}
