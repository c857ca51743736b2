// Helpers of the otlp sink's tests: hand-written events, a sink with what
// it reports (metrics, logs, dead letters), and reading records back.

package otlp

import (
	"fmt"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

// The resource the tests' sinks describe.
const (
	testVersion  = "1.2.3-test"
	testHostname = "loghost-1.example.com"
)

// testStart is the first test window: 2026-11-26T10:00:00Z.
var testStart = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// mkEvent builds a small ser.applicationUser event of window i.
func mkEvent(i int) event.Event {
	var e event.Event
	e.AddString("eventType", event.TypeApplicationUser)
	e.AddString("eventId", fmt.Sprintf("%064x", i+1))
	e.AddInt("revision", 0)
	e.AddString("input", "acme")
	e.AddString("windowStart", event.FormatTime(testStart.Add(time.Duration(i)*time.Hour)))
	e.AddString("applicationName", fmt.Sprintf("app-%d", i))
	e.AddList("fromEnvelope", []string{"bounces@example.com"})
	e.AddInt("success", int64(1000+i))
	e.AddInt("failure", 0)
	return e
}

func mkEvents(n int) []event.Event {
	evs := make([]event.Event, n)
	for i := range evs {
		evs[i] = mkEvent(i)
	}
	return evs
}

// harness is a sink under test with what it reports.
type harness struct {
	sink    *Sink
	metrics *sinktest.Metrics
	logs    *observer.ObservedLogs
	dir     string
}

// newHarness builds a sink for endpoint from the defaults changed by mod,
// with a secret authorization header.
func newHarness(t *testing.T, endpoint string, mod func(*Config)) *harness {
	t.Helper()
	c := DefaultConfig()
	c.Endpoint = endpoint
	c.Headers = map[string]config.Secret{"authorization": testHeaderSecret}
	if mod != nil {
		mod(&c)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	h := &harness{metrics: &sinktest.Metrics{}, logs: logs, dir: t.TempDir()}
	s, err := newSink(sink.Settings{Name: "collector", Logger: zap.New(core), StateDir: h.dir, Version: testVersion,
		Hostname: testHostname, Metrics: h.metrics}, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(t.Context()) })
	h.sink = s
	return h
}

// deadLetters reads the sink's dead-letter file (none: no lines).
func (h *harness) deadLetters(t *testing.T) []sinktest.Letter {
	t.Helper()
	return sinktest.ReadLetters(t, h.sink.set.DeadLetter.Path())
}

// allLogs renders every log entry with its fields, for searching.
func (h *harness) allLogs() string {
	var b []byte
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	for _, e := range h.logs.All() {
		buf, err := enc.EncodeEntry(e.Entry, e.Context)
		if err == nil {
			b = append(b, buf.Bytes()...)
			buf.Free()
		}
	}
	return string(b)
}

// idOf is the eventId of mkEvent(i).
func idOf(i int) string { e := mkEvent(i); return e.ID() }
