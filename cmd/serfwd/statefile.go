// Opening the state file for the operator commands (`checkpoint`,
// `backfill`) when no daemon answers on its control socket, with a clear
// message when another process holds it all the same.

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/state"
)

// lockedMessage explains that another serfwd holds the state file while
// no daemon answers on its control socket: a daemon starting or stopping,
// or a one-shot command.
func lockedMessage(cmd string, cfg *config.Config) string {
	return fmt.Sprintf("serfwd %s: another serfwd process holds the state file %s and does not answer on %s "+
		"(a daemon starting or stopping, or a once, backfill or checkpoint command); try again when it is done",
		cmd, cfg.StatePath, control.SocketPath(cfg.StatePath))
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
