// The table of sink kinds serfwd ships, config loading through it, and the
// building of one sink with its delivery loop.

package agent

import (
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/file"
	"github.com/serfwd/serfwd/pkg/sink/hec"
	"github.com/serfwd/serfwd/pkg/sink/kafka"
	"github.com/serfwd/serfwd/pkg/sink/otlp"
	"github.com/serfwd/serfwd/pkg/sink/syslog"
)

// SinkKinds is the table of every sink kind serfwd can deliver to, in the
// order messages list them. Adding a sink is one package under pkg/sink
// and one line here.
func SinkKinds() *sink.Registry {
	r, err := sink.NewRegistry(
		hec.Kind(),
		syslog.Kind(),
		file.Kind(),
		kafka.Kind(),
		otlp.Kind(),
	)
	if err != nil {
		panic(err) // a programming error, caught by the package's tests
	}
	return r
}

// LoadConfig loads the config file at path with every sink kind and
// validates it in the same pass (config.LoadAndValidate).
func LoadConfig(path string, opts ...config.Option) (*config.Config, error) {
	return config.LoadAndValidate(path, append([]config.Option{config.WithSinkKinds(SinkKinds())}, opts...)...)
}

// settings are what the sink of sc is built with.
func (a *Agent) settings(sc config.Sink, m sink.Metrics) sink.Settings {
	host, _ := os.Hostname()
	dir := filepath.Dir(a.cfg.StatePath)
	log := a.log.With(zap.String("sink", sc.Name))
	return sink.Settings{Name: sc.Name, Logger: log, StateDir: dir, Version: a.opts.Version, Hostname: host,
		Metrics: m, DeadLetter: sink.NewDeadLetters(dir, sc.Name, log, m)}
}

// buildSinks builds every configured sink (or takes the one the command
// supplied) and its delivery loop, which shares the sink's dead-letter file.
func (a *Agent) buildSinks() error {
	for i, sc := range a.cfg.Sinks {
		counted := sink.CountDeadLetters(a.obs)
		set := a.settings(sc, counted)
		s, ok := a.opts.Extra[sc.Name]
		if !ok {
			var err error
			if s, err = a.kinds.New(set, sc); err != nil {
				return fmt.Errorf("sinks[%d]: %w", i, err) // the error names the sink
			}
		}
		a.sinks[sc.Name] = s
		lim := sink.LimitsOf(sc)
		a.loops = append(a.loops, &sink.Loop{Name: sc.Name, Sink: s, Queue: a.store, Logger: a.log,
			Observer: a.obs, DeadLetters: set.DeadLetter, DeadLettered: counted, MaxEvents: lim.MaxEvents, BatchTimeout: lim.BatchTimeout})
	}
	return nil
}
