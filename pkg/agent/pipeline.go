// The running pipeline of an agent: delivery loops started first, pollers
// run on top, then stopped in order: pollers first, then the loops get
// shutdown_timeout to drain their queues.

package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/internal/crash"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/sink"
)

// pipeline is an agent's delivery loops at work.
type pipeline struct {
	a        *Agent
	loops    []*sink.Loop  // the loops at work: all, or those a backfill feeds
	stop     chan struct{} // closed when no more events will be committed
	hard     context.Context
	hardStop context.CancelFunc
	waitSink func() map[string]error
	fatal    chan error // a state file failure in a loop
}

// start runs the delivery loops of the named sinks (every sink when none
// is named) until drain.
func (a *Agent) start(only ...string) *pipeline {
	loops := a.loops
	if len(only) > 0 {
		loops = slices.DeleteFunc(slices.Clone(loops), func(l *sink.Loop) bool { return !slices.Contains(only, l.Name) })
	}
	p := &pipeline{a: a, loops: loops, stop: make(chan struct{}), fatal: make(chan error, len(loops)+len(a.pollers))}
	p.hard, p.hardStop = context.WithCancel(context.Background())
	p.waitSink = deliveries(p.hard, loops, p.stop, func(err error) { p.fatal <- err })
	return p
}

// deliveries runs loops until they drain after stop is closed or ctx ends.
// The returned wait reports, per sink, why it did not drain.
func deliveries(ctx context.Context, loops []*sink.Loop, stop <-chan struct{}, onFatal func(error)) (wait func() map[string]error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := map[string]error{}
	for _, l := range loops {
		wg.Go(func() {
			err := crash.Call(fmt.Sprintf("delivery to sink %q", l.Name), func() error { return l.Run(ctx, stop) })
			if err != nil {
				if ctx.Err() == nil {
					onFatal(err)
				}
				mu.Lock()
				failed[l.Name] = err
				mu.Unlock()
			}
		})
	}
	return func() map[string]error {
		wg.Wait()
		return failed
	}
}

// poll runs fn for every poller concurrently and waits for all; it returns
// the errors joined.
func (p *pipeline) poll(ctx context.Context, pollers []*poller.Poller, fn func(context.Context, *poller.Poller) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, pl := range pollers {
		wg.Go(func() {
			err := crash.Call(fmt.Sprintf("polling input %q", pl.Input.Name), func() error { return fn(ctx, pl) })
			if err != nil && (ctx.Err() == nil || errors.As(err, new(*crash.Error))) {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// drain tells the loops that nothing more comes, waits at most timeout for
// them to empty their queues, and reports what stays queued.
func (p *pipeline) drain(timeout time.Duration) (left map[string]int64) {
	close(p.stop)
	timer := time.AfterFunc(timeout, p.hardStop)
	failed := p.waitSink()
	timer.Stop()
	p.hardStop()
	left = p.remaining()
	for name, err := range failed {
		if !errors.Is(err, context.Canceled) {
			p.a.log.Error("delivery stopped", zap.String("sink", name), zap.Error(err), stackField(err))
		}
	}
	return left
}

// remaining reports the queued events of every sink of p that has some.
func (p *pipeline) remaining() map[string]int64 {
	out := map[string]int64{}
	for _, l := range p.loops {
		if st, err := p.a.store.Stat(l.Name); err == nil && st.Events > 0 {
			out[l.Name] = st.Events
		}
	}
	return out
}

// DescribeLeft renders what stays queued, one sink per line.
func DescribeLeft(left map[string]int64) []string {
	return DescribeLeftWith(left, "they stay in the state file for the next run")
}

// DescribeLeftWith renders what stays queued, one sink per line, saying
// what becomes of it (fate).
func DescribeLeftWith(left map[string]int64, fate string) []string {
	names := make([]string, 0, len(left))
	for n := range left {
		names = append(names, n)
	}
	sort.Strings(names)
	lines := make([]string, 0, len(names))
	for _, n := range names {
		lines = append(lines, fmt.Sprintf("sink %q: %d events still queued; %s", n, left[n], fate))
	}
	return lines
}

// stackField is the stack of a recovered panic in err (crash.Error) for a
// log line, or no field.
func stackField(err error) zap.Field {
	if st := crash.Stack(err); st != "" {
		return zap.String("stack", st)
	}
	return zap.Skip()
}
