// Fetching and committing windows: up to Concurrency fetches in flight, each
// retried with backoff and staged as it streams, then committed strictly in
// order, a group of consecutive windows per transaction, while no routed
// sink's queue is over its limit.

package poller

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/backoff"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// result is one fetched window (or revisit), staged, waiting for its turn
// to be committed.
type result struct {
	w      serapi.Window
	commit state.Commit
	events int
	err    error
	rv     *revisitOutcome // a revisit's figures for its log line; nil otherwise
}

// failed is the error that ends a run: a window that could not be fetched
// (catch-up and backfill), or the state file failing.
func (r result) failed() error { return r.err }

// discard lets go of what a result that will not be committed staged.
func (p *Poller) discard(r result) {
	if err := r.commit.Stage.Drop(); err != nil {
		p.Logger.Warn("dropping a staged window that will not be committed; the next start removes it",
			zap.String("input", p.Input.Name), zap.Stringer("window", r.w), zap.Error(err))
	}
}

// process fetches the windows in [from, until) with up to Concurrency in
// flight and commits them strictly in order; the cursor (when moveCursor)
// never passes a window whose events are not queued. It stops at the first
// window that cannot be fetched (after MaxAttempts) or committed.
func (p *Poller) process(ctx context.Context, from, until time.Time, moveCursor bool, progress func(done, total int)) (windows, events int, err error) {
	total := 0
	if progress != nil {
		total = len(plan(from, until, p.Input.Window))
	}
	w := nextWindow(from, p.Input.Window)
	f := fanOut[result]{
		limit: p.Input.Concurrency,
		next: func(ctx context.Context) (func(context.Context) result, bool) {
			if w.End.After(until) || !p.waitForRoom(ctx) {
				return nil, false
			}
			this := w
			w = nextWindow(w.End, p.Input.Window)
			return func(ctx context.Context) result { return p.fetch(ctx, this, moveCursor) }, true
		},
		failed:  result.failed,
		crashed: func(err error) result { return result{err: err} },
		commit: func(group []result) error {
			if err := p.commitGroup(group, moveCursor); err != nil {
				return err
			}
			for _, r := range group {
				windows++
				events += r.events
				if progress != nil {
					progress(windows, total)
				}
			}
			return nil
		},
		discard: p.discard,
	}
	err = f.run(ctx)
	return windows, events, err
}

// commitGroup writes a group of consecutive windows, in order, in one
// transaction: each is a few references to its staged batches, its last
// batch and fingerprints, the cursor and a revisit list entry's head.
func (p *Poller) commitGroup(group []result, moveCursor bool) error {
	cs := make([]state.Commit, 0, len(group))
	for _, r := range group {
		c := r.commit
		if !moveCursor {
			c.Cursor, c.Revisit, c.Records = time.Time{}, nil, nil
		}
		cs = append(cs, c)
	}
	if err := p.Store.CommitAll(cs); err != nil {
		first, last := group[0].w, group[len(group)-1].w
		return fmt.Errorf("%w: windows %s to %s of input %q: %w", ErrStateWrite, first.Start.Format(serapi.TimeLayout), last.End.Format(serapi.TimeLayout), p.Input.Name, err)
	}
	for _, r := range group {
		p.Observer.Committed(p.Input.Name, r.w, r.events, moveCursor)
		p.Logger.Debug("window committed", zap.String("input", p.Input.Name), zap.Stringer("window", r.w), zap.Int("events", r.events))
	}
	return nil
}

// fetch gets one window, retrying with backoff, and stages its events;
// track asks for a revisit list entry when the window is unsettled.
func (p *Poller) fetch(ctx context.Context, w serapi.Window, track bool) result {
	retrying := "window fetch failed; the cursor waits for it"
	if !track { // a backfill: the cursor is elsewhere
		retrying = "backfill window fetch failed; retrying"
	}
	track = track && p.Input.Revisit > 0
	began := p.Now()
	for attempt := 1; ; attempt++ {
		j := p.newJob(w, nil, track)
		fetched := p.Now()
		err := p.stream(ctx, w, j)
		if err == nil {
			j.release()
			return p.firstResult(j, fetched)
		}
		if end := j.abandon(ctx, err); end != nil {
			return result{w: w, err: end}
		}
		if p.MaxAttempts > 0 && attempt >= p.MaxAttempts {
			return result{w: w, err: p.gaveUp(w, attempt, p.Now().Sub(began), err)}
		}
		wait := backoff.Policy{Min: p.RetryMin, Max: p.RetryMax}.Delay(attempt - 1)
		p.Logger.Warn(retrying, zap.String("input", p.Input.Name),
			zap.Stringer("window", w), zap.Int("attempt", attempt), zap.Duration("retry_in", wait), zap.Error(err))
		if err := backoff.Sleep(ctx, wait); err != nil {
			return result{w: w, err: err}
		}
	}
}

// stream fetches w into j, streaming when the fetcher can.
func (p *Poller) stream(ctx context.Context, w serapi.Window, j *windowJob) error {
	if s, ok := p.Fetcher.(Streamer); ok {
		return s.Stream(ctx, w, j)
	}
	rep, err := p.Fetcher.Report(ctx, w)
	if err != nil {
		return err
	}
	return Replay(rep, j)
}

// firstResult is the commit of a window's first fetch: every record, the
// window event last, the cursor past the window and, when the window is
// unsettled, its revisit list entry.
func (p *Poller) firstResult(j *windowJob, fetched time.Time) result {
	wev := j.flat.WindowEvent(&j.ent, 0)
	batches, prints := j.finish(&wev)
	c := state.Commit{Input: p.Input.Name, Sinks: p.Input.Sinks, Stage: j.stage, Batches: batches,
		Consts: event.Consts(&j.ent), Cursor: j.w.End, Revisit: p.newRevisit(j, windowHash(&wev), fetched)}
	if c.Revisit != nil {
		c.Records = prints
	}
	return result{w: j.w, commit: c, events: j.events}
}

// waitForRoom blocks while any routed sink's queue is over MaxQueueBytes,
// looking again each time a queue shrinks.
func (p *Poller) waitForRoom(ctx context.Context) bool {
	if p.MaxQueueBytes <= 0 {
		return true
	}
	logged := false
	for {
		shrunk := p.Store.Shrunk() // before the look, so that no ack is missed
		full := p.fullSink()
		if full == "" {
			if logged {
				p.Logger.Info("queue drained; polling resumes", zap.String("input", p.Input.Name))
			}
			return true
		}
		if !logged {
			logged = true
			p.Logger.Warn("queue full; polling pauses until it drains", zap.String("input", p.Input.Name),
				zap.String("sink", full), zap.Int64("max_bytes_per_sink", p.MaxQueueBytes))
		}
		if p.onPause != nil {
			p.onPause(full)
		}
		select {
		case <-ctx.Done():
			return false
		case <-shrunk:
		}
	}
}

// fullSink names a routed sink whose queue is over MaxQueueBytes, or "".
func (p *Poller) fullSink() string {
	for _, s := range p.Input.Sinks {
		if st, err := p.Store.Stat(s); err == nil && st.Bytes > p.MaxQueueBytes {
			return s
		}
	}
	return ""
}

// gaveUp is the one error of a window given up on: the input, how many
// attempts over how long (when more than one), and the last error, naming
// the window once.
func (p *Poller) gaveUp(w serapi.Window, attempts int, took time.Duration, err error) error {
	what := fmt.Sprintf("input %q: gave up after %d attempts over %s", p.Input.Name, attempts, took.Round(100*time.Millisecond))
	if attempts == 1 { // nothing to count
		what = fmt.Sprintf("input %q", p.Input.Name)
		if !strings.Contains(err.Error(), w.String()) {
			what += ", window " + w.String()
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	if !strings.Contains(err.Error(), w.String()) {
		what += " on window " + w.String()
	}
	return fmt.Errorf("%s: %w", what, err)
}
