// `serfwd once`: catch every input up, deliver what is queued, and exit 1
// naming the sinks that still hold events.

package main

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
)

// onceMaxAttempts bounds the fetches of one failing window in `once` and
// `backfill`: one, as the client's one-shot policy (serapi.Options.FailFast:
// five attempts of each request, a deadline for the input) is the only
// retrying, so that its error counts every attempt. A one-shot job reports
// the failure, the cursor stays before the window, and the next run tries
// again.
const onceMaxAttempts = 1

func cmdOnce(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("once", io)
	cf := newConfigFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	defer cf.close()
	cfg, log, code := loadConfigAndLogger(io, "once", cf)
	if code != exitOK {
		return code
	}
	defer log.Sync()
	res := runOnce(ctx, cfg, log, nil)
	if res.setupErr != nil {
		return startFailed(ctx, io, "once", cfg, res.setupErr) // who holds a locked state file
	}
	return res.report(io, "once", true)
}

// onceResult is what a one-shot pass achieved.
type onceResult struct {
	setupErr error
	pollErr  error
	windows  int
	left     map[string]int64
	sinks    []agent.SinkTally
}

// report prints what failed and, with summary, one line per sink; it
// returns the exit status.
func (r onceResult) report(io stdio, cmd string, summary bool) int {
	if r.setupErr != nil {
		return setupFailed(io, cmd, r.setupErr)
	}
	code := exitOK
	if r.pollErr != nil {
		fmt.Fprintf(io.Stderr, "serfwd %s: %v\n", cmd, r.pollErr)
		code = exitFailure
	}
	if len(r.left) > 0 {
		code = exitFailure
	}
	if !summary {
		for _, line := range agent.DescribeLeft(r.left) {
			fmt.Fprintf(io.Stderr, "serfwd %s: %s\n", cmd, line)
		}
		return code
	}
	for _, t := range r.sinks {
		fmt.Fprintf(io.Stderr, "serfwd %s: %s\n", cmd, describeTally(t))
	}
	return code
}

// runOnce catches every input up to now - delay while the sinks deliver,
// then gives the sinks shutdown_timeout to empty their queues.
func runOnce(ctx context.Context, cfg *config.Config, log *zap.Logger, extra map[string]sink.Sink) onceResult {
	a, err := agent.New(cfg, oneShotOptions(log, extra))
	if err != nil {
		return onceResult{setupErr: err}
	}
	defer a.Close(context.Background())
	res := a.Once(ctx, onceMaxAttempts)
	return onceResult{pollErr: res.Err, windows: res.Windows, left: res.Left, sinks: res.Sinks}
}
