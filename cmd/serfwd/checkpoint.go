// `serfwd checkpoint show|set|reset`: read and move the cursors kept in the
// state file. Every subcommand needs the state file to itself; while a daemon
// holds it they exit 2 and point at its /metrics. Their help is in
// commands.go.

package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

func cmdCheckpoint(_ context.Context, io stdio, args []string) int {
	if len(args) == 0 {
		writeHelp(io.Stderr, findCommand("checkpoint"), newFlagSet("checkpoint", io))
		return exitUsage
	}
	switch args[0] {
	case "show":
		return checkpointShow(io, args[1:], time.Now())
	case "set":
		return checkpointSet(io, args[1:], time.Now())
	case "reset":
		return checkpointReset(io, args[1:], time.Now())
	case "-h", "-help", "--help", "help":
		writeHelp(io.Stdout, findCommand("checkpoint"), newFlagSet("checkpoint", io))
		return exitOK
	}
	fmt.Fprintf(io.Stderr, "serfwd checkpoint: unknown subcommand %q (want show, set or reset)\n", args[0])
	fmt.Fprintln(io.Stderr, "Run 'serfwd checkpoint --help' for its usage.")
	return exitUsage
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
