package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/poller"
)

func cmdRun(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("run", io)
	cf := newConfigFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	defer cf.close()
	cfg, log, code := loadConfigAndLogger(io, "run", cf)
	if code != exitOK {
		return code
	}
	defer log.Sync()
	return runDaemon(ctx, io, cfg, log)
}

// runDaemon is `serfwd run`: poll every input on its interval and deliver,
// until ctx ends (SIGINT/SIGTERM) or the state file fails.
func runDaemon(ctx context.Context, io stdio, cfg *config.Config, log *zap.Logger) int {
	a, err := newAgent(cfg, log, nil)
	if err != nil {
		return setupFailed(io, "run", err)
	}
	defer a.close(context.Background())
	stopMetrics, err := startMetrics(cfg, a, log)
	if err != nil {
		return setupFailed(io, "run", err)
	}
	defer stopMetrics()
	p := startPipeline(a)
	sd := newNotifier(log)
	sd.send("READY=1")
	watchdog, stopWatchdog := sd.ticker()
	defer stopWatchdog()
	log.Info("serfwd started", zap.Int("inputs", len(a.pollers)), zap.Int("sinks", len(a.loops)), zap.String("state", cfg.StatePath))

	pollCtx, stopPolling := context.WithCancel(ctx)
	var pollErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		pollErr = p.poll(pollCtx, func(ctx context.Context, pl *poller.Poller) error { return pl.Run(ctx) })
		stopPolling()
	})
	fatal := serveUntilStopped(pollCtx.Done(), p, sd, watchdog, log)
	sd.send("STOPPING=1")
	stopWatchdog()
	defer sd.keepAlive()()
	stopPolling()
	wg.Wait()
	log.Info("stopping: polling stopped, draining queues", zap.Duration("shutdown_timeout", cfg.ShutdownTimeout))
	for _, line := range describeLeft(p.drain(cfg.ShutdownTimeout)) {
		log.Warn(line)
	}
	if err := errors.Join(pollErr, fatal); err != nil {
		log.Error("serfwd stopped on an error", zap.Error(err))
		fmt.Fprintf(io.Stderr, "serfwd run: %v\n", err)
		return exitFailure
	}
	log.Info("serfwd stopped")
	return exitOK
}

// startMetrics serves /metrics, /healthz and /readyz when metrics.listen is
// set; the returned function stops the server.
func startMetrics(cfg *config.Config, a *agent, log *zap.Logger) (stop func(), err error) {
	for _, in := range cfg.Inputs {
		a.metrics.SetInterval(in.Name, in.Interval)
	}
	if cfg.Metrics.Listen == "" {
		return func() {}, nil
	}
	srv, err := a.metrics.Start(cfg.Metrics.Listen, log)
	if err != nil {
		return nil, err
	}
	log.Info("metrics listening", zap.String("address", srv.Addr()))
	return func() { srv.Close(context.Background()) }, nil
}

// serveUntilStopped reopens files on SIGHUP and pings the watchdog until
// polling has ended (done) or a delivery loop failed, whose error it returns.
func serveUntilStopped(done <-chan struct{}, p *pipeline, sd *notifier, watchdog <-chan time.Time, log *zap.Logger) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-done:
			return nil
		case err := <-p.fatal:
			return err
		case <-hup:
			log.Info("SIGHUP: reopening files")
			p.a.reopen()
		case <-watchdog:
			sd.send("WATCHDOG=1")
		}
	}
}
