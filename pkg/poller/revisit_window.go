// revisit_window.go revisits one window: fetch it again, compare each record
// with what was last sent, and build the commit that re-sends what changed
// and updates (or removes) the window's revisit list entry.

package poller

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// revisitResult is one revisited window, ready to commit.
type revisitResult struct {
	w       serapi.Window
	commit  state.Commit
	events  int
	fetched bool // the window was fetched (else: the fetch failed, or the entry was dropped)
	settled bool // it leaves the list: settled, aged out or unreadable
	aged    bool
	err     error // only ctx's end
}

// revisitWindow loads the entry of the window described by in, fetches the
// window once (the client retries on its own) and compares.
func (p *Poller) revisitWindow(ctx context.Context, in state.RevisitInfo) revisitResult {
	w := serapi.Window{Start: in.Start, End: in.End}
	base := state.Commit{Input: p.Input.Name, Sinks: p.Input.Sinks}
	e, ok, err := p.Store.Revisit(p.Input.Name, in.Start)
	if err != nil || !ok {
		if err != nil {
			p.Logger.Error("unreadable revisit entry; the window leaves the list", zap.String("input", p.Input.Name),
				zap.Stringer("window", w), zap.Error(err))
		}
		base.Settled = in.Start
		return revisitResult{w: w, commit: base, settled: true}
	}
	rep, err := p.Fetcher.Report(ctx, w)
	now := p.Now()
	if err != nil {
		if ctx.Err() != nil {
			return revisitResult{w: w, err: ctx.Err()}
		}
		e.Attempts++
		e.Due = now.Add(revisitSpacing(p.Input.Interval, e.Attempts))
		p.Logger.Warn("revisit fetch failed; retrying when next due", zap.String("input", p.Input.Name),
			zap.Stringer("window", w), zap.Int("attempt", e.Attempts), zap.Time("next_due", e.Due), zap.Error(err))
		base.Revisit = &e
		return revisitResult{w: w, commit: base}
	}
	r, err := p.reconcile(w, &e, rep, now)
	if err != nil {
		// Encoding in memory does not fail in practice; treat it as a failed fetch.
		p.Logger.Error("revisit: encoding events", zap.String("input", p.Input.Name), zap.Stringer("window", w), zap.Error(err))
		e.Attempts++
		e.Due = now.Add(revisitSpacing(p.Input.Interval, e.Attempts))
		base.Revisit = &e
		return revisitResult{w: w, commit: base}
	}
	return r
}

// reconcile compares rep with entry e and builds the commit: changed
// records at their revision + 1, new ones at revision 0, the window event
// at its revision + 1 when its figures changed; each event is encoded as it
// is made. e is updated in place.
func (p *Poller) reconcile(w serapi.Window, e *state.Revisit, rep *serapi.Report, now time.Time) (revisitResult, error) {
	name := p.Input.Name
	ids := make([]state.EventID, rep.Users.Len())
	ordinal := make([]int32, rep.Users.Len())
	fp := &fingerprints{recs: make([]state.Record, 0, rep.Users.Len())}
	var ords event.Ordinals
	for i, u := range rep.Users.All() {
		ordinal[i] = int32(ords.Number(name, w.Start, u))
		ids[i], _ = state.ParseEventID(event.RecordIDOrdinal(name, w.Start, u, int(ordinal[i])))
		fp.add(ids[i], u)
	}
	unsettled := fp.unsettled
	fresh := fp.sorted()
	emit := make([]bool, len(fresh))
	for k := range fresh {
		j, ok := e.Find(fresh[k].ID)
		switch {
		case !ok:
			emit[k] = true // first seen now: revision 0
		case e.Records[j].Hash != fresh[k].Hash:
			fresh[k].Revision, emit[k] = e.Records[j].Revision+1, true
		default:
			fresh[k].Revision = e.Records[j].Revision
		}
	}
	enc := state.NewEncoder(0)
	for i, u := range rep.Users.All() {
		k, _ := findRecord(fresh, ids[i])
		if !emit[k] {
			continue
		}
		ev := event.FromRecordOrdinal(name, w, u, &rep.Entitlement, fresh[k].Revision, int(ordinal[i]))
		if err := enc.Add(&ev); err != nil {
			return revisitResult{}, err
		}
	}
	wev := event.FromWindowRecords(name, w, rep.Users, &rep.Entitlement, e.Window.Revision+1)
	if h := windowHash(&wev); h != e.Window.Hash {
		e.Window = state.Record{Hash: h, Revision: e.Window.Revision + 1}
		if err := enc.Add(&wev); err != nil {
			return revisitResult{}, err
		}
	}
	events := enc.Events()
	batches, err := enc.Finish()
	if err != nil {
		return revisitResult{}, fmt.Errorf("encoding revisit of window %s: %w", w, err)
	}
	e.Records = mergeRecords(fresh, e.Records)
	e.Attempts++
	e.Due = now.Add(revisitSpacing(p.Input.Interval, e.Attempts))
	r := revisitResult{w: w, events: events, fetched: true,
		commit: state.Commit{Input: name, Sinks: p.Input.Sinks, Batches: batches}}
	switch {
	case !unsettled:
		r.settled, r.commit.Settled = true, w.Start
	case p.agedOut(now, w.End):
		r.settled, r.aged, r.commit.Settled = true, true, w.Start
	default:
		r.commit.Revisit = e
	}
	return r, nil
}

func findRecord(recs []state.Record, id state.EventID) (int, bool) {
	return slices.BinarySearchFunc(recs, id, func(r state.Record, id state.EventID) int {
		return bytes.Compare(r.ID[:], id[:])
	})
}

// mergeRecords returns fresh plus the records of old that fresh lacks (a
// record missing from one answer keeps what was sent for it), sorted.
func mergeRecords(fresh, old []state.Record) []state.Record {
	out := make([]state.Record, 0, max(len(fresh), len(old)))
	i, j := 0, 0
	for i < len(fresh) || j < len(old) {
		switch {
		case j == len(old):
			out = append(out, fresh[i])
			i++
		case i == len(fresh):
			out = append(out, old[j])
			j++
		default:
			switch c := bytes.Compare(fresh[i].ID[:], old[j].ID[:]); {
			case c < 0:
				out = append(out, fresh[i])
				i++
			case c > 0:
				out = append(out, old[j])
				j++
			default:
				out = append(out, fresh[i])
				i, j = i+1, j+1
			}
		}
	}
	return out
}

// commitRevisit writes one revisited window: its events for every routed
// sink and its updated or removed entry, in one transaction; the cursor
// stays where it is.
func (p *Poller) commitRevisit(r revisitResult, st *revisitStats) error {
	if err := p.Store.Commit(r.commit); err != nil {
		return fmt.Errorf("%w: revisit of window %s of input %q: %w", ErrStateWrite, r.w, p.Input.Name, err)
	}
	if !r.fetched {
		st.failed++
		return nil
	}
	st.fetched++
	st.events += r.events
	switch {
	case r.aged:
		st.aged++
		p.Logger.Debug("revisit: window is older than revisit; it leaves the list unsettled", zap.String("input", p.Input.Name), zap.Stringer("window", r.w))
	case r.settled:
		st.settled++
	}
	p.Observer.Committed(p.Input.Name, r.w, r.events, false)
	p.Logger.Debug("window revisited", zap.String("input", p.Input.Name), zap.Stringer("window", r.w),
		zap.Int("events", r.events), zap.Bool("settled", r.settled))
	return nil
}
