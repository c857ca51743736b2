// Tests of windows whose records' texts collide through U+001F (one
// record's text is another's with an ordinal suffix): every record keeps an
// eventId of its own through the first fetch and its revisits, a revisit
// of an unchanged window sends nothing, an entry staged with two records
// under one eventId (as before) costs one re-send and no more, and the
// poller's id table numbers as event.Ordinals does, in memory and on disk.

package poller

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/idtable"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// textB is the identity text of rec("app", "B", …) in window 0, spelled
// out (SPEC §4); rec leaves fromHeader empty.
var textB = "acme\x1f" + event.FormatTime(w0.Start) + "\x1fapp\x1fB\x1fbounces@example.com\x1f"

func hexSHA(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// collidingB returns R1 and R2 of identity textB and R3, whose fromHeader
// makes its text textB␟2, each with counts of its own and unsettled.
func collidingB() (r1, r2, r3 serapi.Record) {
	r3 = rec("app", "B", 9, 1, 0)
	r3.FromHeader = []string{"\x1f2"}
	return rec("app", "B", 5, 2, 0), rec("app", "B", 1, 1, 0), r3
}

// sentIDs lists the record events of evs as eventId/revision/success.
func sentIDs(evs []event.Event) []string {
	var out []string
	for _, e := range evs {
		if e.Type() == event.TypeApplicationUser {
			out = append(out, fmt.Sprintf("%s/%d/%d", e.ID(), e.Revision(), e.IntValue("success")))
		}
	}
	return out
}

// TestCollidingRecordsAreRevisitedWithoutResends: R1, R2 and R3 go out
// under three distinct eventIds (the SHA-256 of the texts the numbering
// picks, computed here), in either answer order; revisits of the
// unchanged window send nothing; a change of R2 alone sends R2 alone.
func TestCollidingRecordsAreRevisitedWithoutResends(t *testing.T) {
	r1, r2, r3 := collidingB()
	changed := r2
	changed.Status.Success, changed.Status.Total = 4, 5
	tests := []struct {
		name          string
		before, after []serapi.Record
		texts         []string // the hashed text of each record of before
		r2            string   // R2's hashed text
	}{
		{"R1 R2 R3", []serapi.Record{r1, r2, r3}, []serapi.Record{r1, changed, r3},
			[]string{textB, textB + "\x1f2", textB + "\x1f2\x1f2"}, textB + "\x1f2"},
		{"R3 R1 R2", []serapi.Record{r3, r1, r2}, []serapi.Record{r3, r1, changed},
			[]string{textB + "\x1f2", textB, textB + "\x1f3"}, textB + "\x1f3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &scriptFetcher{answer: func(w serapi.Window, before int) (*serapi.Report, error) {
				switch {
				case w.Start != w0.Start:
					return nil, nil
				case before < 3:
					return report(tt.before...), nil
				}
				return report(tt.after...), nil
			}}
			clk := &clock{t: hour(1).Add(10 * time.Minute)}
			p, st := newRevisitPoller(t, f, clk)
			catchUp(t, p)
			var want []string
			for i, text := range tt.texts {
				want = append(want, fmt.Sprintf("%s/0/%d", hexSHA(text), tt.before[i].Status.Success))
			}
			if got := sentIDs(inWindow(take(t, st), w0)); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("first fetch sent %v, want %v", got, want)
			}
			if infos := listed(t, st); len(infos) != 1 || infos[0].Records != 3 {
				t.Fatalf("revisit list %+v, want window 0 with 3 records", infos)
			}
			for revisit := 1; revisit <= 2; revisit++ {
				clk.set(listed(t, st)[0].Due)
				catchUp(t, p)
				if evs := inWindow(take(t, st), w0); len(evs) != 0 || f.fetches(w0.Start) != revisit+1 {
					t.Fatalf("revisit %d of the unchanged window (fetch %d) sent %v, want nothing", revisit, f.fetches(w0.Start), evs)
				}
			}
			clk.set(listed(t, st)[0].Due)
			catchUp(t, p)
			evs := inWindow(take(t, st), w0)
			if got, want := sentIDs(evs), []string{hexSHA(tt.r2) + "/1/4"}; fmt.Sprint(got) != fmt.Sprint(want) || len(evs) != 2 {
				t.Fatalf("revisit after R2 changed sent %v (%d events), want %v and the window event", got, len(evs), want)
			}
		})
	}
}

// TestSharedEventIDInEntryCostsOneResend: a revisit entry holding two
// fingerprints under one eventId (as a serfwd that numbered by ordinal
// alone staged for R1 R2 R3) is read as one mixed entry at the higher
// revision: the record that now holds that eventId is sent once at that
// revision + 1, the record that lost it goes out under its new eventId at
// revision 0, and the next revisits send nothing.
func TestSharedEventIDInEntryCostsOneResend(t *testing.T) {
	r1, r2, r3 := collidingB()
	type sentAs struct {
		text         string // what its eventId hashes
		rev, success int64
	}
	tests := []struct {
		name    string
		answer  []serapi.Record
		old     []string // the eventIds the old numbering gave, as texts
		revs    []int64  // and the revisions sent under them
		resent  sentAs   // the record sent again
		renamed sentAs   // the record under a new eventId
	}{
		{"R1 R2 R3", []serapi.Record{r1, r2, r3}, []string{textB, textB + "\x1f2", textB + "\x1f2"}, []int64{0, 3, 1},
			sentAs{textB + "\x1f2", 4, 1}, sentAs{textB + "\x1f2\x1f2", 0, 9}},
		{"R3 R1 R2", []serapi.Record{r3, r1, r2}, []string{textB + "\x1f2", textB, textB + "\x1f2"}, []int64{2, 0, 0},
			sentAs{textB + "\x1f2", 3, 9}, sentAs{textB + "\x1f3", 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &scriptFetcher{answer: func(w serapi.Window, _ int) (*serapi.Report, error) {
				if w.Start != w0.Start {
					return nil, nil
				}
				return report(tt.answer...), nil
			}}
			clk := &clock{t: hour(1).Add(10 * time.Minute)}
			p, st := newRevisitPoller(t, f, clk)
			catchUp(t, p)
			take(t, st)
			e, ok, err := st.Revisit("acme", w0.Start)
			if err != nil || !ok {
				t.Fatalf("revisit entry of window 0: %v, %v", ok, err)
			}
			var old []state.Record
			for i, text := range tt.old {
				id, _ := hex.DecodeString(hexSHA(text))
				old = append(old, state.Record{ID: state.EventID(id), Hash: event.CountersHash(&tt.answer[i]), Revision: tt.revs[i]})
			}
			if err := st.Commit(state.Commit{Input: "acme", Sinks: []string{"a"}, Revisit: &e, Records: old}); err != nil {
				t.Fatal(err)
			}

			clk.set(listed(t, st)[0].Due)
			catchUp(t, p)
			var want []string
			for _, s := range []sentAs{tt.resent, tt.renamed} {
				want = append(want, fmt.Sprintf("%s/%d/%d", hexSHA(s.text), s.rev, s.success))
			}
			if got := sentIDs(inWindow(take(t, st), w0)); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("first revisit sent %v, want %v", got, want)
			}
			if infos := listed(t, st); len(infos) != 1 || infos[0].Records != 3 {
				t.Fatalf("revisit list %+v, want window 0 with 3 records", infos)
			}
			for range 2 {
				clk.set(listed(t, st)[0].Due)
				catchUp(t, p)
				if evs := inWindow(take(t, st), w0); len(evs) != 0 {
					t.Fatalf("a later revisit of the unchanged window sent %v, want nothing", evs)
				}
			}
		})
	}
}

// TestPollerNumbersAsOrdinals: the poller's numbering, its id table in
// memory or in a scratch file, gives every record of shuffled answers full
// of colliding texts the eventId that event.Ordinals (a Go map) gives, and
// no two the same.
func TestPollerNumbersAsOrdinals(t *testing.T) {
	var recs []serapi.Record
	for _, h := range []string{"", "\x1f2", "\x1f3", "\x1f2\x1f2", "\x1f2\x1f3", "\x1f3\x1f2", "\x1f2\x1f2\x1f2", "\x1f4"} {
		for i := range 3 {
			r := rec("app", "B", int64(i), 0, 0)
			if h != "" {
				r.FromHeader = []string{h}
			}
			recs = append(recs, r)
		}
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for _, onDisk := range []bool{false, true} {
		p, st := newRevisitPoller(t, &scriptFetcher{}, &clock{})
		if onDisk {
			p.budget, p.scratch = idtable.NewBudget(0), st.Scratch
		}
		for round := range 20 {
			rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
			ids := p.newIdentities()
			polled, plain := event.NewFlattener("acme", w0), event.NewFlattener("acme", w0)
			polled.Number(ids)
			seen := map[event.ID]bool{}
			for i := range recs {
				raw := event.RawRecord(&recs[i])
				got, want := polled.Next(&raw), plain.Next(&raw)
				if got != want || seen[got] || ids.err != nil {
					t.Fatalf("disk %v, round %d, record %d: eventId %x, Ordinals give %x, seen before %v, table error %v",
						onDisk, round, i, got[:4], want[:4], seen[got], ids.err)
				}
				seen[got] = true
			}
			if ids.t.OnDisk() != onDisk {
				t.Fatalf("the table is on disk: %v, want %v", ids.t.OnDisk(), onDisk)
			}
			ids.t.Close()
		}
	}
}
