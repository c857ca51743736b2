package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/poller"
)

func cmdRun(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("run", io)
	cfgPath := configPath(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	cfg, log, code := loadConfigAndLogger(io, "run", *cfgPath)
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
	if cfg.Metrics.Listen != "" {
		srv, err := a.metrics.Start(cfg.Metrics.Listen, log)
		if err != nil {
			fmt.Fprintf(io.Stderr, "serfwd run: %v\n", err)
			return exitFailure
		}
		defer srv.Close(context.Background())
		log.Info("metrics listening", zap.String("address", srv.Addr()))
	}
	for _, in := range cfg.Inputs {
		a.metrics.SetInterval(in.Name, in.Interval)
	}
	p := startPipeline(a)
	sd := newNotifier(log)
	sd.send("READY=1")
	watchdog, stopWatchdog := sd.ticker()
	defer stopWatchdog()
	log.Info("serfwd started", zap.Int("inputs", len(a.pollers)), zap.Int("sinks", len(a.loops)), zap.String("state", cfg.StatePath))

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	pollCtx, stopPolling := context.WithCancel(ctx)
	var pollErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		pollErr = p.poll(pollCtx, func(ctx context.Context, pl *poller.Poller) error { return pl.Run(ctx) })
		stopPolling()
	})
	var fatal error
	for waiting := true; waiting; {
		select {
		case <-pollCtx.Done():
			waiting = false
		case fatal = <-p.fatal:
			waiting = false
		case <-hup:
			log.Info("SIGHUP: reopening files")
			a.reopen()
		case <-watchdog:
			sd.send("WATCHDOG=1")
		}
	}
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

// setupFailed prints why the agent could not be built; problems the
// operator must fix (a locked state file, a bad sink setting) exit 2.
func setupFailed(io stdio, cmd string, err error) int {
	fmt.Fprintf(io.Stderr, "serfwd %s: %v\n", cmd, err)
	var se *setupError
	if errors.As(err, &se) {
		return exitUsage
	}
	return exitFailure
}

// newFlagSet returns a flag set that reports problems on stderr.
func newFlagSet(name string, io stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("serfwd "+name, flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	return fs
}

// parseFlags parses args; it returns -1 to go on, else the exit status.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage
	}
	return -1
}
