// The Agent: the state file, the sinks with their delivery loops and the
// pollers of one config, built downstream first and closed upstream first.

package agent

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/metrics"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/redact"
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
	// OneShot is for commands that must end (once, backfill, demo): the
	// inputs' clients follow the one-shot policy (serapi.Options.FailFast:
	// few, short retries, a deadline once an input fails, per-attempt
	// failures logged at debug). The daemon retries as ever.
	OneShot bool
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
	obs     *observer // the metrics and the live view of `serfwd status`
	sinks   map[string]sink.Sink
	loops   []*sink.Loop
	pollers []*poller.Poller
	// limiters are the inputs' rate limiters, by input name.
	limiters map[string]*serapi.Limiter
	// fetchers are the inputs' clients, as the pollers use them, by name.
	fetchers map[string]poller.Fetcher
	// starts are where the inputs without a cursor start (their lag counts
	// from there until the first commit), by name.
	starts  map[string]time.Time
	started time.Time
	jobs    jobs // a daemon's backfill jobs
	// metricsAddr is where the metrics endpoint listens (port 0 resolved);
	// empty while it does not.
	metricsAddr atomic.Value // string
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
		limiters: map[string]*serapi.Limiter{}, fetchers: map[string]poller.Fetcher{}, starts: map[string]time.Time{},
		started: time.Now()}
	a.metrics = newMetrics(cfg, opts.Version)
	a.obs = newObserver(a.metrics, redact.New(redact.Collect(cfg)...))
	st, err := state.Open(cfg.StatePath)
	if err != nil {
		return nil, ClassifySetup(err)
	}
	a.store = st
	a.watchQueues()
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
	for i, in := range a.cfg.Inputs {
		// The poller names the input in each line; the client's lines need it added.
		client, err := serapi.New(in, serapi.Options{Logger: a.log.With(zap.String("input", in.Name)), Observer: clientObserver{Observer: a.metrics.Input(in.Name), input: in.Name, obs: a.obs},
			FailFast: a.opts.OneShot})
		if err != nil {
			return fmt.Errorf("inputs[%d] (%s): %w", i, in.Name, err)
		}
		a.limiters[in.Name] = client.Limiter()
		a.fetchers[in.Name] = watchedFetcher{Fetcher: client, input: in.Name, obs: a.obs}
		cur, ok, err := a.store.Cursor(in.Name)
		if err != nil {
			return fmt.Errorf("reading the cursor of input %q: %w", in.Name, err)
		}
		if ok {
			a.metrics.SetCursor(in.Name, cur)
		} else {
			a.starts[in.Name] = poller.FirstStart(in, a.started)
			a.metrics.SetNextStart(in.Name, a.starts[in.Name])
		}
		a.pollers = append(a.pollers, a.newPoller(in))
	}
	return nil
}

// newPoller builds a poller of input in on the agent's client, state file
// and observer; several may run at once (the daemon's and a backfill job's).
func (a *Agent) newPoller(in config.Input) *poller.Poller {
	return poller.New(poller.Config{Input: in, Fetcher: a.fetchers[in.Name], Store: a.store, Logger: a.log,
		Observer: a.obs, MaxQueueBytes: int64(a.cfg.Queue.MaxBytesPerSink)})
}

// watchQueues seeds the queue figures from the state file and has every
// scrape of the metrics read them there, so that they are what each queue
// holds at that moment.
func (a *Agent) watchQueues() {
	st := a.store
	for _, sc := range a.cfg.Sinks {
		if q, err := st.Stat(sc.Name); err == nil {
			a.metrics.QueueDepth(sc.Name, q.Events, q.Bytes)
		}
	}
	a.metrics.SetQueueSource(func(sink string) (int64, int64, error) {
		q, err := st.Stat(sink)
		return q.Events, q.Bytes, err
	})
}

// newMetrics builds the metrics of every configured input and sink.
func newMetrics(cfg *config.Config, version string) *metrics.Metrics {
	inputs := make([]string, 0, len(cfg.Inputs))
	for _, in := range cfg.Inputs {
		inputs = append(inputs, in.Name)
	}
	sinks, truncating := make([]string, 0, len(cfg.Sinks)), []string(nil)
	for _, s := range cfg.Sinks {
		sinks = append(sinks, s.Name)
		if sc, ok := s.Config.(sink.Config); ok && sc.Describe().Truncates {
			truncating = append(truncating, s.Name)
		}
	}
	return metrics.New(inputs, sinks, metrics.WithVersion(version), metrics.WithTruncating(truncating...))
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
		a.metrics.SetQueueSource(nil) // the last figures stay
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

// input returns the configured input called name.
func (a *Agent) input(name string) (config.Input, bool) {
	i := slices.IndexFunc(a.cfg.Inputs, func(in config.Input) bool { return in.Name == name })
	if i < 0 {
		return config.Input{}, false
	}
	return a.cfg.Inputs[i], true
}
