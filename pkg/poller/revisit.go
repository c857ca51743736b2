// revisit.go runs revisit passes: after each catch-up, the windows on the
// input's revisit list that are due are fetched again (under the same client
// and rate limiter), and what changed since the last fetch is re-sent with a
// higher revision (SPEC §3 revisit, §4).

package poller

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// revisitStats sums up one pass for its log line.
type revisitStats struct {
	fetched, failed, events, settled, aged, dropped int
}

// revisitPass prunes the input's revisit list (windows older than revisit,
// entries beyond the cap), then revisits the due windows, earliest due
// first, at most RevisitsPerPass of them. Only a state file failure or the
// end of ctx is an error; failed fetches are retried at their next due time.
func (p *Poller) revisitPass(ctx context.Context) error {
	p.nextRevisit = time.Time{}
	if p.Input.Revisit <= 0 {
		return nil
	}
	infos, err := p.Store.RevisitInfos(p.Input.Name)
	if err != nil {
		p.Logger.Error("reading the revisit list; no revisits in this pass", zap.String("input", p.Input.Name), zap.Error(err))
		return nil
	}
	now := p.Now()
	var st revisitStats
	if infos, err = p.prune(infos, now, &st); err != nil {
		return err
	}
	var due []state.RevisitInfo
	for _, in := range infos {
		if !in.Due.After(now) {
			due = append(due, in)
		}
	}
	slices.SortFunc(due, func(a, b state.RevisitInfo) int {
		return cmp.Or(a.Due.Compare(b.Due), a.Start.Compare(b.Start))
	})
	due = due[:min(len(due), p.RevisitsPerPass)]
	err = p.revisitAll(ctx, due, &st)
	var listed int
	p.nextRevisit, listed = p.revisitSchedule()
	if st != (revisitStats{}) {
		p.Logger.Info("revisits done", zap.String("input", p.Input.Name), zap.Int("windows", st.fetched),
			zap.Int("failed", st.failed), zap.Int("events", st.events), zap.Int("settled", st.settled),
			zap.Int("aged_out", st.aged), zap.Int("dropped", st.dropped), zap.Int("listed", listed))
	}
	return err
}

// prune drops the entries of windows older than revisit and, beyond the
// cap (revisit/window, at most MaxRevisitEntries), the oldest ones.
func (p *Poller) prune(infos []state.RevisitInfo, now time.Time, st *revisitStats) ([]state.RevisitInfo, error) {
	var drop []time.Time
	keep := infos[:0]
	for _, in := range infos {
		if p.agedOut(now, in.End) {
			p.Logger.Debug("revisit: window is older than revisit; it leaves the list unsettled", zap.String("input", p.Input.Name),
				zap.Stringer("window", serapi.Window{Start: in.Start, End: in.End}), zap.Int("attempts", in.Attempts))
			drop = append(drop, in.Start)
			st.aged++
			continue
		}
		keep = append(keep, in)
	}
	limit := MaxRevisitEntries
	if p.Input.Window > 0 {
		limit = min(limit, int(p.Input.Revisit/p.Input.Window)+2)
	}
	if over := len(keep) - limit; over > 0 {
		p.Logger.Warn("revisit list full; its oldest windows leave it unsettled", zap.String("input", p.Input.Name),
			zap.Int("dropped", over), zap.Int("limit", limit), zap.Stringer("oldest_kept", serapi.Window{Start: keep[over].Start, End: keep[over].End}))
		for _, in := range keep[:over] {
			drop = append(drop, in.Start)
		}
		keep = keep[over:]
		st.dropped += over
	}
	if err := p.Store.DropRevisits(p.Input.Name, drop); err != nil {
		return nil, fmt.Errorf("%w: pruning the revisit list of input %q: %w", ErrStateWrite, p.Input.Name, err)
	}
	return keep, nil
}

// revisitAll fetches the due windows, up to Concurrency at once, and
// commits them in turn, pausing while a routed sink's queue is full.
func (p *Poller) revisitAll(ctx context.Context, due []state.RevisitInfo, st *revisitStats) error {
	i := 0
	f := fanOut[result]{
		limit: p.Input.Concurrency,
		next: func(ctx context.Context) (func(context.Context) result, bool) {
			if i >= len(due) || !p.waitForRoom(ctx) {
				return nil, false
			}
			in := due[i]
			i++
			return func(ctx context.Context) result { return p.revisitWindow(ctx, in) }, true
		},
		failed:  result.failed,
		crashed: func(err error) result { return result{err: err} },
		commit:  func(group []result) error { return p.commitRevisits(group, st) },
		discard: p.discard,
	}
	return f.run(ctx)
}

// revisitSchedule is when the next entry of the list is due (zero for
// none) and how many entries it holds.
func (p *Poller) revisitSchedule() (next time.Time, listed int) {
	infos, err := p.Store.RevisitInfos(p.Input.Name)
	if err != nil || len(infos) == 0 {
		return time.Time{}, 0
	}
	next = infos[0].Due
	for _, in := range infos[1:] {
		if in.Due.Before(next) {
			next = in.Due
		}
	}
	return next, len(infos)
}
