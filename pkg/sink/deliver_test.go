// The delivery loop against a real state file: order, draining, error classes,
// isolation between sinks and unreadable entries.

package sink_test

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/state"
)

// recSink records delivered eventIds; failFor returns the error for a call
// number (1-based), nil to succeed.
type recSink struct {
	mu      sync.Mutex
	calls   int
	ids     []string
	failFor func(call int) error
	times   []time.Time
}

func (s *recSink) Write(ctx context.Context, evs []event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.times = append(s.times, time.Now())
	if s.failFor != nil {
		if err := s.failFor(s.calls); err != nil {
			return err
		}
	}
	for i := range evs {
		s.ids = append(s.ids, evs[i].ID())
	}
	return nil
}

func (s *recSink) Close(context.Context) error { return nil }

// packedRec is a recSink that renders from packed batches: the loop must
// prefer WritePacked, and a retry must get the batches whole again.
type packedRec struct{ *recSink }

func (s packedRec) Write(context.Context, []event.Event) error {
	panic("Write called on a sink that implements WritePacked")
}

func (s packedRec) WritePacked(ctx context.Context, batches []*event.Packed) error {
	var evs []event.Event
	for _, b := range batches {
		b.Rewind()
		var v event.View
		for b.Next(&v) {
			evs = append(evs, b.Event(&v))
		}
	}
	return s.recSink.Write(ctx, evs)
}

// bothPaths runs f with a sink made by wrap for each way of writing: events
// (Write) and packed batches (WritePacked).
func bothPaths(t *testing.T, f func(t *testing.T, wrap func(*recSink) sink.Sink)) {
	t.Run("events", func(t *testing.T) { f(t, func(s *recSink) sink.Sink { return s }) })
	t.Run("packed", func(t *testing.T) { f(t, func(s *recSink) sink.Sink { return packedRec{s} }) })
}

func (s *recSink) delivered() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ids...)
}

func commitEvents(t *testing.T, st *state.Store, sinks []string, from, n int) {
	t.Helper()
	enc := state.NewEncoder(7) // several queue entries per commit
	for i := from; i < from+n; i++ {
		var e event.Event
		e.AddString(event.KeyEventID, strconv.Itoa(i))
		if err := enc.Add(&e); err != nil {
			t.Fatal(err)
		}
	}
	b, err := enc.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(state.Commit{Input: "i", Sinks: sinks, Batches: b}); err != nil {
		t.Fatal(err)
	}
}

func openStore(t *testing.T) *state.Store {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func wantIDs(t *testing.T, got []string, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("delivered %d events, want %d", len(got), n)
	}
	for i, id := range got {
		if id != strconv.Itoa(i) {
			t.Fatalf("event %d is %q: order or content wrong", i, id)
		}
	}
}

func newLoop(t *testing.T, st *state.Store, name string, s sink.Sink) *sink.Loop {
	return &sink.Loop{Name: name, Sink: s, Queue: st, Logger: zaptest.NewLogger(t), MaxEvents: 20,
		MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
}

func TestLoopDeliversInOrderAndDrains(t *testing.T) {
	bothPaths(t, func(t *testing.T, wrap func(*recSink) sink.Sink) {
		st := openStore(t)
		s := &recSink{failFor: func(call int) error {
			if call%3 == 1 {
				return errors.New("flaky destination")
			}
			return nil
		}}
		commitEvents(t, st, []string{"a"}, 0, 50)
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() { done <- newLoop(t, st, "a", wrap(s)).Run(context.Background(), stop) }()
		commitEvents(t, st, []string{"a"}, 50, 50)
		close(stop)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		wantIDs(t, s.delivered(), 100)
		if stat, _ := st.Stat("a"); stat.Events != 0 || stat.Bytes != 0 {
			t.Fatalf("queue after drain: %+v", stat)
		}
	})
}

func TestLoopKeepsDataOnPermanentErrorUntilContextEnds(t *testing.T) {
	st := openStore(t)
	s := &recSink{failFor: func(int) error { return sink.Permanent(errors.New("401 invalid token")) }}
	commitEvents(t, st, []string{"a"}, 0, 10)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	l := newLoop(t, st, "a", s)
	core, logs := observer.New(zap.WarnLevel)
	l.Logger = zap.New(core)
	if err := l.Run(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run: %v", err)
	}
	if s.calls < 3 {
		t.Fatalf("the refusing sink was tried %d times", s.calls)
	}
	if n := logs.FilterLevelExact(zap.ErrorLevel).Len(); n != 1 {
		t.Fatalf("the configuration problem was logged %d times in %d attempts, want once a minute", n, s.calls)
	}
	if stat, _ := st.Stat("a"); stat.Events != 10 {
		t.Fatalf("queue holds %d events after a refusing sink, want all 10", stat.Events)
	}
}

func TestLoopHonoursRetryAfter(t *testing.T) {
	st := openStore(t)
	const after = 150 * time.Millisecond
	s := &recSink{failFor: func(call int) error {
		if call == 1 {
			return sink.RetryAfter(errors.New("503 busy"), after)
		}
		return nil
	}}
	commitEvents(t, st, []string{"a"}, 0, 5)
	stop := make(chan struct{})
	close(stop)
	if err := newLoop(t, st, "a", s).Run(context.Background(), stop); err != nil {
		t.Fatal(err)
	}
	if len(s.times) != 2 || s.times[1].Sub(s.times[0]) < after {
		t.Fatalf("retry came %v after the refusal, want at least %v", s.times[1].Sub(s.times[0]), after)
	}
	wantIDs(t, s.delivered(), 5)
}

func TestFailingSinkDoesNotBlockAnother(t *testing.T) {
	st := openStore(t)
	broken := &recSink{failFor: func(int) error { return errors.New("connection refused") }}
	healthy := &recSink{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var healthyErr error
	wg.Go(func() { newLoop(t, st, "broken", broken).Run(ctx, stop) })
	wg.Go(func() { healthyErr = newLoop(t, st, "healthy", healthy).Run(ctx, stop) })
	for i := 0; i < 5; i++ {
		commitEvents(t, st, []string{"broken", "healthy"}, i*20, 20)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(healthy.delivered()) < 100 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	wantIDs(t, healthy.delivered(), 100)
	if stat, _ := st.Stat("broken"); stat.Events != 100 {
		t.Fatalf("broken sink's queue holds %d events, want 100", stat.Events)
	}
	cancel()
	wg.Wait()
	if !errors.Is(healthyErr, context.Canceled) {
		t.Fatalf("healthy loop: %v", healthyErr)
	}
}

func TestLoopSetsAsideUnreadableEntries(t *testing.T) {
	bothPaths(t, testSetsAside)
}

func testSetsAside(t *testing.T, wrap func(*recSink) sink.Sink) {
	for _, withDir := range []bool{true, false} {
		t.Run(map[bool]string{true: "dead-letter dir", false: "no dead-letter dir"}[withDir], func(t *testing.T) {
			st := openStore(t)
			commitEvents(t, st, []string{"a"}, 0, 10)
			for _, junk := range [][]byte{[]byte("garbage"), {2, 0xff, 0xff}} { // bad header; good header, bad body
				if err := st.Commit(state.Commit{Input: "i", Sinks: []string{"a"}, Batches: []state.Batch{{Events: 1, Data: junk}}}); err != nil {
					t.Fatal(err)
				}
			}
			commitEvents(t, st, []string{"a"}, 10, 10)
			s := &recSink{}
			l := newLoop(t, st, "a", wrap(s))
			dir := t.TempDir()
			if withDir {
				l.DeadLetters = sink.NewDeadLetters(dir, "a", nil, nil)
			}
			stop := make(chan struct{})
			close(stop)
			err := l.Run(context.Background(), stop)
			if !withDir {
				// Nothing may be dropped: the loop stops at the bad entry.
				if err == nil || len(s.delivered()) != 10 {
					t.Fatalf("Run: %v, %d delivered; want an error after the 10 events before the bad entry", err, len(s.delivered()))
				}
				if stat, _ := st.Stat("a"); stat.Events != 12 {
					t.Fatalf("queue holds %d events, want the bad entries and the 10 after them", stat.Events)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantIDs(t, s.delivered(), 20)
			data, err := os.ReadFile(filepath.Join(dir, "deadletter-a.ndjson"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			if len(lines) != 2 || !strings.Contains(lines[0], base64.StdEncoding.EncodeToString([]byte("garbage"))) {
				t.Fatalf("dead-letter file:\n%s", data)
			}
			if stat, _ := st.Stat("a"); stat.Events != 0 {
				t.Fatalf("queue holds %d events after setting aside", stat.Events)
			}
		})
	}
}

// queuedSink is a QueuedWriter that records when each event was queued.
type queuedSink struct {
	recSink
	queued map[string]time.Time
}

func (s *queuedSink) WriteQueued(ctx context.Context, evs []event.Event, queued []time.Time) error {
	if len(queued) != len(evs) {
		return sink.Permanent(errors.New("queued times do not match the events"))
	}
	for i := range evs {
		s.queued[evs[i].ID()] = queued[i]
	}
	return s.Write(ctx, evs)
}

func TestLoopTellsAQueuedWriterWhenEachEventWasQueued(t *testing.T) {
	st := openStore(t)
	s := &queuedSink{queued: map[string]time.Time{}}
	var spans [2][2]time.Time // per commit: before, after
	for c := range spans {
		spans[c][0] = time.Now().Truncate(time.Millisecond)
		commitEvents(t, st, []string{"a"}, c*10, 10) // two queue entries per commit
		spans[c][1] = time.Now()
	}
	stop := make(chan struct{})
	close(stop)
	if err := newLoop(t, st, "a", s).Run(context.Background(), stop); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, s.delivered(), 20)
	for i := range 20 {
		q, span := s.queued[strconv.Itoa(i)], spans[i/10]
		if q.Before(span[0]) || q.After(span[1]) {
			t.Errorf("event %d: queued at %s, outside its commit's %s … %s", i, q.Format(time.RFC3339Nano),
				span[0].Format(time.RFC3339Nano), span[1].Format(time.RFC3339Nano))
		}
	}
}
