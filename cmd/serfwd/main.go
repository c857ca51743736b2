// Command serfwd forwards Proofpoint Secure Email Relay reporting data to
// SIEMs: Splunk HEC, syslog (QRadar LEEF, CEF, JSON) and files.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/serfwd/serfwd/pkg/redact"
)

// Exit statuses (SPEC §2).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// stdio is what a command prints to; tests pass buffers. dispatch makes
// both writers redact every secret that redact knows, and loadConfig
// teaches it the config's secrets, so nothing a command prints (its own
// messages, errors, tables, the logger's lines) can carry one.
type stdio struct {
	Stdout io.Writer
	Stderr io.Writer
	redact *redact.Redactor
}

// command is one subcommand of serfwd.
type command struct {
	summary string
	run     func(ctx context.Context, io stdio, args []string) int
}

// commands is the explicit table of subcommands.
func commands() map[string]command {
	return map[string]command{
		"run":        {"run the daemon: poll every input and deliver to sinks until stopped", cmdRun},
		"once":       {"catch every input up, deliver everything queued, exit", cmdOnce},
		"validate":   {"load and check the configuration", cmdValidate},
		"check":      {"check credentials, the API and every sink live", cmdCheck},
		"checkpoint": {"show, set or reset cursors (show|set|reset)", cmdCheckpoint},
		"backfill":   {"re-fetch a past range without moving the live cursor", cmdBackfill},
		"simulate":   {"serve the built-in SER API simulator", cmdSimulate},
		"demo":       {"zero-setup tour on the built-in simulator", cmdDemo},
		"version":    {"print version, commit and Go version", cmdVersion},
	}
}

func main() {
	setMemoryLimit()
	os.Exit(run(os.Args[1:], stdio{Stdout: os.Stdout, Stderr: os.Stderr}))
}

func run(args []string, io stdio) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return dispatch(ctx, io, args)
}

func dispatch(ctx context.Context, io stdio, args []string) int {
	if io.redact == nil {
		io.redact = redact.New()
	}
	io.Stdout, io.Stderr = io.redact.Writer(io.Stdout), io.redact.Writer(io.Stderr)
	if len(args) == 0 {
		usage(io.Stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(io.Stdout)
		return exitOK
	case "--version", "-version":
		return cmdVersion(ctx, io, nil)
	}
	c, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(io.Stderr, "serfwd: unknown command %q\n\n", args[0])
		usage(io.Stderr)
		return exitUsage
	}
	return c.run(ctx, io, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: serfwd <command> [--config FILE] [flags]")
	fmt.Fprintln(w, "\ncommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nThe config file defaults to $SERFWD_CONFIG, else /etc/serfwd/serfwd.yaml.")
}
