// serfwd validate: load and check the config, print every problem.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
)

func cmdValidate(_ context.Context, io stdio, args []string) int {
	fs := flag.NewFlagSet("serfwd validate", flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: serfwd validate [--config FILE]")
		fmt.Fprintln(fs.Output(), "\nLoad and check the configuration; print each problem as `path: problem`.")
		fmt.Fprintln(fs.Output(), "Exit status 0 when it is valid, 2 when not. Secret values are never printed.")
		fs.PrintDefaults()
	}
	path := configPath(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(io.Stderr, "serfwd validate: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	cfg, code := loadConfig(io, *path)
	if cfg == nil {
		return code
	}
	fmt.Fprintf(io.Stdout, "config OK: %s, %s\n", configCount(len(cfg.Inputs), "input"), configCount(len(cfg.Sinks), "sink"))
	return exitOK
}
