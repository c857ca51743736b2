// fanout.go is the one "fetch in parallel, commit in order" of the poller,
// used by catch-up, backfill and revisits: tasks run with a bounded number
// in flight, and their results are committed strictly in the order the
// tasks were started, those already done behind the next one grouped into
// one transaction.

package poller

import (
	"context"
	"sync"

	"github.com/serfwd/serfwd/pkg/internal/crash"
)

// maxGroup bounds how many results go into one transaction.
const maxGroup = 64

// fanOut is one ordered run. next is called from one goroutine, in order,
// for each task to start: it may block (for room in the queues) and returns
// false when there is nothing more to start or ctx ended. failed tells a
// result that ends the run (after the results before it were committed).
// commit writes a group of consecutive results; an error of it ends the run.
// discard is given every result that was produced but not committed, so
// that what it holds (a staged window) can be let go.
type fanOut[R any] struct {
	limit   int
	next    func(ctx context.Context) (task func(context.Context) R, ok bool)
	failed  func(R) error
	commit  func([]R) error
	discard func(R)
	// crashed is the result of a task that panicked (a *crash.Error that
	// failed then reports), so that the run ends on it as on any failure.
	crashed func(error) R
}

// slot is one started task, in order.
type slot[R any] struct{ done chan R }

// run starts tasks and commits their results until next says no more, a
// result fails, a commit fails or ctx ends; it returns the first error (or
// ctx's) once every task it started has ended.
func (f *fanOut[R]) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	order := make(chan *slot[R], max(f.limit-1, 0))
	var planErr error // a panic of next
	wg.Go(func() {
		defer close(order)
		defer cancelOnCrash(&planErr, cancel)
		for {
			task, ok := f.next(ctx)
			if !ok {
				return
			}
			s := &slot[R]{done: make(chan R, 1)}
			wg.Go(func() { s.done <- f.call(ctx, task) })
			select {
			case order <- s:
			case <-ctx.Done():
				f.discard(<-s.done)
				return
			}
		}
	})
	g := grouper[R]{order: order, failed: f.failed}
	err := f.drive(ctx, &g)
	cancel()
	g.drain(f.discard)
	wg.Wait()
	if planErr != nil {
		return planErr
	}
	return err
}

// call runs task, turning a panic into the crashed result.
func (f *fanOut[R]) call(ctx context.Context, task func(context.Context) R) (r R) {
	var err error
	defer func() {
		if err != nil {
			r = f.crashed(err)
		}
	}()
	defer crash.Catch("fetching a window", &err)
	return task(ctx)
}

// cancelOnCrash, deferred, recovers a panic of the planning goroutine into
// *err and ends the run.
func cancelOnCrash(err *error, cancel context.CancelFunc) {
	if v := recover(); v != nil {
		*err = crash.Recovered("planning the windows to fetch", v)
		cancel()
	}
}

// drive commits groups until the tasks run out or something fails.
func (f *fanOut[R]) drive(ctx context.Context, g *grouper[R]) error {
	for {
		group, err := g.next()
		if len(group) > 0 {
			if cerr := f.commit(group); cerr != nil {
				for _, r := range group {
					f.discard(r)
				}
				return cerr
			}
		}
		if err != nil {
			return err
		}
		if group == nil {
			return ctx.Err()
		}
	}
}

// grouper hands the committer the next result together with the results
// after it that are already done, strictly in order.
type grouper[R any] struct {
	order  <-chan *slot[R]
	failed func(R) error
	carry  *slot[R] // received from order but not yet done
	held   []R      // done but not handed over (a failed result and what came after)
}

// next blocks for the next result and adds those already done behind it.
// It returns nil when the tasks ran out, and the error of a failed result
// (after the results before it).
func (g *grouper[R]) next() ([]R, error) {
	var group []R
	for len(group) < maxGroup {
		s := g.carry
		g.carry = nil
		if s == nil {
			var ok bool
			if len(group) == 0 {
				s, ok = <-g.order
			} else {
				select {
				case s, ok = <-g.order:
				default:
					return group, nil
				}
			}
			if !ok {
				return group, nil
			}
		}
		var r R
		if len(group) == 0 {
			r = <-s.done
		} else {
			select {
			case r = <-s.done:
			default:
				g.carry = s
				return group, nil
			}
		}
		if err := g.failed(r); err != nil {
			g.held = append(g.held, r)
			return group, err
		}
		group = append(group, r)
	}
	return group, nil
}

// drain gives discard every result not handed over, waiting for the tasks
// still running (their context has ended).
func (g *grouper[R]) drain(discard func(R)) {
	for _, r := range g.held {
		discard(r)
	}
	g.held = nil
	if g.carry != nil {
		discard(<-g.carry.done)
		g.carry = nil
	}
	for s := range g.order {
		discard(<-s.done)
	}
}
