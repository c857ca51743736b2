// `serfwd check`: the agent's live check of every input and sink, printed
// as a table. It never opens the state file, so it runs beside a daemon.

package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
)

func cmdCheck(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("check", io)
	cfgPath := configPath(fs)
	timeout := fs.Duration("timeout", 30*time.Second, "how long all checks together may take")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *timeout <= 0 {
		fmt.Fprintln(io.Stderr, "serfwd check: --timeout must be positive")
		return exitUsage
	}
	cfg, code := loadConfig(io, *cfgPath)
	if code != exitOK {
		return code
	}
	log, err := newLogger(quietLog(cfg.Log), io.Stderr, io.redact)
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd check: %v\n", err)
		return exitUsage
	}
	defer log.Sync()
	results := agent.Check(ctx, cfg, agentOptions(log, nil), *timeout)
	printChecks(io.Stdout, results, io.redact.String)
	failed := 0
	for _, r := range results {
		if r.Failed {
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

// printChecks writes the table; every cell goes through scrub (the
// redactor), before tabwriter cuts the lines into several writes.
func printChecks(w io.Writer, results []agent.CheckResult, scrub func(string) string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tTARGET\tRESULT\tDETAIL")
	for _, r := range results {
		res := "OK"
		if r.Failed {
			res = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Kind, scrub(r.Name), scrub(r.Target), res, scrub(r.Detail))
	}
	tw.Flush()
}
