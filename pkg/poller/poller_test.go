// Tests of planning and committing windows with fake fetchers: alignment and
// realignment, commits in order whatever order fetches end in, empty and
// failing windows, a cursor kept over a changed start or window length,
// backfill, a full queue pausing polling, cancellation, and a large window
// staged in parts.

package poller

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

var t0 = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// fakeFetcher answers each window with one record named after the window;
// delay and fail let a test shape completion order and failures.
type fakeFetcher struct {
	mu                    sync.Mutex
	calls                 []serapi.Window
	delay                 func(w serapi.Window) time.Duration
	fail                  func(w serapi.Window) bool
	empty                 func(w serapi.Window) bool
	inFlight, maxInFlight int
}

func (f *fakeFetcher) Report(ctx context.Context, w serapi.Window) (*serapi.Report, error) {
	f.mu.Lock()
	f.calls = append(f.calls, w)
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.inFlight--; f.mu.Unlock() }()
	if f.delay != nil {
		select {
		case <-time.After(f.delay(w)):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.fail != nil && f.fail(w) {
		return nil, errors.New("simulated failure")
	}
	if f.empty != nil && f.empty(w) {
		return &serapi.Report{}, nil
	}
	return &serapi.Report{Users: serapi.RecordsOf(serapi.Record{ApplicationName: "app", ApplicationUserName: w.Start.Format(time.RFC3339),
		Status: serapi.Status{Success: 1, Total: 1}})}, nil
}

func (f *fakeFetcher) windows() []serapi.Window {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]serapi.Window(nil), f.calls...)
}

type commitLog struct {
	mu sync.Mutex
	ws []serapi.Window
}

func (c *commitLog) Committed(_ string, w serapi.Window, _ int, _ bool) {
	c.mu.Lock()
	c.ws = append(c.ws, w)
	c.mu.Unlock()
}

func (c *commitLog) PollDone(string) {}

func newPoller(t *testing.T, st *state.Store, f Fetcher, now time.Time) (*Poller, *commitLog) {
	t.Helper()
	in := config.DefaultInput()
	in.Name = "acme"
	in.Window, in.Delay, in.Lookback, in.Concurrency = time.Hour, 10*time.Minute, 24*time.Hour, 4
	in.Sinks = []string{"a", "b"}
	log := &commitLog{}
	return New(Config{Input: in, Fetcher: f, Store: st, Logger: zaptest.NewLogger(t), Observer: log,
		Now: func() time.Time { return now }, RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond}), log
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

// checkContiguous fails unless ws are aligned to size, contiguous and
// start at from.
func checkContiguous(t *testing.T, ws []serapi.Window, from time.Time, size time.Duration) {
	t.Helper()
	for i, w := range ws {
		if !w.Start.Equal(from) {
			t.Fatalf("window %d starts at %s, want %s (gap or overlap)", i, w.Start, from)
		}
		if !w.End.Equal(w.End.Truncate(size)) || !w.End.After(w.Start) {
			t.Fatalf("window %d %s is not aligned to %s", i, w, size)
		}
		from = w.End
	}
}

func TestPlanAlignsAndRealigns(t *testing.T) {
	tests := []struct {
		name  string
		from  time.Time
		until time.Time
		size  time.Duration
		want  int
		first time.Duration // length of the first window
	}{
		{"aligned", t0, t0.Add(5 * time.Hour), time.Hour, 5, time.Hour},
		{"until mid-window stops before it", t0, t0.Add(5*time.Hour + 59*time.Minute), time.Hour, 5, time.Hour},
		{"unaligned cursor gives one short window", t0.Add(20 * time.Minute), t0.Add(3 * time.Hour), time.Hour, 3, 40 * time.Minute},
		{"smaller windows", t0, t0.Add(time.Hour), 15 * time.Minute, 4, 15 * time.Minute},
		{"nothing due", t0, t0.Add(59 * time.Minute), time.Hour, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws := plan(tc.from, tc.until, tc.size)
			if len(ws) != tc.want {
				t.Fatalf("got %d windows, want %d", len(ws), tc.want)
			}
			if len(ws) > 0 && ws[0].End.Sub(ws[0].Start) != tc.first {
				t.Fatalf("first window %s, want length %s", ws[0], tc.first)
			}
			checkContiguous(t, ws, tc.from, tc.size)
		})
	}
}

func TestOutOfOrderCompletionCommitsInOrder(t *testing.T) {
	st := openStore(t)
	now := t0.Add(24 * time.Hour)
	// Earlier windows answer slower, so later ones finish first.
	f := &fakeFetcher{delay: func(w serapi.Window) time.Duration {
		return time.Duration(24-w.Start.Sub(t0)/time.Hour) * 3 * time.Millisecond
	}}
	p, log := newPoller(t, st, f, now)
	p.Input.Start = t0
	n, err := p.CatchUp(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 23 { // windows ending by now - 10m: 00:00 … 23:00
		t.Fatalf("committed %d windows, want 23", n)
	}
	checkContiguous(t, log.ws, t0, time.Hour)
	if f.maxInFlight < 2 || f.maxInFlight > p.Input.Concurrency+1 {
		t.Fatalf("max windows in flight %d, want 2..%d", f.maxInFlight, p.Input.Concurrency+1)
	}
	cur, _, _ := st.Cursor("acme")
	if !cur.Equal(t0.Add(23 * time.Hour)) {
		t.Fatalf("cursor %s, want %s", cur, t0.Add(23*time.Hour))
	}
	// Events are queued in window order.
	entries, _ := st.Peek("a", 1<<30)
	var prev string
	for _, e := range entries {
		evs, err := state.DecodeBatch(e.Data)
		if err != nil {
			t.Fatal(err)
		}
		ws := evs[0].Str("windowStart")
		if ws < prev {
			t.Fatalf("queue out of order: %s after %s", ws, prev)
		}
		prev = ws
	}
	// A second pass fetches nothing already committed.
	before := len(f.windows())
	if n, err := p.CatchUp(context.Background()); err != nil || n != 0 {
		t.Fatalf("second catch-up: %d windows, %v", n, err)
	}
	if len(f.windows()) != before {
		t.Fatalf("second catch-up fetched %d windows again", len(f.windows())-before)
	}
}

func TestEmptyWindowAdvancesCursor(t *testing.T) {
	st := openStore(t)
	f := &fakeFetcher{empty: func(serapi.Window) bool { return true }}
	p, _ := newPoller(t, st, f, t0.Add(3*time.Hour+10*time.Minute))
	p.Input.Start = t0
	if n, err := p.CatchUp(context.Background()); err != nil || n != 3 {
		t.Fatalf("catch-up: %d windows, %v", n, err)
	}
	cur, _, _ := st.Cursor("acme")
	if !cur.Equal(t0.Add(3 * time.Hour)) {
		t.Fatalf("cursor %s after three empty windows", cur)
	}
	stat, _ := st.Stat("a")
	if stat.Events != 3 { // one ser.window event each
		t.Fatalf("queued %d events, want 3 ser.window events", stat.Events)
	}
}

func TestFailingWindowBlocksCursor(t *testing.T) {
	st := openStore(t)
	bad := t0.Add(2 * time.Hour)
	f := &fakeFetcher{fail: func(w serapi.Window) bool { return w.Start.Equal(bad) }}
	p, log := newPoller(t, st, f, t0.Add(6*time.Hour+10*time.Minute))
	p.Input.Start = t0
	p.MaxAttempts = 3
	_, err := p.CatchUp(context.Background())
	if err == nil {
		t.Fatal("catch-up past a failing window succeeded")
	}
	// One message: the input, attempts over time (the test's clock stands
	// still), the window once, the cause.
	want := `input "acme": gave up after 3 attempts over 0s on window ` + serapi.Window{Start: bad, End: bad.Add(time.Hour)}.String() + ": simulated failure"
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
	cur, _, _ := st.Cursor("acme")
	if !cur.Equal(bad) {
		t.Fatalf("cursor %s, want it held at the failing window %s", cur, bad)
	}
	if len(log.ws) != 2 {
		t.Fatalf("committed %d windows, want the 2 before the failing one", len(log.ws))
	}
	tries := 0
	for _, w := range f.windows() {
		if w.Start.Equal(bad) {
			tries++
		}
	}
	if tries != 3 {
		t.Fatalf("failing window fetched %d times, want 3", tries)
	}
	// Once it answers, the next pass resumes exactly there.
	f.mu.Lock()
	f.fail = nil
	f.mu.Unlock()
	if _, err := p.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkContiguous(t, log.ws, t0, time.Hour)
	if len(log.ws) != 6 {
		t.Fatalf("after recovery %d windows committed, want 6", len(log.ws))
	}
}

func TestCursorWinsOverChangedStartAndWindow(t *testing.T) {
	st := openStore(t)
	f := &fakeFetcher{}
	p, log := newPoller(t, st, f, t0.Add(4*time.Hour+10*time.Minute))
	p.Input.Start = t0
	if _, err := p.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Restart with another start and a 15m window: the cursor decides.
	p2, log2 := newPoller(t, st, f, t0.Add(5*time.Hour+10*time.Minute))
	p2.Input.Start = t0.Add(-48 * time.Hour)
	p2.Input.Window = 15 * time.Minute
	if _, err := p2.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	all := append(log.ws, log2.ws...)
	checkContiguous(t, all, t0, 15*time.Minute)
	if len(log2.ws) != 7 { // 04:00 … 05:45 in 15m windows ending by 05:00
		t.Logf("windows after restart: %v", log2.ws)
	}
	if last := all[len(all)-1]; !last.End.Equal(t0.Add(5 * time.Hour)) {
		t.Fatalf("last window %s, want it to end at 05:00", last)
	}
}

func TestStartSnapsDownAndLookback(t *testing.T) {
	st := openStore(t)
	f := &fakeFetcher{}
	now := t0.Add(10*time.Hour + 30*time.Minute)
	p, log := newPoller(t, st, f, now)
	p.Input.Lookback = 3 * time.Hour
	if _, err := p.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkContiguous(t, log.ws, t0.Add(7*time.Hour), time.Hour)
	if len(log.ws) != 3 {
		t.Fatalf("lookback 3h from 10:30: %d windows, want 3", len(log.ws))
	}

	st2 := openStore(t)
	p2, log2 := newPoller(t, st2, f, now)
	p2.Input.Start = t0.Add(8*time.Hour + 20*time.Minute)
	if _, err := p2.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkContiguous(t, log2.ws, t0.Add(8*time.Hour), time.Hour)
}

func TestBackfillLeavesCursor(t *testing.T) {
	st := openStore(t)
	f := &fakeFetcher{}
	p, _ := newPoller(t, st, f, t0.Add(30*time.Hour))
	p.Input.Start = t0.Add(24 * time.Hour)
	if _, err := p.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	before, _, _ := st.Cursor("acme")
	var last int
	n, err := p.Backfill(context.Background(), t0.Add(2*time.Hour+5*time.Minute), t0.Add(5*time.Hour+1*time.Minute), func(done, total int) { last = total })
	if err != nil || n != 4 || last != 4 {
		t.Fatalf("backfill 02:05..05:01: %d windows (progress total %d), %v; want 4", n, last, err)
	}
	after, _, _ := st.Cursor("acme")
	if !after.Equal(before) {
		t.Fatalf("backfill moved the cursor from %s to %s", before, after)
	}
}

func TestFullQueuePausesPolling(t *testing.T) {
	st := openStore(t)
	f := &fakeFetcher{}
	p, log := newPoller(t, st, f, t0.Add(6*time.Hour+10*time.Minute))
	p.Input.Start = t0
	p.Input.Concurrency = 1
	p.MaxQueueBytes = 1 // the first queued window fills it
	// An event is queued already: the poller pauses before its first fetch.
	var ev event.Event
	ev.AddString(event.KeyEventType, "queued.before")
	enc := state.NewEncoder(0)
	enc.Add(&ev)
	queued, _ := enc.Finish()
	if err := st.Commit(state.Commit{Input: "other", Sinks: []string{"a"}, Batches: queued}); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		log.mu.Lock()
		defer log.mu.Unlock()
		return len(log.ws)
	}
	// Each time the poller finds the queue full it reports, from the
	// goroutine that would start the next fetch, how far it got; the test
	// then drains the queues as a delivery loop would.
	type pause struct{ committed, fetched int }
	paused := make(chan pause)
	resume := make(chan struct{})
	committed := func() int { // from the cursor, which moves in the commit's own transaction
		cur, ok, _ := st.Cursor("acme")
		if !ok {
			return 0
		}
		return int(cur.Sub(t0) / time.Hour)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.onPause = func(string) {
		select {
		case paused <- pause{committed(), len(f.windows())}:
			<-resume
		case <-ctx.Done():
		}
	}
	done := make(chan error, 1)
	go func() { _, err := p.CatchUp(ctx); done <- err }()
	defer func() { cancel(); close(resume); <-done }() // on failure too, before the test's logger goes

	pauses := 0
	for {
		var at pause
		select {
		case at = <-paused:
		case err := <-done:
			done <- err // for the deferred wait
			if err != nil {
				t.Fatal(err)
			}
			// The first pause is before the first fetch; whether the poller
			// finds the queue full again after a drain depends on whether
			// the window in flight was committed before it looked.
			if pauses < 1 || count() != 6 {
				t.Fatalf("%d windows committed with %d pauses; want 6, with the poller pausing while the queue was full", count(), pauses)
			}
			checkContiguous(t, log.ws, t0, time.Hour)
			return
		}
		pauses++
		// While paused, no fetch starts: only windows already fetched (at
		// most concurrency + 1 are in flight beside the committed ones) may
		// commit.
		if at.fetched > at.committed+p.Input.Concurrency+1 {
			t.Fatalf("pause %d: %d windows fetched but only %d committed: fetches went on while the queue was full", pauses, at.fetched, at.committed)
		}
		if got := len(f.windows()); got != at.fetched {
			t.Fatalf("pause %d: %d fetches started while the poller was paused", pauses, got-at.fetched)
		}
		for _, s := range []string{"a", "b"} {
			if es, _ := st.Peek(s, 1<<20); len(es) > 0 {
				if err := st.Ack(s, es); err != nil {
					t.Fatal(err)
				}
			}
		}
		resume <- struct{}{}
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	st := openStore(t)
	f := &fakeFetcher{}
	p, _ := newPoller(t, st, f, t0.Add(2*time.Hour+10*time.Minute))
	p.Input.Start = t0
	p.Input.Interval = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	for len(f.windows()) < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
}

// bigFetcher answers one window with many records and the others with one.
type bigFetcher struct {
	big     time.Time
	records int
}

func (f *bigFetcher) Report(_ context.Context, w serapi.Window) (*serapi.Report, error) {
	n := 1
	if w.Start.Equal(f.big) {
		n = f.records
	}
	var users serapi.Records
	for i := 0; i < n; i++ {
		users.Append(&serapi.Record{ApplicationName: "app", ApplicationUserName: fmt.Sprintf("%s-%d", w.Start.Format(time.RFC3339), i),
			Status: serapi.Status{Success: int64(i), Total: int64(i)}})
	}
	return &serapi.Report{Users: users}, nil
}

func TestLargeWindowIsCommittedStagedAndInOrder(t *testing.T) {
	st := openStore(t)
	big := t0.Add(2 * time.Hour)
	p, log := newPoller(t, st, &bigFetcher{big: big, records: 12_345}, t0.Add(5*time.Hour+10*time.Minute))
	p.Input.Start = t0
	if _, err := p.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkContiguous(t, log.ws, t0, time.Hour)
	if len(log.ws) != 5 {
		t.Fatalf("%d windows committed, want 5", len(log.ws))
	}
	stat, _ := st.Stat("a")
	want := int64(4*2 + 12_345 + 1) // four small windows (record + window event) and the big one
	if stat.Events != want {
		t.Fatalf("queue holds %d events, want %d", stat.Events, want)
	}
	entries, _ := st.Peek("a", 1<<30)
	var prev string
	n := 0
	for _, e := range entries {
		evs, err := state.DecodeBatch(e.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ws := ev.Str("windowStart"); ws < prev {
				t.Fatalf("queue out of order: %s after %s", ws, prev)
			} else {
				prev = ws
			}
			n++
		}
	}
	if int64(n) != want {
		t.Fatalf("delivery sees %d events, want %d", n, want)
	}
}
