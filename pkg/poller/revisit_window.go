// revisit_window.go revisits one window: fetch it again as a stream, send
// the records whose counts changed since what was last sent (and those seen
// for the first time), and build the commit that updates (or removes) the
// window's revisit list entry.

package poller

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// revisitOutcome is what a revisit did, for the pass's log line.
type revisitOutcome struct {
	fetched bool // else the fetch failed, or the entry was dropped
	settled bool // the window leaves the list: settled, aged out or unreadable
	aged    bool
}

// reconciler decides, against what was last sent, which records a revisit
// sends: those it never sent (revision 0) and those whose counts changed
// (revision + 1); records are matched by eventId, that is by identity and
// ordinal.
type reconciler struct{ last *state.Revisit }

func (r reconciler) decide(id event.ID, hash uint64) (int64, bool) {
	k, ok := r.last.Find(state.EventID(id))
	switch {
	case !ok:
		return 0, true
	case r.last.Records[k].Hash != hash:
		return r.last.Records[k].Revision + 1, true
	}
	return r.last.Records[k].Revision, false
}

// revisitWindow loads the entry of the window described by in, fetches the
// window once (the client retries on its own) and reconciles.
func (p *Poller) revisitWindow(ctx context.Context, in state.RevisitInfo) result {
	w := serapi.Window{Start: in.Start, End: in.End}
	base := state.Commit{Input: p.Input.Name, Sinks: p.Input.Sinks}
	e, ok, err := p.Store.Revisit(p.Input.Name, in.Start)
	if err != nil || !ok {
		if err != nil {
			p.Logger.Error("unreadable revisit entry; the window leaves the list", zap.String("input", p.Input.Name),
				zap.Stringer("window", w), zap.Error(err))
		}
		base.Settled = in.Start
		return result{w: w, commit: base, rv: &revisitOutcome{settled: true}}
	}
	j := p.newJob(w, reconciler{&e}, true)
	err = p.stream(ctx, w, j)
	now := p.Now()
	if err != nil {
		if end := j.abandon(ctx, err); end != nil {
			return result{w: w, err: end}
		}
		e.Attempts++
		e.Due = now.Add(revisitSpacing(p.Input.Interval, e.Attempts))
		p.Logger.Warn("revisit fetch failed; retrying when next due", zap.String("input", p.Input.Name),
			zap.Stringer("window", w), zap.Int("attempt", e.Attempts), zap.Time("next_due", e.Due), zap.Error(err))
		base.Revisit = &e
		return result{w: w, commit: base, rv: &revisitOutcome{}}
	}
	return p.reconciled(j, &e, now)
}

// reconciled builds the commit of a revisit whose records j sent: the
// window event at its revision + 1 when its figures changed, and the entry
// updated with what was sent, or removed when the window settled or aged out.
func (p *Poller) reconciled(j *windowJob, e *state.Revisit, now time.Time) result {
	unsettled := j.fp.unsettled
	fresh := j.fp.sorted()
	wev := j.flat.WindowEvent(&j.ent, e.Window.Revision+1)
	var send *event.Event
	if h := windowHash(&wev); h != e.Window.Hash {
		e.Window = state.Record{Hash: h, Revision: e.Window.Revision + 1}
		send = &wev
	}
	batches := j.finish(send)
	e.Records = mergeRecords(fresh, e.Records)
	e.Attempts++
	e.Due = now.Add(revisitSpacing(p.Input.Interval, e.Attempts))
	r := result{w: j.w, events: j.events, rv: &revisitOutcome{fetched: true},
		commit: state.Commit{Input: p.Input.Name, Sinks: p.Input.Sinks, Stage: j.stage, Batches: batches, Consts: event.Consts(&j.ent)}}
	switch {
	case !unsettled:
		r.rv.settled, r.commit.Settled = true, j.w.Start
	case p.agedOut(now, j.w.End):
		r.rv.settled, r.rv.aged, r.commit.Settled = true, true, j.w.Start
	default:
		r.commit.Revisit = e
	}
	return r
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

// commitRevisits writes a group of revisited windows: their events for
// every routed sink and their updated or removed entries, in one
// transaction; the cursor stays where it is.
func (p *Poller) commitRevisits(group []result, st *revisitStats) error {
	cs := make([]state.Commit, len(group))
	for i := range group {
		cs[i] = group[i].commit
	}
	if err := p.Store.CommitAll(cs); err != nil {
		return fmt.Errorf("%w: revisits of windows %s to %s of input %q: %w", ErrStateWrite, group[0].w, group[len(group)-1].w, p.Input.Name, err)
	}
	for _, r := range group {
		if !r.rv.fetched {
			st.failed++
			continue
		}
		st.fetched++
		st.events += r.events
		switch {
		case r.rv.aged:
			st.aged++
			p.Logger.Debug("revisit: window is older than revisit; it leaves the list unsettled", zap.String("input", p.Input.Name), zap.Stringer("window", r.w))
		case r.rv.settled:
			st.settled++
		}
		p.Observer.Committed(p.Input.Name, r.w, r.events, false)
		p.Logger.Debug("window revisited", zap.String("input", p.Input.Name), zap.Stringer("window", r.w),
			zap.Int("events", r.events), zap.Bool("settled", r.rv.settled))
	}
	return nil
}
