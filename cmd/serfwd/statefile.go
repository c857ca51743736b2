// Opening the state file for the operator commands (`checkpoint`,
// `backfill`) when no daemon answers on its control socket, with a clear
// message when another process holds it all the same.

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/state"
)

// lockedMessage explains that another process holds the state file: a
// daemon that answers on the control socket, by its pid, and where to look
// instead; else a process that does not answer there (a daemon starting or
// stopping, or a one-shot command).
func lockedMessage(ctx context.Context, cmd string, cfg *config.Config) string {
	if who, ok := daemonHolding(ctx, cfg); ok {
		return fmt.Sprintf("serfwd %s: %s holds the state file %s (one process at a time); serfwd status shows what it does, "+
			"checkpoint show and backfill work beside it; stop it first (systemctl stop serfwd) to run %s", cmd, who, cfg.StatePath, cmd)
	}
	return fmt.Sprintf("serfwd %s: another serfwd process holds the state file %s and does not answer on %s "+
		"(a daemon starting or stopping, or a once, backfill or checkpoint command); try again when it is done",
		cmd, cfg.StatePath, control.SocketPath(cfg.StatePath))
}

// daemonHolding names the daemon that answers on cfg's control socket
// ("serfwd run (pid N)"); ok is false when none answers.
func daemonHolding(ctx context.Context, cfg *config.Config) (who string, ok bool) {
	c, err := reachDaemon(ctx, cfg)
	if err != nil || c == nil {
		return "", false
	}
	if st, err := c.Status(ctx); err == nil {
		return fmt.Sprintf("serfwd run (pid %d)", st.PID), true
	}
	return "serfwd run", true
}

// openState opens the state file; on failure it prints why and returns the
// exit status (2 for a setup error such as a locked or corrupt file, 1
// otherwise).
func openState(ctx context.Context, io stdio, cmd string, cfg *config.Config) (*state.Store, int) {
	st, err := state.Open(cfg.StatePath)
	if err != nil {
		return nil, startFailed(ctx, io, cmd, cfg, err)
	}
	return st, exitOK
}

// startFailed reports why cmd could not open the state file or build its
// agent: who holds a locked state file, else as setupFailed does. It
// returns the exit status.
func startFailed(ctx context.Context, io stdio, cmd string, cfg *config.Config, err error) int {
	if errors.Is(err, state.ErrLocked) {
		fmt.Fprintln(io.Stderr, lockedMessage(ctx, cmd, cfg))
		return exitUsage
	}
	return setupFailed(io, cmd, agent.ClassifySetup(err))
}

// stateExists reports whether the state file exists, so that read-only
// commands do not create one.
func stateExists(cfg *config.Config) bool {
	_, err := os.Stat(cfg.StatePath)
	return !errors.Is(err, fs.ErrNotExist)
}
