// helpers_test.go builds test events and sinks (metrics recorded by sinktest).

package hec

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

// testStart is the first test window: 2025-11-26T12:00:00Z.
var testStart = time.Date(2025, 11, 26, 12, 0, 0, 0, time.UTC)

// mkEvent builds an event whose keys are in alphabetical order, so that
// encoding/json's rendering of the same data as a map is byte-identical.
func mkEvent(i int, name string) event.Event {
	var e event.Event
	e.AddString("applicationName", name)
	e.AddString("eventId", fmt.Sprintf("%064x", i+1))
	e.AddString("eventType", event.TypeApplicationUser)
	e.AddList("fromEnvelope", []string{"bounces@example.com", fmt.Sprintf("u%d@example.com", i)})
	e.AddString("input", "acme")
	e.AddInt("revision", 0)
	e.AddInt("success", int64(1000+i))
	e.AddString("windowStart", event.FormatTime(testStart.Add(time.Duration(i)*time.Hour+250*time.Millisecond*time.Duration(i%4))))
	return e
}

// mkEvents builds n events named app-0 … app-(n-1).
func mkEvents(n int) []event.Event {
	evs := make([]event.Event, n)
	for i := range evs {
		evs[i] = mkEvent(i, fmt.Sprintf("app-%d", i))
	}
	return evs
}

// harness is a sink under test with what it reports.
type harness struct {
	sink    *Sink
	metrics *sinktest.Metrics
	logs    *observer.ObservedLogs
	dir     string
	packed  bool // write takes the WritePacked path
	t       *testing.T
}

// write hands evs to the sink the way the delivery loop does: as they are,
// or (h.packed) packed into queue batches of up to 3 events (so that one
// Write gets several) and opened.
func (h *harness) write(ctx context.Context, evs []event.Event) error {
	if !h.packed {
		return h.sink.Write(ctx, evs)
	}
	return h.sink.WritePacked(ctx, openedBatches(h.t, evs, 3))
}

// openedBatches packs evs into batches of at most per events and opens them.
func openedBatches(t testing.TB, evs []event.Event, per int) []*event.Packed {
	t.Helper()
	var out []*event.Packed
	var pk event.Packer
	for from := 0; from < len(evs); from += per {
		for i := from; i < min(from+per, len(evs)); i++ {
			pk.Add(&evs[i])
		}
		p := new(event.Packed)
		if err := p.Open(pk.AppendPacked(nil), nil); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// packedPath reports whether t runs under TestPackedPath, whose harnesses
// write packed batches.
func packedPath(t *testing.T) bool { return strings.HasPrefix(t.Name(), "TestPackedPath/") }

// newHarness builds a sink for url with mod applied to a default HEC config.
func newHarness(t *testing.T, url string, mod func(*Config)) *harness {
	t.Helper()
	c := DefaultConfig()
	c.URL, c.Token, c.AckTimeout = url, testToken, time.Minute
	if mod != nil {
		mod(&c)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	h := &harness{metrics: &sinktest.Metrics{}, logs: logs, dir: t.TempDir(), t: t, packed: packedPath(t)}
	s, err := newSink(sink.Settings{Name: "splunk", Logger: zap.New(core), StateDir: h.dir,
		Version: "test", Hostname: "loghost", Metrics: h.metrics}, c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	s.pollMin, s.pollMax = 5*time.Millisecond, 20*time.Millisecond
	t.Cleanup(func() { _ = s.Close(t.Context()) })
	h.sink = s
	return h
}

// eventNames lists the applicationName of each envelope's event.
func eventNames(envs []map[string]any) []string {
	var names []string
	for _, env := range envs {
		ev, _ := env["event"].(map[string]any)
		name, _ := ev["applicationName"].(string)
		names = append(names, name)
	}
	return names
}
