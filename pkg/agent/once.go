// One-shot passes: Once catches every input up and delivers what is queued;
// Backfill re-fetches a past range of one input without moving its cursor.
// Both give the sinks shutdown_timeout to drain before they return.

package agent

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/serfwd/serfwd/pkg/internal/crash"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/serapi"
)

// Result is what a one-shot pass achieved.
type Result struct {
	Windows int              // windows fetched and committed
	Events  int64            // events queued (Backfill)
	Err     error            // why fetching stopped early, if it did
	Left    map[string]int64 // events still queued per sink after the drain
	Sinks   []SinkTally      // what each sink did in this pass, in config order
}

// Once catches every input up to now - delay while the sinks deliver, then
// gives the sinks shutdown_timeout to empty their queues. maxAttempts bounds
// the fetches of one failing window (0: no bound).
func (a *Agent) Once(ctx context.Context, maxAttempts int) Result {
	p := a.start()
	var windows atomic.Int64
	err := p.poll(ctx, a.pollers, func(ctx context.Context, pl *poller.Poller) error {
		pl.MaxAttempts = maxAttempts
		n, err := pl.CatchUp(ctx)
		windows.Add(int64(n))
		return err
	})
	left, err := p.finish(ctx, err)
	return Result{Windows: int(windows.Load()), Err: err, Left: left, Sinks: a.tally(left)}
}

// finish ends a one-shot pass whose fetching ended with err: it says so
// when ctx interrupted it, logs the stack of an internal error, and gives
// the pipeline's sinks shutdown_timeout to drain.
func (p *pipeline) finish(ctx context.Context, err error) (map[string]int64, error) {
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("interrupted: %w", ctx.Err())
	}
	if st := stackField(err); st.Type != zapcore.SkipType {
		p.a.log.Error("fetching stopped on an internal error", zap.Error(err), st)
	}
	return p.drain(p.a.cfg.ShutdownTimeout), err
}

// Backfill re-fetches the windows of input in [from, to) and delivers their
// events to the input's sinks (only theirs run and drain) without moving
// its cursor; progress is told of each window, and fetched (when not nil)
// once fetching ended, before the sinks drain. maxAttempts bounds the
// fetches of one failing window. To be told of waits for the input's rate
// limit, see Limiter.
func (a *Agent) Backfill(ctx context.Context, input string, from, to time.Time, maxAttempts int,
	progress func(done, total int), fetched func(ok bool)) Result {
	i := slices.IndexFunc(a.pollers, func(p *poller.Poller) bool { return p.Input.Name == input })
	if i < 0 {
		return Result{Err: fmt.Errorf("unknown input %q", input)}
	}
	pl := a.pollers[i]
	pl.MaxAttempts = maxAttempts
	counted := &countingObserver{Observer: pl.Observer}
	pl.Observer = counted

	p := a.start(pl.Input.Sinks...)
	var n int
	err := crash.Call(fmt.Sprintf("backfill of input %q", input), func() (err error) {
		n, err = pl.Backfill(ctx, from, to, progress)
		return err
	})
	if fetched != nil {
		fetched(err == nil)
	}
	left, err := p.finish(ctx, err)
	return Result{Windows: n, Events: counted.events.Load(), Err: err, Left: left}
}

// Limiter is the rate limiter every request of input goes through (nil for
// an unknown input), so that a command can say when it waits for it
// (Limiter.OnWait).
func (a *Agent) Limiter(input string) *serapi.Limiter {
	return a.limiters[input]
}

// countingObserver counts the events of committed windows and passes every
// call on to the agent's observer (the metrics).
type countingObserver struct {
	poller.Observer
	events atomic.Int64
}

func (c *countingObserver) Committed(input string, w serapi.Window, events int, cursorMoved bool) {
	c.events.Add(int64(events))
	c.Observer.Committed(input, w, events, cursorMoved)
}
