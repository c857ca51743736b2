// `serfwd checkpoint show|set|reset`: read and move the cursors kept in the
// state file. Every subcommand needs the state file to itself; while a daemon
// holds it they exit 2 and point at its /metrics.

package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

func cmdCheckpoint(ctx context.Context, io stdio, args []string) int {
	if len(args) == 0 {
		checkpointUsage(io.Stderr)
		return exitUsage
	}
	switch args[0] {
	case "show":
		return checkpointShow(io, args[1:], time.Now())
	case "set":
		return checkpointSet(io, args[1:], time.Now())
	case "reset":
		return checkpointReset(io, args[1:], time.Now())
	case "-h", "--help", "help":
		checkpointUsage(io.Stdout)
		return exitOK
	}
	fmt.Fprintf(io.Stderr, "serfwd checkpoint: unknown subcommand %q\n\n", args[0])
	checkpointUsage(io.Stderr)
	return exitUsage
}

func checkpointUsage(w io.Writer) {
	fmt.Fprint(w, `usage: serfwd checkpoint show [--json] [--config FILE]
       serfwd checkpoint set --input NAME --time TS [--config FILE]
       serfwd checkpoint reset (--input NAME | --all) [--config FILE]

show   every input's cursor and lag, every sink's queue and each input's
       revisit list; --json prints {"state_path","now","inputs":[...],"sinks":[...]}
set    move an input's cursor to TS, aligned down to the input's window; the
       next run fetches from there (moving back re-sends events with the same eventId)
reset  forget the cursor; the next run starts at the input's start, else now - lookback

Times are YYYY-MM-DDTHH:mm:ss.SSSZ in UTC. The state file must not be held by a
running serfwd: stop it first; its /metrics shows live figures.
`)
}

// findInput returns the configured input called name.
func findInput(cfg *config.Config, name string) (config.Input, bool) {
	i := slices.IndexFunc(cfg.Inputs, func(in config.Input) bool { return in.Name == name })
	if i < 0 {
		return config.Input{}, false
	}
	return cfg.Inputs[i], true
}

func inputNames(cfg *config.Config) string {
	names := make([]string, 0, len(cfg.Inputs))
	for _, in := range cfg.Inputs {
		names = append(names, in.Name)
	}
	return strings.Join(names, ", ")
}

// nextStart is where an input without a cursor begins, and why.
func nextStart(in config.Input, now time.Time) (time.Time, string) {
	if !in.Start.IsZero() {
		return in.Start.Truncate(in.Window).UTC(), "its start"
	}
	return now.Add(-in.Lookback).Truncate(in.Window).UTC(), "now - lookback"
}
