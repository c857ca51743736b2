// The Agent: the state file, the sinks with their delivery loops and the
// pollers of one config, built downstream first and closed upstream first.

package agent

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/metrics"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/state"
)

// Options are what a command hands the agent besides the config.
type Options struct {
	Logger  *zap.Logger
	Version string         // serfwd's version, for metrics and payloads
	Kinds   *sink.Registry // the sink kinds; nil: SinkKinds()
	// Extra are sinks the command builds itself (the demo's stdout), by
	// configured name; they replace building that entry from its kind.
	Extra map[string]sink.Sink
}

// Agent is serfwd's assembled pipeline: the state file, one delivery loop
// per sink and one poller per input.
type Agent struct {
	cfg     *config.Config
	opts    Options
	log     *zap.Logger
	kinds   *sink.Registry
	store   *state.Store
	metrics *metrics.Metrics
	sinks   map[string]sink.Sink
	loops   []*sink.Loop
	pollers []*poller.Poller
	// limiters are the inputs' rate limiters, by input name.
	limiters map[string]*serapi.Limiter
}

// New opens the state file and builds sinks, loops and pollers.
func New(cfg *config.Config, opts Options) (*Agent, error) {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Kinds == nil {
		opts.Kinds = SinkKinds()
	}
	a := &Agent{cfg: cfg, opts: opts, log: opts.Logger, kinds: opts.Kinds, sinks: map[string]sink.Sink{},
		limiters: map[string]*serapi.Limiter{}}
	a.metrics = newMetrics(cfg, opts.Version)
	st, err := state.Open(cfg.StatePath)
	if err != nil {
		return nil, ClassifySetup(err)
	}
	a.store = st
	a.metrics.SetReady(true)
	if err := a.buildSinks(); err != nil {
		a.Close(context.Background())
		return nil, &SetupError{err}
	}
	if err := a.buildPollers(); err != nil {
		a.Close(context.Background())
		return nil, &SetupError{err}
	}
	return a, nil
}

// buildPollers builds one poller per input, with its SER API client.
func (a *Agent) buildPollers() error {
	for _, in := range a.cfg.Inputs {
		// The poller names the input in each line; the client's lines need it added.
		client, err := serapi.New(in, serapi.Options{Logger: a.log.With(zap.String("input", in.Name)), Observer: a.metrics.Input(in.Name)})
		if err != nil {
			return fmt.Errorf("inputs[%s]: %w", in.Name, err)
		}
		a.limiters[in.Name] = client.Limiter()
		if cur, ok, err := a.store.Cursor(in.Name); err == nil && ok {
			a.metrics.SetCursor(in.Name, cur)
		}
		a.pollers = append(a.pollers, &poller.Poller{Input: in, Fetcher: client, Store: a.store, Logger: a.log,
			Observer: a.metrics, MaxQueueBytes: int64(a.cfg.Queue.MaxBytesPerSink)})
	}
	return nil
}

// newMetrics builds the metrics of every configured input and sink.
func newMetrics(cfg *config.Config, version string) *metrics.Metrics {
	inputs := make([]string, 0, len(cfg.Inputs))
	for _, in := range cfg.Inputs {
		inputs = append(inputs, in.Name)
	}
	sinks := make([]string, 0, len(cfg.Sinks))
	for _, s := range cfg.Sinks {
		sinks = append(sinks, s.Name)
	}
	return metrics.New(inputs, sinks, metrics.WithVersion(version))
}

// Close closes sinks, then the state file.
func (a *Agent) Close(ctx context.Context) {
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
		a.store = nil
	}
}

// Reopen asks every sink that holds files to reopen them (SIGHUP).
func (a *Agent) Reopen() {
	for name, s := range a.sinks {
		if r, ok := s.(sink.Reopener); ok {
			if err := r.Reopen(); err != nil {
				a.log.Error("reopening sink", zap.String("sink", name), zap.Error(err))
			}
		}
	}
}
