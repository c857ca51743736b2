// `serfwd check`: a live check of every input (a token and one small report
// request), every sink (its Checker) and the state path (check_state.go),
// run concurrently under one timeout and printed as a table. It never opens
// the state file as a database, so it runs beside a daemon.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/sink"
)

// checkWindow is the length of the report window `check` asks for: the
// minute that ends at now - delay, aligned down to the minute. A minute is
// the smallest request that exercises the report endpoint exactly as polling
// does, and its answer stays small whatever the account's volume.
const checkWindow = time.Minute

// checkGrace is how long after the timeout `check` waits for checks that
// ignore their context before it reports them as timed out.
const checkGrace = time.Second

// checkResult is one row of the table.
type checkResult struct {
	kind, name, target string
	detail             string // what succeeded, or why it failed
	failed, done       bool
}

// checkArgs are the flags of `serfwd check`.
type checkArgs struct {
	cf      *configFlags
	timeout time.Duration
}

func checkFlags(fs *flag.FlagSet) *checkArgs {
	a := &checkArgs{cf: newConfigFlags(fs)}
	fs.DurationVar(&a.timeout, "timeout", 30*time.Second, "how long all checks together may take, a `DURATION`")
	return a
}

func cmdCheck(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("check", io)
	a := checkFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if a.timeout <= 0 {
		usageError(fs, "--timeout must be positive")
		return exitUsage
	}
	defer a.cf.close()
	cfg, code := loadConfig(io, a.cf)
	if code != exitOK {
		return code
	}
	log, err := newLogger(quietLog(cfg.Log), io.Stderr)
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd check: %v\n", err)
		return exitUsage
	}
	defer log.Sync()
	results := runChecks(ctx, cfg, log, a.timeout)
	printChecks(io.Stdout, results, io.redactor().String)
	failed := 0
	for _, r := range results {
		if r.failed {
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(io.Stderr, "serfwd check: %d of %d checks failed\n", failed, len(results))
		return exitFailure
	}
	return exitOK
}

// quietLog keeps check's stderr to warnings and errors: the table is the
// output.
func quietLog(c config.Log) config.Log {
	switch c.Level {
	case "", "debug", "info":
		c.Level = "warn"
	}
	return c
}

// runChecks checks every input and sink concurrently and returns one result
// per input then per sink, in config order. A check still running at the
// timeout (plus a grace) is reported as timed out.
func runChecks(ctx context.Context, cfg *config.Config, log *zap.Logger, timeout time.Duration) []checkResult {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var mu sync.Mutex
	results := make([]checkResult, 0, len(cfg.Inputs)+len(cfg.Sinks))
	var jobs []func() checkResult
	for _, in := range cfg.Inputs {
		results = append(results, checkResult{kind: "input", name: in.Name, target: inputTarget(in)})
		jobs = append(jobs, func() checkResult { return checkInput(ctx, in, log, time.Now()) })
	}
	reg, regErr := sinkRegistry()
	for _, sc := range cfg.Sinks {
		results = append(results, checkResult{kind: "sink", name: sc.Name, target: sinkTarget(sc)})
		jobs = append(jobs, func() checkResult { return checkSink(ctx, reg, regErr, cfg, sc, log) })
	}
	results = append(results, checkResult{kind: "state", name: "state_path", target: cfg.StatePath})
	jobs = append(jobs, func() checkResult { return checkState(cfg.StatePath) })
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Go(func() {
			r := job()
			mu.Lock()
			results[i].detail, results[i].failed, results[i].done = r.detail, r.failed, true
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
	out := append([]checkResult(nil), results...)
	for i := range out {
		if !out[i].done {
			out[i].detail = fmt.Sprintf("timed out after %s%s", timeout, tlsHint(out[i].target, context.DeadlineExceeded))
			out[i].failed = true
		}
	}
	return out
}

// checkInput obtains a token and fetches one minute's report.
func checkInput(ctx context.Context, in config.Input, log *zap.Logger, now time.Time) checkResult {
	client, err := serapi.New(in, serapi.Options{Logger: log.With(zap.String("input", in.Name)),
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
	return checkResult{detail: fmt.Sprintf("token ok; window %s: %s", w, configCount(rep.Users.Len(), "record"))}
}

// checkSink builds the sink as the daemon would and runs its Checker.
func checkSink(ctx context.Context, reg sink.Registry, regErr error, cfg *config.Config, sc config.Sink, log *zap.Logger) checkResult {
	if regErr != nil {
		return checkFailed("%v", regErr)
	}
	s, err := newSink(reg, cfg, sc, log, sink.NopMetrics{})
	if err != nil {
		return checkFailed("%v", err)
	}
	defer s.Close(context.Background())
	c, ok := s.(sink.Checker)
	if !ok {
		return checkResult{detail: "no live check for this sink type"}
	}
	if err := c.Check(ctx); err != nil {
		return checkFailed("%v%s", err, tlsHint(sinkTarget(sc), err))
	}
	return checkResult{detail: sinkOK(sc)}
}

func checkFailed(format string, args ...any) checkResult {
	return checkResult{failed: true, detail: fmt.Sprintf(format, args...)}
}

// sinkOK says what a passed check of sc proved.
func sinkOK(sc config.Sink) string {
	switch {
	case sc.HEC != nil:
		return "health ok, token accepted"
	case sc.Syslog != nil && sc.Syslog.Network == "udp":
		return "socket ok (UDP: a missing receiver goes unnoticed)"
	case sc.Syslog != nil && sc.Syslog.Network == "tls":
		return "connected, TLS handshake ok"
	case sc.Syslog != nil:
		return "connected"
	case sc.File != nil:
		return "writable"
	}
	return "ok"
}

// printChecks writes the table; every cell goes through scrub (the
// redactor), before tabwriter cuts the lines into several writes.
func printChecks(w io.Writer, results []checkResult, scrub func(string) string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tTARGET\tRESULT\tDETAIL")
	for _, r := range results {
		res := "OK"
		if r.failed {
			res = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.kind, scrub(r.name), scrub(r.target), res, scrub(r.detail))
	}
	tw.Flush()
}
