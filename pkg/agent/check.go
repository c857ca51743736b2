// Check is `serfwd check`: a live check of every input (a token and one small
// report request), every sink (built as a run builds it, then its Checker)
// and the state path (check_state.go), run concurrently under one timeout;
// a failure where TLS meets plain text gets a hint (check_hint.go). It never
// opens the state file as a database, so it runs beside a daemon.

package agent

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/sink"
)

// checkWindow is the length of the report window a check asks for: the
// minute that ends at now - delay, aligned down to the minute. A minute is
// the smallest request that exercises the report endpoint exactly as polling
// does, and its answer stays small whatever the account's volume.
const checkWindow = time.Minute

// checkGrace is how long after the timeout Check waits for checks that
// ignore their context before it reports them as timed out.
const checkGrace = time.Second

// CheckResult is one row of `serfwd check`.
type CheckResult struct {
	Kind, Name, Target string // "input", "sink" or "state", its name, where it talks to
	Detail             string // what succeeded, or why it failed
	Failed             bool
	done               bool
}

// Check checks every input and sink of cfg and the state path concurrently
// and returns one result per input then per sink, in config order, then the
// state path's. A check still running at the timeout (plus a grace) is
// reported as timed out.
func Check(ctx context.Context, cfg *config.Config, opts Options, timeout time.Duration) []CheckResult {
	a := &Agent{cfg: cfg, opts: opts, log: opts.Logger, kinds: opts.Kinds}
	if a.log == nil {
		a.log = zap.NewNop()
	}
	if a.kinds == nil {
		a.kinds = SinkKinds()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	results := make([]CheckResult, 0, len(cfg.Inputs)+len(cfg.Sinks))
	var jobs []func() CheckResult
	for _, in := range cfg.Inputs {
		results = append(results, CheckResult{Kind: "input", Name: in.Name, Target: inputTarget(in)})
		jobs = append(jobs, func() CheckResult { return a.checkInput(ctx, in, time.Now()) })
	}
	for _, sc := range cfg.Sinks {
		results = append(results, CheckResult{Kind: "sink", Name: sc.Name, Target: sink.Describe(sc).Target})
		jobs = append(jobs, func() CheckResult { return a.checkSink(ctx, sc) })
	}
	results = append(results, CheckResult{Kind: "state", Name: "state_path", Target: cfg.StatePath})
	jobs = append(jobs, func() CheckResult { return checkState(cfg.StatePath) })
	return runChecks(ctx, results, jobs, timeout)
}

// runChecks runs the jobs concurrently and fills each result from its job.
func runChecks(ctx context.Context, results []CheckResult, jobs []func() CheckResult, timeout time.Duration) []CheckResult {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Go(func() {
			r := job()
			mu.Lock()
			results[i].Detail, results[i].Failed, results[i].done = r.Detail, r.Failed, true
			mu.Unlock()
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-ctx.Done():
		select {
		case <-finished:
		case <-time.After(checkGrace):
		}
	}
	mu.Lock()
	defer mu.Unlock()
	out := append([]CheckResult(nil), results...)
	for i := range out {
		if !out[i].done {
			out[i].Detail = fmt.Sprintf("timed out after %s", timeout)
			out[i].Failed = true
		}
	}
	return out
}

// checkInput obtains a token and fetches one minute's report.
func (a *Agent) checkInput(ctx context.Context, in config.Input, now time.Time) CheckResult {
	client, err := serapi.New(in, serapi.Options{Logger: a.log.With(zap.String("input", in.Name)),
		RetryMax: 1, RetryWaitMin: 250 * time.Millisecond, RetryWaitMax: 2 * time.Second, BodyRetries: 1})
	if err != nil {
		return checkFailed("building client: %v", err)
	}
	if err := client.Token(ctx); err != nil {
		return checkFailed("%v%s", err, tlsHint(in.TokenURL, err)) // "requesting token: …"
	}
	end := now.Add(-in.Delay).Truncate(checkWindow).UTC()
	w := serapi.Window{Start: end.Add(-checkWindow), End: end}
	rep, err := client.Report(ctx, w)
	if err != nil {
		return checkFailed("token ok; window %s: %v%s", w, err, tlsHint(inputTarget(in), err))
	}
	records := fmt.Sprintf("%d records", rep.Users.Len())
	if rep.Users.Len() == 1 {
		records = "1 record"
	}
	return CheckResult{Detail: fmt.Sprintf("token ok; window %s: %s", w, records)}
}

// checkSink builds the sink as a run would and runs its Checker.
func (a *Agent) checkSink(ctx context.Context, sc config.Sink) CheckResult {
	s, err := a.kinds.New(a.settings(sc, sink.NopMetrics{}), sc)
	if err != nil {
		return checkFailed("building sink: %v", err)
	}
	defer s.Close(context.Background())
	c, ok := s.(sink.Checker)
	if !ok {
		return CheckResult{Detail: "no live check for this sink type"}
	}
	if err := c.Check(ctx); err != nil {
		return checkFailed("%v%s", err, tlsHint(sink.Describe(sc).Target, err))
	}
	return CheckResult{Detail: sink.Describe(sc).Check}
}

// inputTarget is the API URL an input talks to, without credentials.
func inputTarget(in config.Input) string {
	if in.APIURL == "" {
		return serapi.DefaultAPIURL
	}
	return sink.URLTarget(in.APIURL)
}

func checkFailed(format string, args ...any) CheckResult {
	return CheckResult{Failed: true, Detail: fmt.Sprintf(format, args...)}
}
