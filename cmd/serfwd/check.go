// `serfwd check`: the agent's live check of every input, every sink and the
// state path, printed as a table. It never opens the state file as a
// database, so it runs beside a daemon.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
)

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
	results := agent.Check(ctx, cfg, agentOptions(log, nil), a.timeout)
	printChecks(io.Stdout, results, io.redactor().String)
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

// printChecks writes the table; every cell goes through scrub.
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
