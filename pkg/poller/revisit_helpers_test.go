// Helpers of the revisit tests: a settable clock, a fetcher answering from a
// script that may change between fetches, records and reports, a poller with
// revisits on, and readers of what was queued and what the revisit list
// holds.

package poller

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// clock is a settable clock shared by the poller's goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *clock) advance(d time.Duration) { c.set(c.Now().Add(d)) }

// scriptFetcher answers from a script that may change between fetches:
// answer gets the window and how often it was fetched before (0 = first).
// Windows the script leaves alone (nil, nil) get one settled record.
type scriptFetcher struct {
	mu     sync.Mutex
	calls  map[time.Time]int
	answer func(w serapi.Window, before int) (*serapi.Report, error)
}

func (f *scriptFetcher) Report(_ context.Context, w serapi.Window) (*serapi.Report, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[time.Time]int{}
	}
	before := f.calls[w.Start]
	f.calls[w.Start]++
	answer := f.answer
	f.mu.Unlock()
	if answer != nil {
		if rep, err := answer(w, before); rep != nil || err != nil {
			return rep, err
		}
	}
	return &serapi.Report{Users: serapi.RecordsOf(rec("other", w.Start.Format(time.RFC3339), 5, 0, 0))}, nil
}

// fetches is how often window start was fetched.
func (f *scriptFetcher) fetches(start time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[start]
}

// rec is a record with success, tempFailure and inProgress counts.
func rec(app, user string, success, temp, inProgress int64) serapi.Record {
	return serapi.Record{ApplicationName: app, ApplicationUserName: user, FromEnvelope: []string{"bounces@example.com"},
		Status:  serapi.Status{Success: success, TempFailure: temp, InProgress: inProgress, Total: success + temp + inProgress},
		Details: serapi.Details{DSN2xx: success, DSN4xx: temp}}
}

func report(recs ...serapi.Record) *serapi.Report {
	return &serapi.Report{Users: serapi.RecordsOf(recs...), Entitlement: serapi.Entitlement{AnnualThroughput: 1 << 40, LicenseStart: "2026-01-01T00:00:00.000Z"}}
}

// newRevisitPoller polls input "acme" from t0 in 1h windows (delay 10m,
// interval 5m, revisit 168h) into sink "a", on clk.
func newRevisitPoller(t *testing.T, f Fetcher, clk *clock) (*Poller, *state.Store) {
	t.Helper()
	st := openStore(t)
	in := config.DefaultInput()
	in.Name, in.Start = "acme", t0
	in.Window, in.Delay, in.Interval, in.Revisit, in.Concurrency = time.Hour, 10*time.Minute, 5*time.Minute, 168*time.Hour, 2
	in.Sinks = []string{"a"}
	return New(Config{Input: in, Fetcher: f, Store: st, Logger: zaptest.NewLogger(t), Now: clk.Now,
		RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond}), st
}

// catchUp runs one CatchUp and fails the test on error.
func catchUp(t *testing.T, p *Poller) int {
	t.Helper()
	n, err := p.CatchUp(context.Background())
	if err != nil {
		t.Fatalf("catch-up: %v", err)
	}
	return n
}

// take removes and returns everything queued for sink "a", in order.
func take(t *testing.T, st *state.Store) []event.Event {
	t.Helper()
	var out []event.Event
	for {
		entries, err := st.Peek("a", 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 {
			return out
		}
		for _, e := range entries {
			evs, err := state.DecodeBatch(e.Data)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, evs...)
		}
		if err := st.Ack("a", entries); err != nil {
			t.Fatal(err)
		}
	}
}

// byType splits events into records (by applicationUserName) and window
// events (by windowStart).
func byType(evs []event.Event) (recs, windows map[string]*event.Event) {
	recs, windows = map[string]*event.Event{}, map[string]*event.Event{}
	for i := range evs {
		e := &evs[i]
		if e.Type() == event.TypeWindow {
			windows[e.Str(event.KeyWindowStart)] = e
		} else {
			recs[e.Str("applicationUserName")] = e
		}
	}
	return recs, windows
}

// inWindow keeps the events of window w.
func inWindow(evs []event.Event, w serapi.Window) []event.Event {
	var out []event.Event
	for _, e := range evs {
		if e.Str(event.KeyWindowStart) == event.FormatTime(w.Start) {
			out = append(out, e)
		}
	}
	return out
}

func listed(t *testing.T, st *state.Store) []state.RevisitInfo {
	t.Helper()
	infos, err := st.RevisitInfos("acme")
	if err != nil {
		t.Fatal(err)
	}
	return infos
}

func hour(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
