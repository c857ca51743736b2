// Tests of a huge window with the id tables in their scratch files from the
// first record on: duplicate identities numbered in answer order, revisits
// sending exactly what changed, records an answer lacks, and a restarted
// revisit.

package poller

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/idtable"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// genFetcher streams, for each fetch, the records gen hands to emit; gen
// may restart the stream as the client does after an unusable body.
type genFetcher struct {
	mu      sync.Mutex
	fetches int
	gen     func(fetch int, h serapi.StreamHandler, emit func(serapi.Record) error) error
}

func (f *genFetcher) Report(context.Context, serapi.Window) (*serapi.Report, error) {
	panic("the poller must stream from a Streamer")
}

func (f *genFetcher) Stream(_ context.Context, w serapi.Window, h serapi.StreamHandler) error {
	if w.Start != w0.Start {
		return h.Entitlement(serapi.Entitlement{})
	}
	f.mu.Lock()
	n := f.fetches
	f.fetches++
	f.mu.Unlock()
	err := f.gen(n, h, func(r serapi.Record) error {
		raw := event.RawRecord(&r)
		return h.Record(&raw)
	})
	if err != nil {
		return err
	}
	return h.Entitlement(serapi.Entitlement{AnnualThroughput: 9})
}

// Window 0 of TestHugeWindowOnDisk holds 3 records of each of 10,000
// identities (user-0 … user-9999, in that order, three times over).
const (
	hugeIdentities = 10_000
	hugeRecords    = 3 * hugeIdentities
)

// hugeRecord is record i of window 0 with success count success; user-5
// keeps the window unsettled.
func hugeRecord(i int, success int64) serapi.Record {
	k := i % hugeIdentities
	r := serapi.Record{ApplicationName: "app", ApplicationUserName: "user-" + strconv.Itoa(k), FromEnvelope: []string{"a@example.com"},
		Status: serapi.Status{Success: success, Total: success}}
	if k == 5 {
		r.Status.TempFailure = 1
	}
	return r
}

// hugeID is the eventId of the n-th record of user (SPEC §4), computed
// here from the formula.
func hugeID(user string, n int) string {
	text := "acme\x1f" + event.FormatTime(w0.Start) + "\x1fapp\x1f" + user + "\x1fa@example.com\x1f"
	if n > 1 {
		text += "\x1f" + strconv.Itoa(n)
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// changed is the success count that revisits give record i when its
// counts change.
func changed(i int) int64 { return int64(i) + 1_000_000 }

// TestHugeWindowOnDisk numbers and revisits a window with the id tables in
// their scratch files from the first record on (no memory budget), as a
// window of millions of records would be: duplicates get their ordinals
// in answer order (eventIds computed here), a revisit sends exactly the
// records whose counts changed (matched by identity and ordinal) and the
// new ones, records an answer lacks keep what was sent for them, and a
// restarted revisit forgets what its first, unusable answer saw.
func TestHugeWindowOnDisk(t *testing.T) {
	f := &genFetcher{gen: hugeAnswers}
	clk := &clock{t: hour(1).Add(10 * time.Minute)}
	p, st := newRevisitPoller(t, f, clk)
	p.budget = idtable.NewBudget(0)
	var scratches int
	p.scratch = func() (*os.File, error) { scratches++; return st.Scratch() }

	catchUp(t, p)
	want := map[string]int64{}
	for i := range hugeRecords {
		want[hugeID("user-"+strconv.Itoa(i%hugeIdentities), i/hugeIdentities+1)] = int64(i)
	}
	requireSent(t, take(t, st), want, 0, hugeRecords)
	requireEntry(t, st, hugeRecords)
	if scratches == 0 {
		t.Fatal("no scratch file was used: the test proves nothing")
	}

	// Revisit 1 lacks the last 1,000 records (user-9000 … user-9999, third
	// ones), changes every seventh and adds 10 records of new identities.
	clk.set(listed(t, st)[0].Due)
	catchUp(t, p)
	want = map[string]int64{}
	for i := 0; i < hugeRecords-1000; i += 7 {
		want[hugeID("user-"+strconv.Itoa(i%hugeIdentities), i/hugeIdentities+1)] = changed(i)
	}
	fresh := map[string]int64{}
	for i := range 10 {
		fresh[hugeID("new-"+strconv.Itoa(i), 1)] = int64(i)
	}
	evs := take(t, st)
	requireSent(t, evs[:len(evs)-1-len(fresh)], want, 1, hugeRecords-1000+10)
	requireSent(t, evs[len(evs)-1-len(fresh):], fresh, 0, hugeRecords-1000+10)
	requireEntry(t, st, hugeRecords+10)

	// Revisit 2 gives the same answer, after a first, unusable one that had
	// the lacking records with other counts: nothing is sent.
	clk.set(listed(t, st)[0].Due)
	catchUp(t, p)
	if evs := take(t, st); len(evs) != 0 {
		t.Fatalf("revisit 2 sent %d events, want none: %v", len(evs), evs[0])
	}
	requireEntry(t, st, hugeRecords+10)

	// Revisit 3 has every record with its first counts: the changed ones
	// go back (revision 2), the lacking ones come back unchanged (not sent).
	clk.set(listed(t, st)[0].Due)
	catchUp(t, p)
	want = map[string]int64{}
	for i := 0; i < hugeRecords-1000; i += 7 {
		want[hugeID("user-"+strconv.Itoa(i%hugeIdentities), i/hugeIdentities+1)] = int64(i)
	}
	requireSent(t, take(t, st), want, 2, hugeRecords)
	requireEntry(t, st, hugeRecords+10)
}

// hugeAnswers is window 0 on each fetch of TestHugeWindowOnDisk.
func hugeAnswers(fetch int, h serapi.StreamHandler, emit func(serapi.Record) error) error {
	var err error
	one := func(r serapi.Record) {
		if err == nil {
			err = emit(r)
		}
	}
	switch fetch {
	case 0, 3:
		for i := range hugeRecords {
			one(hugeRecord(i, int64(i)))
		}
	case 2: // first an unusable answer: the last 1,000 identities three times
		for i := range hugeRecords {
			if i%hugeIdentities >= hugeIdentities-1000 {
				one(hugeRecord(i, changed(i)))
			}
		}
		if err == nil {
			err = h.Restart()
		}
		fallthrough
	case 1:
		for i := range hugeRecords - 1000 {
			s := int64(i)
			if i%7 == 0 {
				s = changed(i)
			}
			one(hugeRecord(i, s))
		}
		for i := range 10 {
			one(serapi.Record{ApplicationName: "app", ApplicationUserName: "new-" + strconv.Itoa(i), FromEnvelope: []string{"a@example.com"},
				Status: serapi.Status{Success: int64(i), Total: int64(i)}})
		}
	}
	return err
}

// requireSent checks that evs are the records of want (eventId → success
// count), each once, at revision rev, then (when evs has one more) the
// window event counting records.
func requireSent(t *testing.T, evs []event.Event, want map[string]int64, rev int64, records int) {
	t.Helper()
	got := map[string]bool{}
	for _, e := range evs {
		if e.Type() == event.TypeWindow {
			if e.IntValue("records") != int64(records) {
				t.Fatalf("the window event counts %d records, want %d", e.IntValue("records"), records)
			}
			continue
		}
		s, ok := want[e.ID()]
		switch {
		case !ok:
			t.Fatalf("sent %s (%s, success %d), which is not expected", e.ID(), e.Str("applicationUserName"), e.IntValue("success"))
		case got[e.ID()]:
			t.Fatalf("sent %s twice", e.ID())
		case e.IntValue("success") != s || e.Revision() != rev:
			t.Fatalf("sent %s with success %d at revision %d, want %d at %d", e.ID(), e.IntValue("success"), e.Revision(), s, rev)
		}
		got[e.ID()] = true
	}
	if len(got) != len(want) {
		t.Fatalf("sent %d of the %d records expected", len(got), len(want))
	}
}

// requireEntry checks window 0's revisit list entry, and that nothing is
// left staged.
func requireEntry(t *testing.T, st *state.Store, records int) {
	t.Helper()
	infos := listed(t, st)
	if len(infos) != 1 || infos[0].Records != records {
		t.Fatalf("revisit list %+v, want window 0 with %d records", infos, records)
	}
	noneStaged(t, st)
	e, _, err := st.Revisit("acme", w0.Start)
	n := 0
	if err == nil {
		err = st.RevisitRecords(&e, func(*state.Record) error { n++; return nil })
	}
	if err != nil || n != records {
		t.Fatalf("the entry's fingerprints list %d records (%v), want %d", n, err, records)
	}
}
