// Helpers of the otlp sink's tests: hand-written events, a sink with what
// it reports (metrics, logs, dead letters), and reading records back.

package otlp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
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

// recMetrics records what a sink reports.
type recMetrics struct {
	mu       sync.Mutex
	dead     int
	problems []error
}

func (m *recMetrics) DeadLetter(_ string, n int) { m.mu.Lock(); m.dead += n; m.mu.Unlock() }
func (m *recMetrics) Truncated(string, int)      {}
func (m *recMetrics) ConfigProblem(_ string, err error) {
	m.mu.Lock()
	m.problems = append(m.problems, err)
	m.mu.Unlock()
}

func (m *recMetrics) counts() (dead, problems int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dead, len(m.problems)
}

// harness is a sink under test with what it reports.
type harness struct {
	sink    *Sink
	metrics *recMetrics
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
	h := &harness{metrics: &recMetrics{}, logs: logs, dir: t.TempDir()}
	s, err := newSink(sink.Settings{Name: "collector", Logger: zap.New(core), StateDir: h.dir, Version: testVersion,
		Hostname: testHostname, Metrics: h.metrics}, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(t.Context()) })
	h.sink = s
	return h
}

// letter is a line of the dead-letter file.
type letter struct {
	Sink   string         `json:"sink"`
	Code   any            `json:"code"`
	Reason string         `json:"reason"`
	Event  map[string]any `json:"event"`
}

// deadLetters reads the sink's dead-letter file (none: no lines).
func (h *harness) deadLetters(t *testing.T) []letter {
	t.Helper()
	f, err := os.Open(h.sink.set.DeadLetter.Path())
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []letter
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l letter
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("dead-letter line is not JSON: %v\n%s", err, sc.Text())
		}
		out = append(out, l)
	}
	return out
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
