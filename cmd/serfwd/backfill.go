// `serfwd backfill`: re-fetch a past range of one input's windows and deliver
// their events to the input's sinks without moving its live cursor.

package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/serapi"
)

// backfillPlan is a checked range: the aligned windows in [from, to).
type backfillPlan struct {
	in       config.Input
	from, to time.Time
	windows  int
}

// backfillArgs are the flags of `serfwd backfill`.
type backfillArgs struct {
	cf              *configFlags
	input, from, to string
}

func backfillFlags(fs *flag.FlagSet) *backfillArgs {
	a := &backfillArgs{cf: newConfigFlags(fs)}
	fs.StringVar(&a.input, "input", "", "the input to re-fetch, by `NAME`")
	fs.StringVar(&a.from, "from", "", "start of the range, a `TS` (YYYY-MM-DDTHH:mm:ss.SSSZ, or a date YYYY-MM-DD for its 00:00 UTC), aligned down to the window")
	fs.StringVar(&a.to, "to", "", "end of the range, a `TS` as for --from, exclusive, aligned up to the window")
	return a
}

func cmdBackfill(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("backfill", io)
	a := backfillFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if a.input == "" || a.from == "" || a.to == "" {
		usageError(fs, "--input, --from and --to are required")
		return exitUsage
	}
	defer a.cf.close()
	cfg, log, code := loadConfigAndLogger(io, "backfill", a.cf)
	if code != exitOK {
		return code
	}
	defer log.Sync()
	plan, code := planBackfill(io, cfg, a.input, a.from, a.to, time.Now())
	if code != exitOK {
		return code
	}
	daemon, err := reachDaemon(ctx, cfg)
	switch {
	case err != nil:
		fmt.Fprintf(io.Stderr, "serfwd backfill: %v\n", err)
		return exitFailure
	case daemon != nil:
		return followBackfill(ctx, io, daemon, plan)
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
	from, err := parseTimeArg("from", fromS)
	if err == nil {
		var to time.Time
		if to, err = parseTimeArg("to", toS); err == nil {
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
	a, err := agent.New(cfg, oneShotOptions(log, nil))
	if err != nil {
		return startFailed(ctx, io, "backfill", cfg, err)
	}
	defer a.Close(context.Background())
	prog := newProgress(io.Stderr, "backfill "+plan.in.Name, plan.windows)
	defer reportWaits(a.Limiter(plan.in.Name), prog)()
	res := a.Backfill(ctx, plan.in.Name, plan.from, plan.to, onceMaxAttempts, prog.update, prog.finish)
	return reportBackfill(io, plan, res.Windows, res.Events, res.Err, agent.DescribeLeft(res.Left))
}

// reportWaits has prog told when requests wait for the input's rate limit
// lim (nil: none); the returned function stops that.
func reportWaits(lim *serapi.Limiter, prog progress) (stop func()) {
	if lim == nil {
		return func() {}
	}
	rate := rateText(lim.Rate())
	lim.OnWait(func(d time.Duration) { prog.waiting(d, rate) })
	return func() { lim.OnWait(nil) }
}

// rateText renders a rate limit: "1000 requests per 1m".
func rateText(n int, period time.Duration) string {
	return fmt.Sprintf("%d requests per %s", n, fmtPeriod(period))
}

// fmtPeriod renders a period without zero units: 1m, not 1m0s.
func fmtPeriod(d time.Duration) string {
	s := d.String()
	for _, zero := range []string{"0s", "0m"} {
		if len(s) > len(zero) && strings.HasSuffix(s, zero) && s[len(s)-len(zero)-1] >= 'a' {
			s = s[:len(s)-len(zero)]
		}
	}
	return s
}

// reportBackfill prints the summary line and returns the exit status;
// left are the lines about events still queued.
func reportBackfill(io stdio, plan backfillPlan, windows int, events int64, fetchErr error, left []string) int {
	code := exitOK
	sinks := strings.Join(plan.in.Sinks, ", ")
	summary := fmt.Sprintf("serfwd backfill: %s: %d/%d windows (%s to %s), %d events queued for %s",
		plan.in.Name, windows, plan.windows, event.FormatTime(plan.from), event.FormatTime(plan.to), events, sinks)
	if fetchErr != nil {
		fmt.Fprintf(io.Stderr, "serfwd backfill: %v\n", fetchErr)
		summary += "; stopped early"
		code = exitFailure
	}
	for _, line := range left {
		fmt.Fprintf(io.Stderr, "serfwd backfill: %s\n", line)
		code = exitFailure
	}
	if len(left) == 0 {
		summary += "; all delivered"
	}
	fmt.Fprintln(io.Stderr, summary+"; the cursor did not move")
	return code
}
