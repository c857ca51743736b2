// `serfwd backfill`: re-fetch a past range of one input's windows and deliver
// their events to the input's sinks without moving its live cursor.

package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// backfillPlan is a checked range: the aligned windows in [from, to).
type backfillPlan struct {
	in       config.Input
	from, to time.Time
	windows  int
}

func cmdBackfill(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("backfill", io)
	cfgPath := configPath(fs)
	name := fs.String("input", "", "the input to re-fetch")
	from := fs.String("from", "", "first instant, `TS` (YYYY-MM-DDTHH:mm:ss.SSSZ), aligned down to the window")
	to := fs.String("to", "", "end of the range, `TS`, exclusive, aligned up to the window")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *name == "" || *from == "" || *to == "" {
		fmt.Fprintln(io.Stderr, "serfwd backfill: --input, --from and --to are required")
		return exitUsage
	}
	cfg, log, code := loadConfigAndLogger(io, "backfill", *cfgPath)
	if code != exitOK {
		return code
	}
	defer log.Sync()
	plan, code := planBackfill(io, cfg, *name, *from, *to, time.Now())
	if code != exitOK {
		return code
	}
	return runBackfill(ctx, io, cfg, log, plan)
}

// planBackfill checks the range and aligns it to the input's windows. The
// range never reaches past the last window closed at now - delay: a later
// end is clipped (and said so); a range with nothing closed is refused.
func planBackfill(io stdio, cfg *config.Config, name, fromS, toS string, now time.Time) (backfillPlan, int) {
	in, ok := findInput(cfg, name)
	if !ok {
		fmt.Fprintf(io.Stderr, "serfwd backfill: unknown input %q (configured: %s)\n", name, inputNames(cfg))
		return backfillPlan{}, exitUsage
	}
	from, err := serapi.ParseTime(fromS)
	if err == nil {
		var to time.Time
		if to, err = serapi.ParseTime(toS); err == nil {
			return clipBackfill(io, in, from, to, now)
		}
	}
	fmt.Fprintf(io.Stderr, "serfwd backfill: %v\n", err)
	return backfillPlan{}, exitUsage
}

func clipBackfill(io stdio, in config.Input, from, to, now time.Time) (backfillPlan, int) {
	if !from.Before(to) {
		fmt.Fprintf(io.Stderr, "serfwd backfill: --from %s is not before --to %s\n", event.FormatTime(from), event.FormatTime(to))
		return backfillPlan{}, exitUsage
	}
	ws := poller.Windows(from, to, in.Window)
	limit := now.Add(-in.Delay).Truncate(in.Window).UTC()
	if len(ws) == 0 || ws[0].End.After(limit) {
		fmt.Fprintf(io.Stderr, "serfwd backfill: nothing to fetch: the first window starting at %s has not closed yet (windows up to %s have, at now - delay)\n",
			event.FormatTime(from.Truncate(in.Window)), event.FormatTime(limit))
		return backfillPlan{}, exitUsage
	}
	p := backfillPlan{in: in, from: ws[0].Start, to: ws[len(ws)-1].End}
	if p.to.After(limit) {
		fmt.Fprintf(io.Stderr, "serfwd backfill: %s: windows after %s have not closed yet (now - delay); clipped the range to end there\n",
			in.Name, event.FormatTime(limit))
		p.to = limit
	}
	p.windows = len(poller.Windows(p.from, p.to, in.Window))
	if !p.from.Equal(from) || !p.to.Equal(to) {
		fmt.Fprintf(io.Stderr, "serfwd backfill: %s: fetching %s to %s (aligned to the %s window)\n",
			in.Name, event.FormatTime(p.from), event.FormatTime(p.to), in.Window)
	}
	return p, exitOK
}

// runBackfill builds the agent, delivers while the windows are fetched and
// queued, then drains the sinks for at most shutdown_timeout.
func runBackfill(ctx context.Context, io stdio, cfg *config.Config, log *zap.Logger, plan backfillPlan) int {
	a, err := agent.New(cfg, agentOptions(log, nil))
	if err != nil {
		if errors.Is(err, state.ErrLocked) {
			fmt.Fprintln(io.Stderr, lockedMessage("backfill", cfg))
			return exitUsage
		}
		return setupFailed(io, "backfill", err)
	}
	defer a.Close(context.Background())
	prog := newProgress(io.Stderr, "backfill "+plan.in.Name, plan.windows)
	res := a.Backfill(ctx, plan.in.Name, plan.from, plan.to, onceMaxAttempts, prog.update, prog.finish)
	return reportBackfill(io, plan, res.Windows, res.Events, res.Err, res.Left)
}

// reportBackfill prints the summary line and returns the exit status.
func reportBackfill(io stdio, plan backfillPlan, windows int, events int64, fetchErr error, left map[string]int64) int {
	code := exitOK
	sinks := strings.Join(plan.in.Sinks, ", ")
	summary := fmt.Sprintf("serfwd backfill: %s: %d/%d windows (%s to %s), %d events queued for %s",
		plan.in.Name, windows, plan.windows, event.FormatTime(plan.from), event.FormatTime(plan.to), events, sinks)
	if fetchErr != nil {
		fmt.Fprintf(io.Stderr, "serfwd backfill: %v\n", fetchErr)
		summary += "; stopped early"
		code = exitFailure
	}
	for _, line := range agent.DescribeLeft(left) {
		fmt.Fprintf(io.Stderr, "serfwd backfill: %s\n", line)
		code = exitFailure
	}
	if len(left) == 0 {
		summary += "; all delivered"
	}
	fmt.Fprintln(io.Stderr, summary+"; the cursor did not move")
	return code
}
