// `serfwd checkpoint show|set|reset`: read and move the cursors kept in the
// state file. show asks a running daemon for its view; set and reset write
// the file, so they refuse (exit 2) while a daemon runs. Their help is in
// commands_state.go.

package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/poller"
)

func cmdCheckpoint(ctx context.Context, io stdio, args []string) int {
	if len(args) == 0 {
		writeHelp(io.Stderr, findCommand("checkpoint"), newFlagSet("checkpoint", io))
		return exitUsage
	}
	switch args[0] {
	case "show":
		return checkpointShow(ctx, io, args[1:], time.Now())
	case "set":
		return checkpointSet(ctx, io, args[1:], time.Now())
	case "reset":
		return checkpointReset(ctx, io, args[1:], time.Now())
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
	why := "now - lookback"
	if !in.Start.IsZero() {
		why = "its start"
	}
	return poller.FirstStart(in, now), why
}
