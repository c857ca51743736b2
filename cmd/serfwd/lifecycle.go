package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/poller"
)

// pipeline runs an agent's delivery loops and pollers and stops them in the
// right order: pollers first, then the loops get shutdown_timeout to drain.
type pipeline struct {
	a        *agent
	stop     chan struct{} // closed when no more events will be committed
	hard     context.Context
	hardStop context.CancelFunc
	waitSink func() map[string]error
	fatal    chan error // a state file failure in a poller or loop
}

func startPipeline(a *agent) *pipeline {
	p := &pipeline{a: a, stop: make(chan struct{}), fatal: make(chan error, len(a.loops)+len(a.pollers))}
	p.hard, p.hardStop = context.WithCancel(context.Background())
	p.waitSink = a.deliveries(p.hard, p.stop, func(err error) { p.fatal <- err })
	return p
}

// poll runs fn for every poller concurrently and waits for all; it returns
// the errors joined.
func (p *pipeline) poll(ctx context.Context, fn func(context.Context, *poller.Poller) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, pl := range p.a.pollers {
		wg.Go(func() {
			if err := fn(ctx, pl); err != nil && ctx.Err() == nil {
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
	left = p.a.remaining()
	for name, err := range failed {
		if !errors.Is(err, context.Canceled) {
			p.a.log.Error("delivery stopped", zap.String("sink", name), zap.Error(err))
		}
	}
	return left
}

// describeLeft renders what stays queued, one sink per line.
func describeLeft(left map[string]int64) []string {
	names := make([]string, 0, len(left))
	for n := range left {
		names = append(names, n)
	}
	sort.Strings(names)
	lines := make([]string, 0, len(names))
	for _, n := range names {
		lines = append(lines, fmt.Sprintf("sink %q: %d events still queued; they stay in the state file for the next run", n, left[n]))
	}
	return lines
}
