// Command serfwd forwards Proofpoint Secure Email Relay reporting data to
// SIEMs and pipelines: Splunk HEC, syslog (QRadar LEEF, CEF, JSON), files,
// Kafka and OTLP/HTTP logs (the sink kinds of pkg/agent's table).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/redact"
)

// Exit statuses (SPEC §2).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// stdio is what a command prints to; tests pass buffers. dispatch makes
// both writers redact every secret their redactor knows, and loadConfig
// teaches it the config's secrets, so nothing a command prints (its own
// messages, errors, tables, the logger's lines) can carry one.
type stdio struct {
	Stdout io.Writer
	Stderr io.Writer
}

// redactor is the redactor of io's writers (nil, which knows no secret,
// when a test calls a command without dispatch).
func (io stdio) redactor() *redact.Redactor { return redact.Of(io.Stderr) }

func main() {
	os.Exit(run(os.Args[1:], stdio{Stdout: os.Stdout, Stderr: os.Stderr}))
}

func run(args []string, io stdio) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return dispatch(ctx, io, args)
}

func dispatch(ctx context.Context, io stdio, args []string) int {
	red := io.redactor()
	if red == nil {
		red = redact.New()
	}
	io.Stdout, io.Stderr = red.Writer(io.Stdout), red.Writer(io.Stderr)
	if len(args) == 0 {
		usage(io.Stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		return cmdHelp(ctx, io, args[1:])
	case "--version", "-version":
		return cmdVersion(ctx, io, args[1:])
	}
	c := findCommand(args[0])
	if c.run == nil {
		fmt.Fprintf(io.Stderr, "serfwd: unknown command %q%s\n", args[0], nearestCommand(args[0]))
		fmt.Fprintln(io.Stderr, "Run 'serfwd help' for the list of commands.")
		return exitUsage
	}
	return c.run(ctx, io, args[1:])
}

// nearestCommand returns " (did you mean X?)" for a misspelt command.
func nearestCommand(name string) string {
	var names []string
	for _, c := range commands() {
		if c.run != nil {
			names = append(names, c.name)
		}
	}
	if best, ok := config.Nearest(name, names); ok {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return ""
}
