// `serfwd status`: the live view of the daemon running on the configured
// state file, asked over its control socket; exit 1 when none answers.

package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/serfwd/serfwd/pkg/control"
)

// statusFlags declares the flags of `serfwd status`.
func statusFlags(fs *flag.FlagSet) *viewArgs {
	return viewFlags(fs, "print the daemon's answer as one JSON object for scripts instead of tables")
}

func cmdStatus(ctx context.Context, io stdio, args []string) int {
	fs := newFlagSet("status", io)
	a := statusFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	defer a.cf.close()
	cfg, code := loadViewConfig(io, a.cf)
	if code != exitOK {
		return code
	}
	daemon, err := reachDaemon(ctx, cfg)
	if err == nil && daemon == nil {
		fmt.Fprintf(io.Stderr, "serfwd status: no serfwd daemon answers on %s: serfwd run is not running with this state file (serfwd checkpoint show reads the file)\n",
			control.SocketPath(cfg.StatePath))
		return exitFailure
	}
	var st control.Status
	if err == nil {
		st, err = daemon.Status(ctx)
	}
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd status: %v\n", err)
		return exitFailure
	}
	return emitView(io, "status", a.asJSON, st, func() { printStatus(io.Stdout, st) })
}
