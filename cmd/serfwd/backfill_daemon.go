// `serfwd backfill` beside a running daemon: the job is handed to the
// daemon over its control socket (one rate limit, one set of queues, no
// second writer of the state file) and the command follows it with the
// same progress lines and summary as when it fetches itself. Ctrl-C stops
// following; the job goes on in the daemon.

package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/event"
)

// followBackfill hands plan to the daemon and follows the job to its end.
func followBackfill(ctx context.Context, io stdio, daemon *control.Client, plan backfillPlan) int {
	req := control.BackfillRequest{Input: plan.in.Name, From: event.FormatTime(plan.from), To: event.FormatTime(plan.to)}
	prog := newProgress(io.Stderr, "backfill "+plan.in.Name, plan.windows)
	rate := rateText(plan.in.RateLimit.N, plan.in.RateLimit.Period)
	ended, job := false, 0
	final, err := daemon.Backfill(ctx, req, func(ev control.JobEvent) {
		switch ev.Type {
		case control.JobAccepted:
			job = ev.Job
			fmt.Fprintf(io.Stderr, "serfwd backfill: serfwd run holds the state file: the daemon fetches the range as job %d (its rate limit, its queues)\n", ev.Job)
		case control.JobProgress:
			prog.update(ev.Done, ev.Total)
		case control.JobWait:
			prog.waiting(time.Duration(ev.WaitSeconds*float64(time.Second)), rate)
		case control.JobFetched:
			ended = true
			prog.finish(ev.OK)
		}
	})
	if !ended {
		prog.finish(false)
	}
	var refused *control.RequestError
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(io.Stderr, "serfwd backfill: stopped following; the daemon goes on with job %d (serfwd status shows it; stopping serfwd run ends it)\n", job)
		return exitFailure
	case errors.As(err, &refused):
		fmt.Fprintf(io.Stderr, "serfwd backfill: the daemon refused the job: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(io.Stderr, "serfwd backfill: %v\n", err)
		return exitFailure
	}
	var jobErr error
	if final.Error != "" {
		jobErr = errors.New(final.Error)
	}
	return reportBackfill(io, plan, final.Windows, final.Events, jobErr, agent.DescribeLeftWith(final.Left, "the daemon goes on delivering them"))
}
