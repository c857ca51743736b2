// End to end with counts that settle later: revisits deliver the settled
// counts with a higher revision.

package main

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// revisitE2E drives `serfwd once` against a simulator whose clock the test
// moves forward, so that windows settle exactly when the test says: the
// simulator settles a window at its end + SettleAfter by its own clock.
type revisitE2E struct {
	*e2eEnv
	offset  atomic.Int64 // the simulator's clock is now + offset
	windows []serapi.Window
	seen    int // output lines already checked
}

const revisitSettle = 24 * time.Hour

func newRevisitE2E(t *testing.T, hours int) *revisitE2E {
	r := &revisitE2E{}
	simNow := func() time.Time { return time.Now().Add(time.Duration(r.offset.Load())) }
	r.e2eEnv = newE2E(t, sersim.Options{SettleAfter: revisitSettle, RecordsPerWindow: 12, Now: simNow}, hours, "", "")
	data, err := os.ReadFile(r.cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Revisits due one second after a fetch, then 2s, 4s, …
	cfg := strings.Replace(string(data), "    interval: 1h\n", "    interval: 1s\n", 1)
	cfg = strings.Replace(cfg, "    revisit: 0s\n", "    revisit: 24h\n", 1)
	if err := os.WriteFile(r.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range hours {
		s := r.start.Add(time.Duration(i) * time.Hour)
		r.windows = append(r.windows, serapi.Window{Start: s, End: s.Add(time.Hour)})
	}
	return r
}

func (r *revisitE2E) simNow() time.Time { return time.Now().Add(time.Duration(r.offset.Load())) }

// settleUpTo moves the simulator's clock so that the windows ending at or
// before end are settled and the later ones are not (for the next 30 min).
func (r *revisitE2E) settleUpTo(end time.Time) {
	r.offset.Store(int64(revisitSettle - time.Since(end) + 30*time.Minute))
}

// once runs `serfwd once` and returns the new output lines of the test's
// windows (an hour that closes meanwhile adds a window the test ignores).
func (r *revisitE2E) once() []string {
	r.t.Helper()
	if code, _, stderr := r.run("once"); code != exitOK {
		r.t.Fatalf("once exited %d:\n%s", code, stderr)
	}
	all := r.outputLines()
	last := event.FormatTime(r.windows[len(r.windows)-1].Start)
	var out []string
	for _, l := range all[r.seen:] {
		if checkFields(r.t, l)["windowStart"].(string) <= last {
			out = append(out, l)
		}
	}
	r.seen = len(all)
	return out
}

// revisitsDue reads the revisit list from `checkpoint show --json`: when
// each listed window is next due.
func (r *revisitE2E) revisitsDue() []time.Time {
	r.t.Helper()
	code, stdout, stderr := r.run("checkpoint", "show", "--json")
	if code != exitOK {
		r.t.Fatalf("checkpoint show exited %d:\n%s", code, stderr)
	}
	var v struct {
		Inputs []struct {
			Name     string
			Revisits []struct {
				NextDue string `json:"next_due"`
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		r.t.Fatalf("checkpoint show --json: %v\n%s", err, stdout)
	}
	var due []time.Time
	for _, in := range v.Inputs {
		for _, rv := range in.Revisits {
			d, err := time.Parse(event.TimeLayout, rv.NextDue)
			if err != nil {
				r.t.Fatalf("next_due %q: %v", rv.NextDue, err)
			}
			due = append(due, d)
		}
	}
	return due
}

// waitRevisitsDue waits until every window on the revisit list is due, as
// the list in the state file says (the binary runs on the real clock).
func (r *revisitE2E) waitRevisitsDue() {
	r.t.Helper()
	due := r.revisitsDue()
	if len(due) == 0 {
		r.t.Fatal("the revisit list is empty; the scenario needs listed windows")
	}
	last := slices.MaxFunc(due, time.Time.Compare)
	time.Sleep(time.Until(last.Add(time.Millisecond))) // due times are whole milliseconds
}

// fetches counts the answered report requests per window start.
func (r *revisitE2E) fetches() map[time.Time]int {
	out := map[time.Time]int{}
	for _, q := range r.sim.Stats().Requests {
		if q.Status == 200 && !q.Window.Start.IsZero() {
			out[q.Window.Start.UTC()]++
		}
	}
	return out
}

// changes returns the lines a revisit must send for w when its answer moved
// from before to after: changed records at revision 1, new ones at 0, and
// the window event at revision 1 when its figures changed.
func changes(w serapi.Window, before, after *serapi.Report) []string {
	old := map[string]uint64{}
	var ob, oa event.Ordinals // records are matched by identity and ordinal
	for _, u := range before.Users.All() {
		old[event.RecordIDOrdinal("acme", w.Start, u, ob.Number("acme", w.Start, u))] = event.CountersHash(u)
	}
	var out []string
	for _, u := range after.Users.All() {
		n := oa.Number("acme", w.Start, u)
		h, ok := old[event.RecordIDOrdinal("acme", w.Start, u, n)]
		switch {
		case !ok:
			out = append(out, jsonLine(event.FromRecordOrdinal("acme", w, u, &after.Entitlement, 0, n)))
		case h != event.CountersHash(u):
			out = append(out, jsonLine(event.FromRecordOrdinal("acme", w, u, &after.Entitlement, 1, n)))
		}
	}
	if jsonLine(event.FromWindowRecords("acme", w, before.Users, &before.Entitlement, 1)) != jsonLine(event.FromWindowRecords("acme", w, after.Users, &after.Entitlement, 1)) {
		out = append(out, jsonLine(event.FromWindowRecords("acme", w, after.Users, &after.Entitlement, 1)))
	}
	return out
}

func jsonLine(e event.Event) string { return string(e.AppendJSON(nil)) }

func unsettled(rep *serapi.Report) bool {
	for _, u := range rep.Users.All() {
		if u.Unsettled() {
			return true
		}
	}
	return false
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("%s: got %d lines, want %d\n got %q\nwant %q", what, len(got), len(want), got, want)
	}
}

func TestE2ERevisitsDeliverSettledCounts(t *testing.T) {
	r := newRevisitE2E(t, 4)
	early, late := r.windows[:2], r.windows[2:] // settled after the first revisit / after the second
	unsettledRep := map[time.Time]serapi.Report{}
	var want []string
	for _, w := range r.windows {
		rep := r.sim.Expected(w, r.simNow())
		unsettledRep[w.Start] = rep
		for _, e := range event.FromReport("acme", w, &rep) {
			want = append(want, jsonLine(e))
		}
	}
	for _, ws := range [][]serapi.Window{early, late} {
		if !slices.ContainsFunc(ws, func(w serapi.Window) bool { rep := unsettledRep[w.Start]; return unsettled(&rep) }) {
			t.Fatalf("the simulator has no unsettled record in windows %v; the scenario needs some", ws)
		}
	}

	// 1. The first fetch delivers revision 0, tempFailure counts included.
	sameLines(t, "first once", r.once(), want)
	first := r.fetches()

	// 2. Once the revisits are due, the early windows have settled.
	r.waitRevisitsDue()
	r.settleUpTo(early[len(early)-1].End)
	want = nil
	for _, w := range early {
		before, after := unsettledRep[w.Start], r.sim.Expected(w, r.simNow())
		if unsettled(&after) {
			t.Fatalf("window %s did not settle in the simulator", w)
		}
		want = append(want, changes(w, &before, &after)...)
	}
	if len(want) == 0 {
		t.Fatal("settling changed nothing; the scenario needs changed records")
	}
	second := r.once()
	sameLines(t, "second once (early windows settled)", second, want)
	afterSecond := r.fetches()

	// 3. Once the late windows are due again, they have settled.
	r.waitRevisitsDue()
	r.settleUpTo(late[len(late)-1].End)
	want = nil
	for _, w := range late {
		before, after := unsettledRep[w.Start], r.sim.Expected(w, r.simNow())
		want = append(want, changes(w, &before, &after)...)
	}
	sameLines(t, "third once (late windows settled)", r.once(), want)
	afterThird := r.fetches()

	// 4. Nothing is left to revisit, now or later.
	if due := r.revisitsDue(); len(due) != 0 {
		t.Fatalf("windows left on the revisit list after they settled: %v", due)
	}
	if lines := r.once(); len(lines) != 0 {
		t.Fatalf("a settled window was sent again: %q", lines)
	}
	r.checkFetches(unsettledRep, first, afterSecond, afterThird, r.fetches())
	checkRevisionsKeepIDs(t, r.outputLines())
}

// checkFetches checks how often each window was fetched: once, plus one
// revisit per pass while it was unsettled, and never after it settled.
func (r *revisitE2E) checkFetches(unsettledRep map[time.Time]serapi.Report, runs ...map[time.Time]int) {
	r.t.Helper()
	for i, w := range r.windows {
		rep := unsettledRep[w.Start]
		listed := unsettled(&rep)
		want := []int{1, 1, 1, 1}
		switch {
		case listed && i < 2: // revisited once, then settled
			want = []int{1, 2, 2, 2}
		case listed: // revisited twice: unchanged, then settled
			want = []int{1, 2, 3, 3}
		}
		for run, fetched := range runs {
			if fetched[w.Start] != want[run] {
				r.t.Fatalf("window %s (unsettled at first: %v) fetched %d times after run %d, want %d", w, listed, fetched[w.Start], run+1, want[run])
			}
		}
	}
}

// checkRevisionsKeepIDs checks that every revision > 0 re-sends an eventId
// first sent at revision 0, and that settled records were sent once.
func checkRevisionsKeepIDs(t *testing.T, lines []string) {
	t.Helper()
	type sent struct {
		revisions []float64
		settled   bool
	}
	byID := map[string]*sent{}
	for _, l := range lines {
		m := checkFields(t, l)
		id := m["eventId"].(string)
		s := byID[id]
		if s == nil {
			s = &sent{settled: m["tempFailure"].(float64) == 0 && m["inProgress"].(float64) == 0}
			byID[id] = s
		}
		s.revisions = append(s.revisions, m["revision"].(float64))
	}
	for id, s := range byID {
		for i, rev := range s.revisions {
			if rev != float64(i) {
				t.Fatalf("eventId %s sent with revisions %v, want 0, 1, …", id, s.revisions)
			}
		}
		if s.settled && len(s.revisions) != 1 {
			t.Fatalf("eventId %s was settled at first and still sent %d times", id, len(s.revisions))
		}
	}
}
