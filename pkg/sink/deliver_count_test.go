// What the delivery loop counts: events a sink dead-letters during a Write
// are not sent, what a failed attempt dead-lettered (and the retry skips)
// is not counted as sent when the retry succeeds, and unreadable entries set
// aside are dead letters.

package sink_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/state"
)

// countingObserver sums what a loop reports.
type countingObserver struct {
	mu            sync.Mutex
	sent, failed  int
	dead          int
	lastFailure   error
	depthReported int
}

func (o *countingObserver) Sent(_ string, n int) { o.mu.Lock(); o.sent += n; o.mu.Unlock() }
func (o *countingObserver) Failed(_ string, err error) {
	o.mu.Lock()
	o.failed++
	o.lastFailure = err
	o.mu.Unlock()
}
func (o *countingObserver) QueueDepth(string, int64, int64) {
	o.mu.Lock()
	o.depthReported++
	o.mu.Unlock()
}
func (o *countingObserver) DeadLetter(_ string, n int)  { o.mu.Lock(); o.dead += n; o.mu.Unlock() }
func (o *countingObserver) Truncated(string, int)       {}
func (o *countingObserver) ConfigProblem(string, error) {}

// refusingSink dead-letters the events whose eventId is in bad to its
// dead-letter file, as a sink does inside Write; its first call, after
// dead-lettering, fails as a whole. Like the real sinks (HEC, Kafka, OTLP)
// it remembers what it already dead-lettered and skips it on the retry.
type refusingSink struct {
	dead  *sink.DeadLetters
	bad   map[string]bool
	done  sink.Delivered
	calls int
	took  int
}

func (s *refusingSink) Write(_ context.Context, evs []event.Event) error {
	s.calls++
	var letters []sink.Letter
	skipped := 0
	for i := range evs {
		switch {
		case s.done.Has(&evs[i]):
			skipped++
		case s.bad[evs[i].ID()]:
			letters = append(letters, sink.Letter{Code: "6", Reason: "invalid", Event: &evs[i]})
			s.done.Add(sink.DeliveredKey(evs[i].ID(), evs[i].Revision()))
		}
	}
	if err := s.dead.Write(letters...); err != nil {
		return err
	}
	if s.calls == 1 {
		return errors.New("503 after a partial refusal")
	}
	s.took += len(evs) - skipped - len(letters)
	s.done.Reset()
	return nil
}

func (s *refusingSink) Close(context.Context) error { return nil }

func TestLoopDoesNotCountDeadLettersAsSent(t *testing.T) {
	st := openStore(t)
	commitEvents(t, st, []string{"a"}, 0, 10) // one Write of 10 (MaxEvents 20)
	obs := &countingObserver{}
	counted := sink.CountDeadLetters(obs)
	s := &refusingSink{dead: sink.NewDeadLetters(t.TempDir(), "a", nil, counted), bad: map[string]bool{"3": true, "7": true}}
	l := newLoop(t, st, "a", s)
	l.Observer, l.DeadLettered = obs, counted
	stop := make(chan struct{})
	close(stop)
	if err := l.Run(context.Background(), stop); err != nil {
		t.Fatal(err)
	}
	// The first attempt dead-lettered 2 events and failed; the retry skipped
	// them and delivered the other 8.
	if s.calls != 2 || s.took != 8 {
		t.Fatalf("sink: %d calls, took %d events", s.calls, s.took)
	}
	if obs.sent != 8 || obs.failed != 1 || obs.dead != 2 || counted.Total() != 2 {
		t.Errorf("observed sent %d, failed %d, dead letters %d (counter %d); want 8 sent, 1 failure, 2 dead letters",
			obs.sent, obs.failed, obs.dead, counted.Total())
	}
	if obs.lastFailure == nil || obs.lastFailure.Error() != "503 after a partial refusal" {
		t.Errorf("failure reported as %v", obs.lastFailure)
	}
}

func TestLoopCountsSetAsideEntriesAsDeadLetters(t *testing.T) {
	st := openStore(t)
	commitEvents(t, st, []string{"a"}, 0, 5)
	if err := st.Commit(state.Commit{Input: "i", Sinks: []string{"a"}, Batches: []state.Batch{{Events: 1, Data: []byte("garbage")}}}); err != nil {
		t.Fatal(err)
	}
	commitEvents(t, st, []string{"a"}, 5, 5)
	obs := &countingObserver{}
	s := &recSink{}
	l := newLoop(t, st, "a", s)
	counted := sink.CountDeadLetters(obs)
	l.Observer, l.DeadLettered, l.DeadLetters = obs, counted, sink.NewDeadLetters(t.TempDir(), "a", nil, counted)
	stop := make(chan struct{})
	close(stop)
	if err := l.Run(context.Background(), stop); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, s.delivered(), 10)
	if obs.sent != 10 || obs.dead != 1 || obs.failed != 1 {
		t.Errorf("observed sent %d, dead letters %d, failures %d; want 10, 1 (the entry set aside), 1", obs.sent, obs.dead, obs.failed)
	}
}

func TestNilDeadLetterCount(t *testing.T) {
	var c *sink.DeadLetterCount
	c.DeadLetter("a", 3) // a loop without one must not panic
	if c.Total() != 0 {
		t.Fatal("a nil count counted")
	}
}
