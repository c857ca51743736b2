// Tests of streamed fetches: a restarted answer forgets what its first
// attempt saw, and failed or cancelled fetches leave nothing staged in the
// state file.

package poller

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// streamFetcher streams n records a window (enough to be staged in parts)
// as *serapi.Client does. script may change what a fetch does: it gets the
// window and how often it was fetched before, and returns an error to end
// the fetch with after half the records (restart: true restarts first, as
// the client does after an unusable body).
type streamFetcher struct {
	n      int
	mu     sync.Mutex
	calls  map[time.Time]int
	script func(w serapi.Window, before int) (err error, restart bool)
	after  func(w serapi.Window, i int) // called after record i of a window was handed over
}

func (f *streamFetcher) Report(context.Context, serapi.Window) (*serapi.Report, error) {
	panic("the poller must stream from a Streamer")
}

func (f *streamFetcher) Stream(ctx context.Context, w serapi.Window, h serapi.StreamHandler) error {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[time.Time]int{}
	}
	before := f.calls[w.Start]
	f.calls[w.Start]++
	f.mu.Unlock()
	var fail error
	var restart bool
	if f.script != nil {
		fail, restart = f.script(w, before)
	}
	if restart {
		if err := f.records(ctx, w, h, f.n/2, "unusable"); err != nil {
			return err
		}
		if err := h.Restart(); err != nil {
			return err
		}
	}
	count := f.n
	if fail != nil {
		count = f.n / 2
	}
	if err := f.records(ctx, w, h, count, "user"); err != nil {
		return err
	}
	if fail != nil {
		return fail
	}
	return h.Entitlement(serapi.Entitlement{AnnualThroughput: 7})
}

func (f *streamFetcher) records(ctx context.Context, w serapi.Window, h serapi.Handler, n int, prefix string) error {
	for i := range n {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r := serapi.RawRecord{ApplicationName: []byte("app"), ApplicationUserName: fmt.Appendf(nil, "%s-%s-%d", prefix, w.Start.Format(time.RFC3339), i),
			FromEnvelope: [][]byte{fmt.Appendf(nil, "bounce-%d@example.com", i)}, Status: serapi.Status{Success: int64(i), Total: int64(i)}}
		if err := h.Record(&r); err != nil {
			return err
		}
		if f.after != nil {
			f.after(w, i)
		}
	}
	return nil
}

// noneStaged fails unless nothing is left staged in st.
func noneStaged(t *testing.T, st *state.Store) {
	t.Helper()
	if n, err := st.Staged(); err != nil || n != 0 {
		t.Fatalf("%d batches left staged (%v)", n, err)
	}
}

func TestRestartedFetchForgetsTheFirstAnswer(t *testing.T) {
	st := openStore(t)
	f := &streamFetcher{n: 30_000, script: func(_ serapi.Window, before int) (error, bool) { return nil, before == 0 }}
	p, _ := newPoller(t, st, f, t0.Add(2*time.Hour+10*time.Minute))
	p.Input.Start = t0
	if _, err := p.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	noneStaged(t, st)
	evs := take(t, st)
	if len(evs) != 2*(30_000+1) {
		t.Fatalf("%d events queued, want the 2 × 30,001 of the second answers", len(evs))
	}
	for _, e := range evs {
		if u := e.Str("applicationUserName"); len(u) > 8 && u[:8] == "unusable" {
			t.Fatalf("an event of the unusable first answer was queued: %s", u)
		}
		if e.IntValue("annualThroughput") != 7 {
			t.Fatalf("event without the window's entitlement: %v", e)
		}
	}
}

func TestFailedFetchesLeaveNothingStaged(t *testing.T) {
	st := openStore(t)
	bad := t0.Add(time.Hour)
	f := &streamFetcher{n: 30_000, script: func(w serapi.Window, _ int) (error, bool) {
		if w.Start.Equal(bad) {
			return errors.New("connection reset half-way"), false
		}
		return nil, false
	}}
	p, log := newPoller(t, st, f, t0.Add(5*time.Hour+10*time.Minute))
	p.Input.Start, p.MaxAttempts = t0, 2
	if _, err := p.CatchUp(context.Background()); err == nil {
		t.Fatal("catch-up past a failing window succeeded")
	}
	// Window 0 is committed; window 1 failed after staging part of its
	// records; windows 2 to 4 were fetched (and staged) meanwhile but may
	// not be committed before it: all of that is let go.
	if len(log.ws) != 1 {
		t.Fatalf("%d windows committed, want 1", len(log.ws))
	}
	noneStaged(t, st)
	if cur, _, _ := st.Cursor("acme"); !cur.Equal(bad) {
		t.Fatalf("cursor %s, want %s", cur, bad)
	}
}

func TestCancelledCatchUpLeavesNothingStaged(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	f := &streamFetcher{n: 30_000}
	f.after = func(w serapi.Window, i int) {
		if w.Start.Equal(t0) && i == 25_000 { // window 0 has staged twice by now
			if n, _ := st.Staged(); n == 0 {
				t.Error("nothing staged after 25,000 records")
			}
			cancel()
		}
	}
	p, _ := newPoller(t, st, f, t0.Add(8*time.Hour+10*time.Minute))
	p.Input.Start = t0
	if _, err := p.CatchUp(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("catch-up: %v, want it cancelled", err)
	}
	noneStaged(t, st)
	if cur, ok, _ := st.Cursor("acme"); ok {
		t.Fatalf("cursor moved to %s", cur)
	}
}
