// `serfwd run`: the daemon, tied to systemd and SIGHUP; and the flag
// helpers every command shares.

package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
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

// runDaemon is `serfwd run`: the agent's daemon, tied to systemd's notify
// protocol and to SIGHUP, until ctx ends (SIGINT/SIGTERM) or the state file
// fails.
func runDaemon(ctx context.Context, io stdio, cfg *config.Config, log *zap.Logger) int {
	a, err := newDaemonAgent(ctx, cfg, log)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return exitOK // stopped (SIGTERM) while waiting for the state file
	}
	if err != nil {
		return startFailed(ctx, io, "run", cfg, err)
	}
	defer a.Close(context.Background())
	sd := newNotifier(log)
	stopWatchdog := func() {}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	err = a.Run(ctx, agent.Hooks{
		// The watchdog is pinged from READY=1 until the queues are drained.
		Ready:    func() { sd.send("READY=1"); stopWatchdog = sd.keepAlive() },
		Stopping: func() { sd.send("STOPPING=1") },
		Reopen:   hup,
	})
	stopWatchdog()
	if err != nil {
		return setupFailed(io, "run", err) // exit 2 for a metrics address it cannot listen on
	}
	return exitOK
}

// agentOptions are what every command that runs the agent hands it.
func agentOptions(log *zap.Logger, extra map[string]sink.Sink) agent.Options {
	ver, _ := buildVersion()
	return agent.Options{Logger: log, Version: ver, Extra: extra}
}

// oneShotOptions are agentOptions for a command that must end (once,
// backfill, demo): it gives up on an API that fails within about a minute.
func oneShotOptions(log *zap.Logger, extra map[string]sink.Sink) agent.Options {
	o := agentOptions(log, extra)
	o.OneShot = true
	return o
}
