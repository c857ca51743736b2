// Test helpers: events, sinks on t.TempDir() files, reading lines back.

package file

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/packedtest"
	"github.com/serfwd/serfwd/pkg/sink"
)

// testEvent builds an event shaped like SPEC §4, numbered by i.
func testEvent(i int) event.Event {
	return event.Event{Fields: []event.Field{
		{Key: event.KeyEventType, Kind: event.String, Str: event.TypeApplicationUser},
		{Key: event.KeyEventID, Kind: event.String, Str: "id-" + strconv.Itoa(i)},
		{Key: event.KeyRevision, Kind: event.Int, Int: 0},
		{Key: event.KeyInput, Kind: event.String, Str: "acme"},
		{Key: event.KeyWindowStart, Kind: event.String, Str: "2026-11-01T00:00:00.000Z"},
		{Key: "applicationName", Kind: event.String, Str: "crm \"prod\" <eu>\n"},
		{Key: "fromEnvelope", Kind: event.List, List: []string{"a@example.com", "b@example.com"}},
		{Key: "total", Kind: event.Int, Int: int64(i) * 7},
		{Key: "ratio", Kind: event.Raw, Str: "0.5"},
	}}
}

// batch returns n events numbered from first.
func batch(first, n int) []event.Event {
	evs := make([]event.Event, n)
	for i := range evs {
		evs[i] = testEvent(first + i)
	}
	return evs
}

// want renders events as the file should hold them.
func want(evs ...[]event.Event) string {
	var b []byte
	for _, batch := range evs {
		for i := range batch {
			b = batch[i].AppendJSON(b)
			b = append(b, '\n')
		}
	}
	return string(b)
}

// newSink builds a file sink for fc, closed at the end of the test; a mode
// left at 0 is the default mode. Every sink of one test shares a state
// directory, as a restarted serfwd does.
func newSink(t *testing.T, fc Config) *Sink {
	t.Helper()
	if fc.Mode == 0 {
		fc.Mode = DefaultConfig().Mode
	}
	st := sink.Settings{Name: "archive", Logger: zaptest.NewLogger(t), Metrics: sink.NopMetrics{},
		StateDir: stateDir(t)}
	s, err := New(st, fc)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s.(*Sink)
}

var (
	stateDirsMu sync.Mutex
	stateDirs   = map[*testing.T]string{}
)

// stateDir is the test's state directory, the same for every call.
func stateDir(t *testing.T) string {
	stateDirsMu.Lock()
	defer stateDirsMu.Unlock()
	if d, ok := stateDirs[t]; ok {
		return d
	}
	d := t.TempDir()
	stateDirs[t] = d
	t.Cleanup(func() {
		stateDirsMu.Lock()
		delete(stateDirs, t)
		stateDirsMu.Unlock()
	})
	return d
}

// ciOrSkip skips the test with why, or fails it when CI=true: CI must run
// every test.
func ciOrSkip(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + " (CI=true: failing instead of skipping)")
	}
	t.Skip(why)
}

// testSettings are Settings for benchmarks, which have no *testing.T.
func testSettings() sink.Settings {
	return sink.Settings{Name: "bench", Logger: zap.NewNop(), Metrics: sink.NopMetrics{}}
}

// tempPath is a file path in a fresh directory.
func tempPath(t *testing.T) string { return filepath.Join(t.TempDir(), "events.ndjson") }

func mustWrite(t *testing.T, s *Sink, evs []event.Event) {
	t.Helper()
	if err := writeFor(t, s, context.Background(), evs); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

// packedPath reports whether t runs under TestPackedPath: writeFor then
// writes packed batches.
func packedPath(t testing.TB) bool { return strings.HasPrefix(t.Name(), "TestPackedPath/") }

// writeFor writes evs as the delivery loop does: as events, or under
// TestPackedPath packed into queue batches of up to 3 events and opened.
func writeFor(t testing.TB, s *Sink, ctx context.Context, evs []event.Event) error {
	if !packedPath(t) {
		return s.Write(ctx, evs)
	}
	var batches []*event.Packed
	for from := 0; from < len(evs); from += 3 {
		batches = append(batches, packedtest.Pack(evs[from:min(from+3, len(evs))]).Open(t, nil))
	}
	return s.WritePacked(ctx, batches)
}

// readFile returns the file's content, or "<missing>".
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "<missing>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lines splits content into lines, dropping the empty one after the last '\n'.
func lines(content string) [][]byte {
	ls := bytes.Split([]byte(content), []byte("\n"))
	if n := len(ls); n > 0 && len(ls[n-1]) == 0 {
		ls = ls[:n-1]
	}
	return ls
}
