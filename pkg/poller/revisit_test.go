// Tests of revisits: only records whose counts changed are sent again, with a
// higher revision, until the window settles or ages out; the spacing doubles
// up to 6h; a failing revisit blocks no new window; a pass and the list are
// bounded; Run revisits when due; and records of one identity are numbered
// and matched by ordinal.

package poller

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
)

var w0 = serapi.Window{Start: hour(0), End: hour(1)}

func TestRevisitResendsOnlyChangedRecordsUntilSettled(t *testing.T) {
	clk := &clock{t: hour(2).Add(10 * time.Minute)}
	f := &scriptFetcher{answer: func(w serapi.Window, before int) (*serapi.Report, error) {
		if w.Start != w0.Start {
			return nil, nil
		}
		if before == 0 {
			return report(rec("app", "A", 10, 0, 0), rec("app", "B", 5, 2, 0)), nil
		}
		return report(rec("app", "A", 10, 0, 0), rec("app", "B", 7, 0, 0)), nil // B's tempFailure became success
	}}
	p, st := newRevisitPoller(t, f, clk)
	if n := catchUp(t, p); n != 2 {
		t.Fatalf("committed %d windows, want 2", n)
	}
	first, _ := byType(take(t, st))
	infos := listed(t, st)
	if len(infos) != 1 || infos[0].Start != w0.Start || infos[0].Records != 2 || !infos[0].Due.Equal(clk.Now().Add(5*time.Minute)) {
		t.Fatalf("revisit list %+v, want only window 0 (the settled window 1 never goes on it), due one interval later", infos)
	}

	clk.advance(4 * time.Minute) // not due yet
	catchUp(t, p)
	if n := f.fetches(w0.Start); n != 1 || len(take(t, st)) != 0 {
		t.Fatalf("window fetched %d times before it was due", n)
	}

	clk.advance(time.Minute)
	catchUp(t, p)
	evs := take(t, st)
	if len(evs) != 2 || evs[1].Type() != event.TypeWindow {
		t.Fatalf("revisit sent %d events, want B and then the window event: %v", len(evs), evs)
	}
	settled := report(rec("app", "A", 10, 0, 0), rec("app", "B", 7, 0, 0))
	b := settled.Users.At(1)
	wantB := event.FromRecord("acme", w0, &b, &settled.Entitlement, 1)
	wantW := event.FromWindowRecords("acme", w0, settled.Users, &settled.Entitlement, 1)
	if got, want := string(evs[0].AppendJSON(nil)), string(wantB.AppendJSON(nil)); got != want {
		t.Fatalf("re-sent record:\n got %s\nwant %s", got, want)
	}
	if b := first["B"]; evs[0].ID() != b.ID() {
		t.Fatal("the re-sent record changed its eventId")
	}
	if got, want := string(evs[1].AppendJSON(nil)), string(wantW.AppendJSON(nil)); got != want {
		t.Fatalf("re-sent window event:\n got %s\nwant %s", got, want)
	}
	if len(listed(t, st)) != 0 {
		t.Fatal("a settled window stayed on the revisit list")
	}
	if cur, _, _ := st.Cursor("acme"); !cur.Equal(hour(2)) {
		t.Fatalf("a revisit moved the cursor to %s", cur)
	}

	clk.advance(30 * time.Hour)
	catchUp(t, p)
	for _, e := range take(t, st) {
		if e.Str(event.KeyWindowStart) == event.FormatTime(w0.Start) {
			t.Fatalf("settled window sent again: %v", e)
		}
	}
	if n := f.fetches(w0.Start); n != 2 {
		t.Fatalf("settled window fetched %d times, want 2", n)
	}
}

func TestRevisitRevisionsFollowChanges(t *testing.T) {
	// Window 0 as answered on each fetch, and what each revisit must send:
	// record name → revision, and the window event's revision (-1: none).
	steps := []struct {
		name    string
		answer  *serapi.Report
		records map[string]int64
		window  int64
		listed  bool
	}{
		{"first fetch", report(rec("app", "B", 5, 2, 0)), map[string]int64{"B": 0}, 0, true},
		{"a record appears only on a revisit", report(rec("app", "B", 5, 2, 0), rec("app", "C", 3, 0, 0)), map[string]int64{"C": 0}, 1, true},
		{"nothing changed", report(rec("app", "B", 5, 2, 0), rec("app", "C", 3, 0, 0)), map[string]int64{}, -1, true},
		{"still unsettled but changed", report(rec("app", "B", 6, 1, 0), rec("app", "C", 3, 0, 0)), map[string]int64{"B": 1}, 2, true},
		{"in progress only", report(rec("app", "B", 6, 0, 1), rec("app", "C", 3, 0, 0)), map[string]int64{"B": 2}, 3, true},
		{"settled", report(rec("app", "B", 7, 0, 0), rec("app", "C", 3, 0, 0)), map[string]int64{"B": 3}, 4, false},
	}
	var step atomic.Int64
	clk := &clock{t: hour(1).Add(10 * time.Minute)}
	f := &scriptFetcher{answer: func(w serapi.Window, _ int) (*serapi.Report, error) {
		if w.Start != w0.Start {
			return nil, nil
		}
		return steps[step.Load()].answer, nil
	}}
	p, st := newRevisitPoller(t, f, clk)
	ids := map[string]string{}
	for i, s := range steps {
		step.Store(int64(i))
		if i > 0 {
			clk.set(listed(t, st)[0].Due)
		}
		catchUp(t, p)
		recs, windows := byType(inWindow(take(t, st), w0))
		if len(recs) != len(s.records) {
			t.Fatalf("%s: sent %d records %v, want %v", s.name, len(recs), recs, s.records)
		}
		for name, rev := range s.records {
			e, ok := recs[name]
			if !ok || e.Revision() != rev {
				t.Fatalf("%s: record %s sent=%v revision %d, want %d", s.name, name, ok, e.Revision(), rev)
			}
			if id, seen := ids[name]; seen && id != e.ID() {
				t.Fatalf("%s: record %s changed its eventId", s.name, name)
			}
			ids[name] = e.ID()
		}
		we, ok := windows[event.FormatTime(w0.Start)]
		if (s.window >= 0) != ok || ok && we.Revision() != s.window {
			t.Fatalf("%s: window event sent=%v revision %d, want %d", s.name, ok, we.Revision(), s.window)
		}
		if got := len(listed(t, st)) == 1; got != s.listed {
			t.Fatalf("%s: listed=%v, want %v", s.name, got, s.listed)
		}
	}
}

func TestRevisitSpacingDoublesAndCapsAt6h(t *testing.T) {
	clk := &clock{t: hour(1).Add(10 * time.Minute)}
	f := &scriptFetcher{answer: func(w serapi.Window, _ int) (*serapi.Report, error) {
		if w.Start != w0.Start {
			return nil, nil
		}
		return report(rec("app", "B", 5, 2, 0)), nil // never settles
	}}
	p, st := newRevisitPoller(t, f, clk)
	catchUp(t, p)
	take(t, st)
	last := clk.Now()
	want := 5 * time.Minute
	for k := range 12 {
		infos := listed(t, st)
		if len(infos) != 1 || infos[0].Attempts != k {
			t.Fatalf("revisit %d: list %+v", k, infos)
		}
		if got := infos[0].Due.Sub(last); got != want {
			t.Fatalf("revisit %d due %s after the last fetch, want %s", k, got, want)
		}
		clk.set(infos[0].Due.Add(-time.Second))
		catchUp(t, p)
		if n := f.fetches(w0.Start); n != k+1 {
			t.Fatalf("revisit %d: window fetched %d times a second before it was due", k, n)
		}
		clk.set(infos[0].Due)
		catchUp(t, p)
		if n := f.fetches(w0.Start); n != k+2 {
			t.Fatalf("revisit %d: window fetched %d times when due, want %d", k, n, k+2)
		}
		for _, e := range take(t, st) {
			if e.Str(event.KeyWindowStart) == event.FormatTime(w0.Start) {
				t.Fatalf("revisit %d re-sent an unchanged event: %v", k, e)
			}
		}
		last = clk.Now()
		want = min(2*want, 6*time.Hour)
	}
	if want != 6*time.Hour {
		t.Fatalf("spacing reached only %s", want)
	}
}

func TestRevisitUnsettledWindowAgesOut(t *testing.T) {
	clk := &clock{t: hour(1).Add(10 * time.Minute)}
	var fetchedAt []time.Time
	f := &scriptFetcher{answer: func(w serapi.Window, _ int) (*serapi.Report, error) {
		if w.Start != w0.Start {
			return nil, nil
		}
		fetchedAt = append(fetchedAt, clk.Now())
		return report(rec("app", "B", 5, 2, 0)), nil
	}}
	p, st := newRevisitPoller(t, f, clk)
	p.Input.Revisit = 3 * time.Hour
	catchUp(t, p)
	for i := 0; len(listed(t, st)) > 0; i++ {
		if i > 20 {
			t.Fatal("the window never left the revisit list")
		}
		clk.set(listed(t, st)[0].Due)
		catchUp(t, p)
	}
	if len(fetchedAt) < 3 {
		t.Fatalf("window fetched only %d times before it aged out", len(fetchedAt))
	}
	for _, at := range fetchedAt {
		if at.Sub(w0.End) >= p.Input.Revisit {
			t.Fatalf("window fetched at %s, older than revisit", at)
		}
	}
	n := f.fetches(w0.Start)
	clk.advance(48 * time.Hour)
	catchUp(t, p)
	if f.fetches(w0.Start) != n {
		t.Fatal("an aged-out window was fetched again")
	}
}

func TestRevisitFailureDoesNotBlockNewWindows(t *testing.T) {
	var healed atomic.Bool
	clk := &clock{t: hour(1).Add(10 * time.Minute)}
	f := &scriptFetcher{answer: func(w serapi.Window, before int) (*serapi.Report, error) {
		switch {
		case w.Start != w0.Start:
			return nil, nil
		case before == 0:
			return report(rec("app", "B", 5, 2, 0)), nil
		case !healed.Load():
			return nil, errors.New("simulated outage")
		}
		return report(rec("app", "B", 7, 0, 0)), nil
	}}
	p, st := newRevisitPoller(t, f, clk)
	catchUp(t, p)
	take(t, st)
	clk.set(hour(3).Add(10 * time.Minute)) // the revisit is due, and two new windows
	if n := catchUp(t, p); n != 2 {
		t.Fatalf("with a failing revisit, %d new windows committed, want 2", n)
	}
	if cur, _, _ := st.Cursor("acme"); !cur.Equal(hour(3)) {
		t.Fatalf("cursor %s, want 03:00", cur)
	}
	if _, windows := byType(take(t, st)); len(windows) != 2 {
		t.Fatalf("window events %v, want those of the two new windows only", windows)
	}
	infos := listed(t, st)
	if f.fetches(w0.Start) != 2 || len(infos) != 1 || infos[0].Attempts != 1 || !infos[0].Due.Equal(clk.Now().Add(10*time.Minute)) {
		t.Fatalf("after a failed revisit: %d fetches, list %+v; want it kept, due 2 intervals later", f.fetches(w0.Start), infos)
	}
	catchUp(t, p) // not due again yet
	if f.fetches(w0.Start) != 2 {
		t.Fatal("a failed revisit was retried before its next due time")
	}
	healed.Store(true)
	clk.set(infos[0].Due)
	catchUp(t, p)
	recs, _ := byType(take(t, st))
	if recs["B"].Revision() != 1 || len(listed(t, st)) != 0 {
		t.Fatalf("after recovery: sent %v, list %v", recs, listed(t, st))
	}
}

func TestRevisitPassIsBounded(t *testing.T) {
	clk := &clock{t: hour(5).Add(10 * time.Minute)}
	f := &scriptFetcher{answer: func(w serapi.Window, _ int) (*serapi.Report, error) {
		return report(rec("app", "B", 5, 2, 0)), nil
	}}
	p, st := newRevisitPoller(t, f, clk)
	p.RevisitsPerPass = 2
	catchUp(t, p)
	if n := len(listed(t, st)); n != 5 {
		t.Fatalf("%d windows listed, want 5", n)
	}
	clk.advance(5 * time.Minute) // all five due at once
	for pass, want := range [][]int{{0, 1}, {2, 3}, {4}, {}} {
		before := map[int]int{}
		for h := range 5 {
			before[h] = f.fetches(hour(h))
		}
		catchUp(t, p)
		var got []int
		for h := range 5 {
			if f.fetches(hour(h)) > before[h] {
				got = append(got, h)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("pass %d revisited windows %v, want %v", pass, got, want)
		}
	}
}

func TestRevisitListEntries(t *testing.T) {
	unsettled := func(serapi.Window, int) (*serapi.Report, error) { return report(rec("app", "B", 5, 2, 0)), nil }
	tests := []struct {
		name    string
		revisit time.Duration
		window  time.Duration
		now     time.Time
		want    []time.Time // listed window starts
	}{
		{"off", 0, time.Hour, hour(3).Add(10 * time.Minute), nil},
		{"only windows younger than revisit", 2 * time.Hour, time.Hour, hour(5).Add(10 * time.Minute), []time.Time{hour(3), hour(4)}},
		{"all", 168 * time.Hour, time.Hour, hour(3).Add(10 * time.Minute), []time.Time{hour(0), hour(1), hour(2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := &clock{t: tc.now}
			p, st := newRevisitPoller(t, &scriptFetcher{answer: unsettled}, clk)
			p.Input.Revisit, p.Input.Window = tc.revisit, tc.window
			catchUp(t, p)
			infos := listed(t, st)
			var got []time.Time
			for _, in := range infos {
				got = append(got, in.Start)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("listed %v, want %v", got, tc.want)
			}
			// A backfill never adds to the list.
			if _, err := p.Backfill(t.Context(), hour(-5), hour(-1), nil); err != nil {
				t.Fatal(err)
			}
			if n := len(listed(t, st)); n != len(tc.want) {
				t.Fatalf("backfill changed the list to %d entries", n)
			}
		})
	}
}

func TestRevisitListIsBounded(t *testing.T) {
	clk := &clock{t: hour(2).Add(10 * time.Minute)}
	p, st := newRevisitPoller(t, &scriptFetcher{answer: func(serapi.Window, int) (*serapi.Report, error) {
		return report(rec("app", "B", 5, 2, 0)), nil
	}}, clk)
	p.Input.Window, p.Input.Revisit = 15*time.Minute, 2*time.Hour
	catchUp(t, p)
	if n := len(listed(t, st)); n != 8 {
		t.Fatalf("%d windows listed, want 8", n)
	}
	// The window grows to 1h: revisit/window allows 2 + 2 entries.
	p.Input.Window = time.Hour
	clk.advance(time.Minute)
	catchUp(t, p)
	infos := listed(t, st)
	if len(infos) != 4 || !infos[0].Start.Equal(hour(1)) {
		t.Fatalf("list after the window grew: %+v, want the newest 4 from 01:00", infos)
	}
}

func TestRunRevisitsWhenDue(t *testing.T) {
	start := time.Now().UTC().Truncate(time.Hour).Add(-2 * time.Hour)
	f := &scriptFetcher{answer: func(w serapi.Window, before int) (*serapi.Report, error) {
		if !w.Start.Equal(start) {
			return nil, nil
		}
		if before == 0 {
			return report(rec("app", "B", 5, 2, 0)), nil
		}
		return report(rec("app", "B", 7, 0, 0)), nil
	}}
	p, st := newRevisitPoller(t, f, &clock{})
	p.Now = time.Now
	p.Input.Start, p.Input.Delay, p.Input.Interval = start, 0, 50*time.Millisecond
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for f.fetches(start) < 2 || len(listed(t, st)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the daemon did not revisit: %d fetches, list %+v", f.fetches(start), listed(t, st))
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	recs, _ := byType(inWindow(take(t, st), serapi.Window{Start: start}))
	if b := recs["B"]; b == nil || b.Revision() != 1 || b.IntValue("tempFailure") != 0 {
		t.Fatalf("the daemon's revisit sent %v, want B at revision 1 with settled counts", recs)
	}
}

// TestDuplicateIdentitiesAreNumberedAndRevisitedByOrdinal: two records of one
// answer with the same identity get distinct eventIds (SPEC §4 ordinals),
// and a revisit matches them by identity and ordinal.
func TestDuplicateIdentitiesAreNumberedAndRevisitedByOrdinal(t *testing.T) {
	clk := &clock{t: hour(1).Add(10 * time.Minute)}
	f := &scriptFetcher{answer: func(w serapi.Window, before int) (*serapi.Report, error) {
		if w.Start != w0.Start {
			return nil, nil
		}
		if before == 0 {
			return report(rec("app", "B", 5, 2, 0), rec("app", "B", 1, 1, 0)), nil
		}
		return report(rec("app", "B", 5, 2, 0), rec("app", "B", 2, 0, 0)), nil // only the second one changed
	}}
	p, st := newRevisitPoller(t, f, clk)
	catchUp(t, p)
	b := rec("app", "B", 0, 0, 0)
	first, second := event.RecordIDOrdinal("acme", w0.Start, &b, 1), event.RecordIDOrdinal("acme", w0.Start, &b, 2)
	var got []string
	for _, e := range inWindow(take(t, st), w0) {
		if e.Type() == event.TypeApplicationUser {
			if e.Revision() != 0 {
				t.Fatalf("first fetch sent revision %d", e.Revision())
			}
			got = append(got, fmt.Sprintf("%s/%d", e.ID(), e.IntValue("success")))
		}
	}
	if want := []string{first + "/5", second + "/1"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("first fetch sent %v, want %v", got, want)
	}
	if infos := listed(t, st); len(infos) != 1 || infos[0].Records != 2 {
		t.Fatalf("revisit list %+v, want window 0 with 2 records", infos)
	}
	clk.set(listed(t, st)[0].Due)
	catchUp(t, p)
	evs := inWindow(take(t, st), w0)
	if len(evs) != 2 || evs[0].ID() != second || evs[0].Revision() != 1 || evs[0].IntValue("success") != 2 || evs[1].Type() != event.TypeWindow {
		t.Fatalf("revisit sent %v, want the second B (eventId %s) at revision 1, then the window event", evs, second)
	}
}
