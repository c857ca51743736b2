package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/metrics"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/file"
	"github.com/serfwd/serfwd/pkg/sink/hec"
	"github.com/serfwd/serfwd/pkg/sink/syslog"
	"github.com/serfwd/serfwd/pkg/state"
)

// sinkRegistry is the explicit table of sink types.
func sinkRegistry() (sink.Registry, error) {
	return sink.NewRegistry(file.Factory(), hec.Factory(), syslog.Factory())
}

// agent is serfwd's assembled pipeline: the state file, one delivery loop per
// sink and one poller per input. Built downstream first, stopped upstream first.
type agent struct {
	cfg     *config.Config
	log     *zap.Logger
	store   *state.Store
	metrics *metrics.Metrics
	sinks   map[string]sink.Sink
	loops   []*sink.Loop
	pollers []*poller.Poller

	// extra sinks added by a command (the demo's stdout), by name.
	extra map[string]sink.Sink
}

// setupError marks failures that are the operator's to fix (exit 2): the
// state file held by another process, a sink that cannot be built from its
// config.
type setupError struct{ err error }

func (e *setupError) Error() string { return e.err.Error() }
func (e *setupError) Unwrap() error { return e.err }

// newAgent opens the state file and builds sinks, loops and pollers.
func newAgent(cfg *config.Config, log *zap.Logger, extra map[string]sink.Sink) (*agent, error) {
	a := &agent{cfg: cfg, log: log, sinks: map[string]sink.Sink{}, extra: extra}
	a.metrics = newMetrics(cfg)
	st, err := state.Open(cfg.StatePath)
	if err != nil {
		if errors.Is(err, state.ErrLocked) || errors.Is(err, state.ErrCorrupt) {
			return nil, &setupError{err}
		}
		return nil, err
	}
	a.store = st
	a.metrics.SetReady(true)
	if err := a.buildSinks(); err != nil {
		a.close(context.Background())
		return nil, &setupError{err}
	}
	if err := a.buildPollers(); err != nil {
		a.close(context.Background())
		return nil, &setupError{err}
	}
	return a, nil
}

func (a *agent) buildSinks() error {
	reg, err := sinkRegistry()
	if err != nil {
		return err
	}
	for _, sc := range a.cfg.Sinks {
		s, ok := a.extra[sc.Name]
		if !ok {
			if s, err = newSink(reg, a.cfg, sc, a.log, a.metrics); err != nil {
				return err
			}
		}
		a.sinks[sc.Name] = s
		a.loops = append(a.loops, &sink.Loop{Name: sc.Name, Sink: s, Queue: a.store,
			Logger: a.log, Observer: a.metrics, DeadLetterDir: filepath.Dir(a.cfg.StatePath), MaxEvents: maxEvents(sc), BatchTimeout: batchTimeout(sc)})
	}
	return nil
}

// newSink builds the sink of config entry sc through the registry; `run`,
// `once` and `check` all build their sinks here.
func newSink(reg sink.Registry, cfg *config.Config, sc config.Sink, log *zap.Logger, m sink.Metrics) (sink.Sink, error) {
	host, _ := os.Hostname()
	ver, _ := buildVersion()
	set := sink.Settings{Name: sc.Name, Logger: log.With(zap.String("sink", sc.Name)),
		StateDir: filepath.Dir(cfg.StatePath), Version: ver, Hostname: host, Metrics: m}
	s, err := reg.New(set, sc)
	if err != nil {
		return nil, fmt.Errorf("sinks[%s]: %w", sc.Name, err)
	}
	return s, nil
}

// maxEvents is how many events one Write gets. The HEC sink cuts a Write into
// requests of batch_max_events itself; handing it several requests' worth
// at once means fewer queue transactions per event.
func maxEvents(sc config.Sink) int {
	if sc.HEC != nil {
		return max(sc.HEC.BatchMaxEvents*4, 1000)
	}
	return 1000
}

func batchTimeout(sc config.Sink) time.Duration {
	if sc.HEC != nil {
		return sc.HEC.BatchTimeout
	}
	return 0
}

func (a *agent) buildPollers() error {
	for _, in := range a.cfg.Inputs {
		// The poller names the input in each line; the client's lines need it added.
		client, err := serapi.New(in, serapi.Options{Logger: a.log.With(zap.String("input", in.Name)), Observer: a.metrics.Input(in.Name)})
		if err != nil {
			return fmt.Errorf("inputs[%s]: %w", in.Name, err)
		}
		if cur, ok, err := a.store.Cursor(in.Name); err == nil && ok {
			a.metrics.SetCursor(in.Name, cur)
		}
		a.pollers = append(a.pollers, poller.New(poller.Config{Input: in, Fetcher: client, Store: a.store, Logger: a.log,
			Observer: a.metrics, MaxQueueBytes: int64(a.cfg.Queue.MaxBytesPerSink)}))
	}
	return nil
}

// deliveries runs every delivery loop until they drain after stop is closed
// or ctx ends. The returned wait reports, per sink, why it did not drain.
func (a *agent) deliveries(ctx context.Context, stop <-chan struct{}, onFatal func(error)) (wait func() map[string]error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := map[string]error{}
	for _, l := range a.loops {
		wg.Go(func() {
			if err := l.Run(ctx, stop); err != nil {
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

// remaining reports the queued events of every sink that has some.
func (a *agent) remaining() map[string]int64 {
	out := map[string]int64{}
	for name := range a.sinks {
		if st, err := a.store.Stat(name); err == nil && st.Events > 0 {
			out[name] = st.Events
		}
	}
	return out
}

// newMetrics builds the metrics of every configured input and sink.
func newMetrics(cfg *config.Config) *metrics.Metrics {
	inputs := make([]string, 0, len(cfg.Inputs))
	for _, in := range cfg.Inputs {
		inputs = append(inputs, in.Name)
	}
	sinks := make([]string, 0, len(cfg.Sinks))
	for _, s := range cfg.Sinks {
		sinks = append(sinks, s.Name)
	}
	ver, _ := buildVersion()
	return metrics.New(inputs, sinks, metrics.WithVersion(ver))
}

// close closes sinks, then the state file.
func (a *agent) close(ctx context.Context) {
	for name, s := range a.sinks {
		if err := s.Close(ctx); err != nil {
			a.log.Warn("closing sink", zap.String("sink", name), zap.Error(err))
		}
	}
	if a.store != nil {
		a.metrics.SetReady(false)
		if err := a.store.Close(); err != nil {
			a.log.Warn("closing state file", zap.Error(err))
		}
	}
}

// reopen asks every sink that holds files to reopen them (SIGHUP).
func (a *agent) reopen() {
	for name, s := range a.sinks {
		if r, ok := s.(sink.Reopener); ok {
			if err := r.Reopen(); err != nil {
				a.log.Error("reopening sink", zap.String("sink", name), zap.Error(err))
			}
		}
	}
}
