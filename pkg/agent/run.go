// Run is the daemon: poll every input on its interval and deliver, until the
// context ends (SIGINT/SIGTERM) or the state file fails; then stop polling
// and let the sinks drain for at most shutdown_timeout.

package agent

import (
	"context"
	"errors"
	"os"
	"sync"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/poller"
)

// Hooks tie a running daemon to its service manager and signals; every
// field is optional.
type Hooks struct {
	Ready    func()           // polling starts (systemd READY=1)
	Stopping func()           // shutdown begins: polling stops, queues drain (STOPPING=1)
	Reopen   <-chan os.Signal // each signal reopens the sinks' files (SIGHUP)
}

// Run serves /metrics when configured and the control socket (status,
// checkpoint view, backfill jobs), runs the delivery loops and the
// pollers until ctx ends or a loop fails, then stops them in order. It
// returns the error that stopped polling or delivery, nil after a clean stop;
// a metrics address it cannot listen on is a SetupError, and nothing is
// fetched then.
func (a *Agent) Run(ctx context.Context, h Hooks) error {
	stopMetrics, err := a.startMetrics()
	if err != nil {
		return err
	}
	defer stopMetrics()
	p := a.start()
	// The control socket answers (status, backfill jobs) before systemd
	// hears READY=1, so that `systemctl start` returning means it does.
	pollCtx, stopPolling := context.WithCancel(ctx)
	a.jobs.open(pollCtx)
	stopControl := a.startControl()
	defer stopControl()
	if h.Ready != nil {
		h.Ready()
	}
	a.log.Info("serfwd started", zap.Int("inputs", len(a.pollers)), zap.Int("sinks", len(a.loops)), zap.String("state", a.cfg.StatePath))
	var pollErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		pollErr = p.poll(pollCtx, a.pollers, func(ctx context.Context, pl *poller.Poller) error { return pl.Run(ctx) })
		stopPolling()
	})
	fatal := a.serve(pollCtx.Done(), p, h.Reopen)
	if h.Stopping != nil {
		h.Stopping()
	}
	stopPolling()
	wg.Wait()
	a.jobs.wait() // backfill jobs end with polling
	a.log.Info("stopping: polling stopped, draining queues", zap.Duration("shutdown_timeout", a.cfg.ShutdownTimeout))
	for _, line := range DescribeLeft(p.drain(a.cfg.ShutdownTimeout)) {
		a.log.Warn(line)
	}
	if err := errors.Join(pollErr, fatal); err != nil {
		a.log.Error("serfwd stopped on an error", zap.Error(err), stackField(err))
		return err
	}
	a.log.Info("serfwd stopped")
	return nil
}

// startMetrics serves /metrics, /healthz and /readyz when metrics.listen is
// set; the returned function stops the server.
func (a *Agent) startMetrics() (stop func(), err error) {
	for _, in := range a.cfg.Inputs {
		a.metrics.SetInterval(in.Name, in.Interval)
	}
	if a.cfg.Metrics.Listen == "" {
		return func() {}, nil
	}
	srv, err := a.metrics.Start(a.cfg.Metrics.Listen, a.log) // it logs the bound address
	if err != nil {
		return nil, ClassifySetup(err) // an address in use or not on this host: a SetupError
	}
	a.metricsAddr.Store(srv.Addr())
	return func() { srv.Close(context.Background()) }, nil
}

// serve reopens files on each reopen signal until polling has ended (done)
// or a delivery loop failed, whose error it returns.
func (a *Agent) serve(done <-chan struct{}, p *pipeline, reopen <-chan os.Signal) error {
	for {
		select {
		case <-done:
			return nil
		case err := <-p.fatal:
			return err
		case <-reopen:
			a.log.Info("SIGHUP: reopening files")
			a.Reopen()
		}
	}
}
