// A destination's error text is bounded where the delivery loop logs it and
// hands it to its observer, whatever its length; the error's class is kept.

package sink_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

// maxShown is the most bytes of error text a log line or the observer may
// carry: the 1 KiB kept plus a short marker.
const maxShown = 1024 + 64

var errHuge = errors.New("broker says: " + strings.Repeat("A", 100_000))

// hugeErrorSink refuses its first Write with a 100 KB error, marked
// Permanent, and takes the rest.
type hugeErrorSink struct{ calls, took int }

func (s *hugeErrorSink) Write(_ context.Context, evs []event.Event) error {
	if s.calls++; s.calls == 1 {
		return sink.Permanent(fmt.Errorf("kafka: 3 of 3 records refused: %w", errHuge))
	}
	s.took += len(evs)
	return nil
}

func (s *hugeErrorSink) Close(context.Context) error { return nil }

func TestLoopBoundsErrorText(t *testing.T) {
	st := openStore(t)
	commitEvents(t, st, []string{"a"}, 0, 3)
	obs := &countingObserver{}
	s := &hugeErrorSink{}
	core, logs := observer.New(zapcore.DebugLevel)
	l := newLoop(t, st, "a", s)
	l.Observer, l.Logger = obs, zap.New(core)
	stop := make(chan struct{})
	close(stop)
	if err := l.Run(context.Background(), stop); err != nil {
		t.Fatal(err)
	}
	if s.took != 3 || obs.sent != 3 {
		t.Fatalf("sink took %d, loop counted %d sent; want 3, 3", s.took, obs.sent)
	}
	got := obs.lastFailure
	if got == nil || len(got.Error()) > maxShown {
		t.Fatalf("observed failure is %d bytes, want at most %d", len(fmt.Sprint(got)), maxShown)
	}
	if !strings.HasPrefix(got.Error(), "kafka: 3 of 3 records refused: broker says: AAAA") || !strings.Contains(got.Error(), "cut") {
		t.Errorf("observed failure does not keep the start and mark the cut: %.80q … %q", got.Error(), got.Error()[max(len(got.Error())-40, 0):])
	}
	if !errors.Is(got, errHuge) || !sink.IsPermanent(got) {
		t.Errorf("the bounded error lost its cause or class: Is %v, Permanent %v", errors.Is(got, errHuge), sink.IsPermanent(got))
	}
	refused := logs.FilterMessageSnippet("sink refuses delivery").All()
	if len(refused) != 1 {
		t.Fatalf("%d 'sink refuses delivery' log lines, want 1 (the Permanent class kept)", len(refused))
	}
	for _, e := range logs.All() {
		for k, v := range e.ContextMap() {
			if s := fmt.Sprint(v); len(s) > maxShown {
				t.Errorf("log %q field %s holds %d bytes", e.Message, k, len(s))
			}
		}
	}
}

// problemRecorder keeps the last configuration problem reported.
type problemRecorder struct {
	sink.NopMetrics
	last error
}

func (p *problemRecorder) ConfigProblem(_ string, err error) { p.last = err }

func TestConfigProblemTextBounded(t *testing.T) {
	rec := &problemRecorder{}
	counted := sink.CountDeadLetters(rec)
	counted.ConfigProblem("a", sink.Permanent(errHuge))
	if rec.last == nil || len(rec.last.Error()) > maxShown {
		t.Fatalf("configuration problem is %d bytes, want at most %d", len(fmt.Sprint(rec.last)), maxShown)
	}
	if !errors.Is(rec.last, errHuge) || !sink.IsPermanent(rec.last) {
		t.Error("the bounded configuration problem lost its cause or class")
	}
	counted.ConfigProblem("a", nil)
	if rec.last != nil {
		t.Errorf("a nil problem became %v", rec.last)
	}
}
