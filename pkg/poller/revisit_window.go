// revisit_window.go revisits one window: fetch it again as a stream, send
// the records whose counts changed since what was last sent (and those seen
// for the first time), and build the commit that updates (or removes) the
// window's revisit list entry.

package poller

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/idtable"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// revisitOutcome is what a revisit did, for the pass's log line.
type revisitOutcome struct {
	fetched bool // else the fetch failed, or the entry was dropped
	settled bool // the window leaves the list: settled, aged out or unreadable
	aged    bool
}

// decide says whether a record is sent, at which revision: a first fetch
// sends every record at revision 0; a revisit those it never sent
// (revision 0) and those whose counts changed, or whose entry is mixed
// (merged), at revision + 1, matching records by eventId, that is by
// identity and ordinal. It marks the
// records it saw, so that keepUnseen can tell which ones the answer
// lacks.
func (j *windowJob) decide(id event.ID, hash uint64) (int64, bool, error) {
	if j.last == nil {
		return 0, true, nil
	}
	k := idtable.Key(id)
	v, ok, err := j.last.Get(&k)
	if err != nil || !ok {
		return 0, err == nil, err
	}
	if v.seen != j.attempt {
		v.seen = j.attempt
		if err := j.last.Put(&k, v); err != nil {
			return 0, false, err
		}
	}
	if v.hash != hash || v.mixed {
		return v.rev + 1, true, nil
	}
	return v.rev, false, nil
}

// loadSent reads what e says was last sent into a new table, one entry per
// eventId: two fingerprints that share one (an entry staged before records
// were numbered so that none do) become one (merged). A table that fails
// fails as the state file does (ErrStateWrite).
func (p *Poller) loadSent(e *state.Revisit) (*idtable.Table[sent], error) {
	t := idtable.New(sentCodec, p.budget, p.scratch)
	scratch := func(err error) error {
		if err != nil {
			return fmt.Errorf("%w: reading the revisit entry of window %s into a table: %w", ErrStateWrite, e.Start.Format(serapi.TimeLayout), err)
		}
		return nil
	}
	err := scratch(t.Expect(e.Records))
	if err == nil {
		err = p.Store.RevisitRecords(e, func(r *state.Record) error {
			k, v := (*idtable.Key)(&r.ID), sent{hash: r.Hash, rev: r.Revision}
			old, dup, err := t.Get(k)
			if dup {
				v = merged(old, v)
			}
			if err == nil {
				err = t.Put(k, v)
			}
			return scratch(err)
		})
	}
	if err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// revisitWindow loads the entry of the window described by in, fetches the
// window once (the client retries on its own) and reconciles.
func (p *Poller) revisitWindow(ctx context.Context, in state.RevisitInfo) result {
	w := serapi.Window{Start: in.Start, End: in.End}
	base := state.Commit{Input: p.Input.Name, Sinks: p.Input.Sinks}
	e, ok, err := p.Store.Revisit(p.Input.Name, in.Start)
	var last *idtable.Table[sent]
	if err == nil && ok {
		last, err = p.loadSent(&e)
	}
	if errors.Is(err, ErrStateWrite) {
		return result{w: w, err: err}
	}
	if err != nil || !ok {
		if err != nil {
			p.Logger.Error("unreadable revisit entry; the window leaves the list", zap.String("input", p.Input.Name),
				zap.Stringer("window", w), zap.Error(err))
		}
		base.Settled = in.Start
		return result{w: w, commit: base, rv: &revisitOutcome{settled: true}}
	}
	j := p.newJob(w, last, true)
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
	defer j.release()
	r, err := p.reconciled(j, &e, now)
	if err != nil {
		j.abandon(ctx, err)
		return result{w: w, err: err}
	}
	return r
}

// reconciled builds the commit of a revisit whose records j sent: the
// window event at its revision + 1 when its figures changed, and the entry
// updated with what was sent (and, for records the answer lacked, what was
// sent before), or removed when the window settled or aged out.
func (p *Poller) reconciled(j *windowJob, e *state.Revisit, now time.Time) (result, error) {
	aged := p.agedOut(now, j.w.End)
	if j.unsettled && !aged {
		if err := j.keepUnseen(); err != nil {
			return result{}, err
		}
	}
	wev := j.flat.WindowEvent(&j.ent, e.Window.Revision+1)
	var send *event.Event
	if h := windowHash(&wev); h != e.Window.Hash {
		e.Window = state.Record{Hash: h, Revision: e.Window.Revision + 1}
		send = &wev
	}
	batches, prints := j.finish(send)
	e.Attempts++
	e.Due = now.Add(revisitSpacing(p.Input.Interval, e.Attempts))
	r := result{w: j.w, events: j.events, rv: &revisitOutcome{fetched: true},
		commit: state.Commit{Input: p.Input.Name, Sinks: p.Input.Sinks, Stage: j.stage, Batches: batches, Consts: event.Consts(&j.ent)}}
	switch {
	case !j.unsettled:
		r.rv.settled, r.commit.Settled = true, j.w.Start
	case aged:
		r.rv.settled, r.rv.aged, r.commit.Settled = true, true, j.w.Start
	default:
		r.commit.Revisit, r.commit.Records = e, prints
	}
	return r, nil
}

// keepUnseen adds to the fingerprints of a revisit those of the records
// the answer lacked: they keep what was sent for them.
func (j *windowJob) keepUnseen() error {
	err := j.last.Each(func(k *idtable.Key, v sent) error {
		if v.seen == j.attempt {
			return nil
		}
		j.prints = append(j.prints, state.Record{ID: state.EventID(*k), Hash: v.hash, Revision: v.rev})
		j.size += printBytes
		return j.collect(false)
	})
	if err != nil && !errors.Is(err, ErrStateWrite) {
		err = j.scratchFailed("listing", err)
	}
	return err
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
