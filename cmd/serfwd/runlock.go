// `serfwd run` and a state file held by someone else: another daemon (it
// answers on the control socket) is refused at once, exit 2; a short-lived
// command (checkpoint show, status's fallback, once, backfill) is waited
// for, so that a daemon started at that moment does not exit 2 on what
// would pass in a second, which RestartPreventExitStatus=2 then would
// never retry.

package main

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/state"
)

// runLockWait is how long `run` waits for a state file that a process not
// answering on the control socket holds. Each try itself waits a second
// for the lock (state.Open).
var runLockWait = 30 * time.Second

// newDaemonAgent builds the daemon's agent, riding out a state file held
// for a moment by a command; it gives up at once when a daemon answers on
// the control socket, and after runLockWait otherwise, returning the lock
// error (the caller names who holds it).
func newDaemonAgent(ctx context.Context, cfg *config.Config, log *zap.Logger) (*agent.Agent, error) {
	deadline := time.Now().Add(runLockWait)
	for logged := false; ; {
		a, err := agent.New(cfg, agentOptions(log, nil))
		if errors.Is(err, state.ErrLocked) && ctx.Err() != nil {
			return nil, ctx.Err() // stopped while waiting: not a setup error
		}
		if !errors.Is(err, state.ErrLocked) || time.Now().After(deadline) {
			return a, err
		}
		if _, daemon := daemonHolding(ctx, cfg); daemon {
			return nil, err
		}
		if !logged {
			logged = true
			log.Info("the state file is held by another serfwd command; waiting for it to finish",
				zap.String("state", cfg.StatePath), zap.Duration("at_most", runLockWait))
		}
	}
}
