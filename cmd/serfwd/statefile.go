// Opening the state file for the operator commands (`checkpoint`,
// `backfill`), with a clear message when a daemon holds it.

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/state"
)

// lockedMessage explains that another serfwd holds the state file and where
// live figures are.
func lockedMessage(cmd string, cfg *config.Config) string {
	live := "its /metrics endpoint (set metrics.listen to enable it)"
	if cfg.Metrics.Listen != "" {
		live = fmt.Sprintf("http://%s/metrics", cfg.Metrics.Listen)
	}
	return fmt.Sprintf("serfwd %s: another serfwd process (e.g. `serfwd run`) holds the state file %s; "+
		"stop it first (systemctl stop serfwd) and run this again; live figures are on %s", cmd, cfg.StatePath, live)
}

// openState opens the state file; on failure it prints why and returns the
// exit status (2 for a setup error such as a locked or corrupt file, 1
// otherwise).
func openState(io stdio, cmd string, cfg *config.Config) (*state.Store, int) {
	st, err := state.Open(cfg.StatePath)
	switch {
	case err == nil:
		return st, exitOK
	case errors.Is(err, state.ErrLocked):
		fmt.Fprintln(io.Stderr, lockedMessage(cmd, cfg))
		return nil, exitUsage
	}
	return nil, setupFailed(io, cmd, agent.ClassifySetup(err))
}

// stateExists reports whether the state file exists, so that read-only
// commands do not create one.
func stateExists(cfg *config.Config) bool {
	_, err := os.Stat(cfg.StatePath)
	return !errors.Is(err, fs.ErrNotExist)
}
