package poller

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// result is one fetched and encoded window, waiting for its turn to commit.
type result struct {
	w       serapi.Window
	batches []state.Batch
	events  int
	revisit *state.Revisit // to put on the revisit list with the commit
	err     error
}

type pending struct {
	w    serapi.Window
	done chan result
}

// process fetches the windows in [from, until) with up to Concurrency in
// flight and commits them strictly in order. Results that arrive early wait
// in the order channel; the cursor (when moveCursor) never passes a window
// whose events are not queued. It stops at the first window that cannot be
// fetched (after MaxAttempts) or committed.
func (p *Poller) process(ctx context.Context, from, until time.Time, moveCursor bool, progress func(done, total int)) (windows, events int, err error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait() // every fetch this call started has ended
	}()
	total := 0
	if progress != nil {
		total = len(plan(from, until, p.Input.Window))
	}
	order := make(chan *pending, p.Input.Concurrency-1)
	wg.Go(func() { p.dispatch(ctx, from, until, moveCursor, order, &wg) })
	g := grouper{order: order}
	for {
		group, err := g.next()
		if len(group) > 0 {
			if cerr := p.commitGroup(group, moveCursor); cerr != nil {
				return windows, events, cerr
			}
			for _, r := range group {
				windows++
				events += r.events
				if progress != nil {
					progress(windows, total)
				}
			}
		}
		if err != nil {
			return windows, events, err
		}
		if group == nil {
			return windows, events, ctx.Err()
		}
	}
}

// maxGroup bounds how many windows go into one transaction.
const maxGroup = 64

// grouper hands the committer the next window's result together with the
// results of the windows after it that are already fetched, so that a
// catch-up commits many small windows with one fsync, still strictly in
// order.
type grouper struct {
	order <-chan *pending
	carry *pending // received from order but not yet done
	ready *result  // done, held back to start the next group
}

// next blocks for the next result and adds those already done behind it. It
// returns nil when the order channel is closed, and the error of a window
// that failed (after the windows before it).
func (g *grouper) next() ([]result, error) {
	var group []result
	if g.ready != nil {
		group = append(group, *g.ready)
		g.ready = nil
		if len(group[0].batches) > stagedBatches {
			return group, nil
		}
	}
	for len(group) < maxGroup {
		pd := g.carry
		g.carry = nil
		if pd == nil {
			var ok bool
			if len(group) == 0 {
				pd, ok = <-g.order
			} else {
				select {
				case pd, ok = <-g.order:
				default:
					return group, nil
				}
			}
			if !ok {
				return group, nil
			}
		}
		var r result
		if len(group) == 0 {
			r = <-pd.done
		} else {
			select {
			case r = <-pd.done:
			default:
				g.carry = pd
				return group, nil
			}
		}
		if r.err != nil {
			return group, r.err
		}
		if len(group) > 0 && len(r.batches) > stagedBatches {
			g.ready = &r // a large window goes alone, staged
			return group, nil
		}
		group = append(group, r)
		if len(r.batches) > stagedBatches {
			return group, nil
		}
	}
	return group, nil
}

// stagedBatches is the size (in queue batches of up to 1000 events) above
// which a window is written in several transactions of that many batches,
// made visible by the last one: the state file's write transactions, and so
// the memory they take, stay small however large the window.
const stagedBatches = 8

// commitGroup writes a group of consecutive windows in one transaction, or a
// single large window in staged transactions.
func (p *Poller) commitGroup(group []result, moveCursor bool) error {
	cs := make([]state.Commit, len(group))
	for i, r := range group {
		cs[i] = state.Commit{Input: p.Input.Name, Sinks: p.Input.Sinks, Batches: r.batches}
		if moveCursor {
			cs[i].Cursor, cs[i].Revisit = r.w.End, r.revisit
		}
	}
	var err error
	if len(cs) == 1 && len(cs[0].Batches) > stagedBatches {
		err = p.Store.CommitStaged(cs[0], stagedBatches)
	} else {
		err = p.Store.CommitAll(cs)
	}
	if err != nil {
		first, last := group[0].w, group[len(group)-1].w
		return fmt.Errorf("%w: windows %s to %s of input %q: %w", ErrStateWrite, first.Start.Format(serapi.TimeLayout), last.End.Format(serapi.TimeLayout), p.Input.Name, err)
	}
	for _, r := range group {
		p.Observer.Committed(p.Input.Name, r.w, r.events, moveCursor)
		p.Logger.Debug("window committed", zap.String("input", p.Input.Name), zap.Stringer("window", r.w), zap.Int("events", r.events))
	}
	return nil
}

// dispatch starts one fetch per window, in order, never more than the order
// channel can hold ahead of the committer, pausing while a queue is full.
// track asks for revisit list entries of unsettled windows.
func (p *Poller) dispatch(ctx context.Context, from, until time.Time, track bool, order chan<- *pending, wg *sync.WaitGroup) {
	defer close(order)
	for w := nextWindow(from, p.Input.Window); !w.End.After(until); w = nextWindow(w.End, p.Input.Window) {
		if !p.waitForRoom(ctx) {
			return
		}
		pd := &pending{w: w, done: make(chan result, 1)}
		wg.Go(func() { pd.done <- p.fetch(ctx, pd.w, track) })
		select {
		case order <- pd:
		case <-ctx.Done():
			return
		}
	}
}

// fetch gets one window, retrying with backoff, and encodes its events.
func (p *Poller) fetch(ctx context.Context, w serapi.Window, track bool) result {
	began := p.Now()
	for attempt := 1; ; attempt++ {
		rep, err := p.Fetcher.Report(ctx, w)
		if err == nil {
			return p.encode(w, rep, track)
		}
		if ctx.Err() != nil {
			return result{w: w, err: ctx.Err()}
		}
		if p.MaxAttempts > 0 && attempt >= p.MaxAttempts {
			return result{w: w, err: p.gaveUp(w, attempt, p.Now().Sub(began), err)}
		}
		wait := p.backoff(attempt)
		p.Logger.Warn("window fetch failed; the cursor waits for it", zap.String("input", p.Input.Name),
			zap.Stringer("window", w), zap.Int("attempt", attempt), zap.Duration("retry_in", wait), zap.Error(err))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return result{w: w, err: ctx.Err()}
		case <-t.C:
		}
	}
}

// encode flattens a report into events and packs them into queue batches
// one event at a time, so that the decoded events never all exist at once.
// With track, an unsettled window also yields its revisit list entry.
func (p *Poller) encode(w serapi.Window, rep *serapi.Report, track bool) result {
	var fp *fingerprints
	if track && p.Input.Revisit > 0 {
		fp = &fingerprints{}
	}
	fetched := p.Now()
	enc := state.NewEncoder(0)
	for _, u := range rep.Users.All() {
		ev := event.FromRecord(p.Input.Name, w, u, &rep.Entitlement, 0)
		if fp != nil {
			id, _ := state.ParseEventID(ev.ID())
			fp.add(id, u)
		}
		if err := enc.Add(&ev); err != nil {
			return result{w: w, err: err}
		}
	}
	ev := event.FromWindowRecords(p.Input.Name, w, rep.Users, &rep.Entitlement, 0)
	if err := enc.Add(&ev); err != nil {
		return result{w: w, err: err}
	}
	n := enc.Events()
	batches, err := enc.Finish()
	return result{w: w, batches: batches, events: n, err: err, revisit: p.newRevisit(w, fp, windowHash(&ev), fetched)}
}

// waitForRoom blocks while any routed sink's queue is over MaxQueueBytes.
func (p *Poller) waitForRoom(ctx context.Context) bool {
	if p.MaxQueueBytes <= 0 {
		return true
	}
	var tick *time.Ticker
	logged := false
	for {
		full := ""
		for _, s := range p.Input.Sinks {
			if st, err := p.Store.Stat(s); err == nil && st.Bytes > p.MaxQueueBytes {
				full = s
				break
			}
		}
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
			tick = time.NewTicker(250 * time.Millisecond)
			defer tick.Stop()
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

// gaveUp is the one error of a window given up on: the input, how many
// attempts over how long, and the last error, naming the window once.
func (p *Poller) gaveUp(w serapi.Window, attempts int, took time.Duration, err error) error {
	what := fmt.Sprintf("input %q: gave up after %d attempts over %s", p.Input.Name, attempts, took.Round(100*time.Millisecond))
	if !strings.Contains(err.Error(), w.String()) {
		what += " on window " + w.String()
	}
	return fmt.Errorf("%s: %w", what, err)
}
