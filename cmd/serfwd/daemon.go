// Reaching the daemon that holds the state file, over its control socket
// (pkg/control): the commands that read the state file ask it; those that
// would write it refuse while it runs.

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/control"
)

// reachDaemon returns a client of the daemon running on cfg's state file,
// nil when none answers, or an error when one may run but cannot be
// reached (e.g. its socket belongs to another user).
func reachDaemon(ctx context.Context, cfg *config.Config) (*control.Client, error) {
	c, err := control.Dial(ctx, control.SocketPath(cfg.StatePath))
	if errors.Is(err, control.ErrNoDaemon) {
		return nil, nil
	}
	return c, err
}

// refuseBesideDaemon prints why cmd, which writes the state file, does not
// run while a daemon answers on it and returns exitUsage; it returns -1
// when no daemon answers (a daemon it cannot reach still holds the lock,
// which opening the state file then reports).
func refuseBesideDaemon(ctx context.Context, io stdio, cmd string, cfg *config.Config) int {
	who, ok := daemonHolding(ctx, cfg)
	if !ok {
		return -1
	}
	fmt.Fprintf(io.Stderr, "serfwd %s: %s holds the state file %s; stop it first (systemctl stop serfwd), "+
		"then run this again; checkpoint show and status work beside it\n", cmd, who, cfg.StatePath)
	return exitUsage
}
