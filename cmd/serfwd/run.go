// `serfwd run`: the daemon, tied to systemd and SIGHUP; and the flag
// helpers every command shares.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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

// runDaemon is `serfwd run`: the agent's daemon, tied to systemd's notify
// protocol and to SIGHUP, until ctx ends (SIGINT/SIGTERM) or the state file
// fails.
func runDaemon(ctx context.Context, io stdio, cfg *config.Config, log *zap.Logger) int {
	a, err := agent.New(cfg, agentOptions(log, nil))
	if err != nil {
		return setupFailed(io, "run", err)
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
		fmt.Fprintf(io.Stderr, "serfwd run: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// agentOptions are what every command that runs the agent hands it.
func agentOptions(log *zap.Logger, extra map[string]sink.Sink) agent.Options {
	ver, _ := buildVersion()
	return agent.Options{Logger: log, Version: ver, Extra: extra}
}

// setupFailed prints why the agent could not be built; problems the
// operator must fix (a locked state file, a bad sink setting) exit 2.
func setupFailed(io stdio, cmd string, err error) int {
	fmt.Fprintf(io.Stderr, "serfwd %s: %v\n", cmd, err)
	var se *agent.SetupError
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
