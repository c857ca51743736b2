// `serfwd checkpoint show`: cursors, lags, queues and revisit lists, as a
// table for people or as JSON for scripts; asked of the daemon when one
// runs on the state file, read from the file otherwise: the same view
// (control.CheckpointView) either way.

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/state"
)

// cpView is what `checkpoint show --json` prints (control.CheckpointView).
type cpView = control.CheckpointView

// viewArgs are the flags of the commands that print a view (checkpoint
// show, status).
type viewArgs struct {
	cf     *configFlags
	asJSON bool
}

func viewFlags(fs *flag.FlagSet, jsonHelp string) *viewArgs {
	a := &viewArgs{cf: newConfigFlags(fs)}
	fs.BoolVar(&a.asJSON, "json", false, jsonHelp)
	return a
}

// checkpointShowFlags declares the flags of `serfwd checkpoint show`.
func checkpointShowFlags(fs *flag.FlagSet) *viewArgs {
	return viewFlags(fs, "print one JSON object for scripts instead of tables")
}

// emitView prints v as indented JSON with asJSON, else as table prints it;
// it returns the exit status.
func emitView(io stdio, cmd string, asJSON bool, v any, table func()) int {
	if !asJSON {
		table()
		return exitOK
	}
	enc := json.NewEncoder(io.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(io.Stderr, "serfwd %s: %v\n", cmd, err)
		return exitFailure
	}
	return exitOK
}

func checkpointShow(ctx context.Context, io stdio, args []string, now time.Time) int {
	fs := newFlagSet("checkpoint show", io)
	a := checkpointShowFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	defer a.cf.close()
	cfg, code := loadViewConfig(io, a.cf)
	if code != exitOK {
		return code
	}
	daemon, err := reachDaemon(ctx, cfg)
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd checkpoint show: %v\n", err)
		return exitFailure
	}
	var v cpView
	fromFile := daemon == nil
	if fromFile {
		var st *state.Store
		if stateExists(cfg) { // never create a state file just to show it
			if st, code = openState(ctx, io, "checkpoint show", cfg); code != exitOK {
				return code
			}
			defer st.Close()
		}
		if v, err = control.BuildCheckpoint(cfg, st, now, nil); err == nil && st == nil && !a.asJSON {
			fmt.Fprintf(io.Stdout, "no state file at %s yet: serfwd has not run\n\n", cfg.StatePath)
		}
	} else {
		v, err = daemon.Checkpoint(ctx)
	}
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd checkpoint show: %v\n", err)
		return exitFailure
	}
	return emitView(io, "checkpoint show", a.asJSON, v, func() { printView(io.Stdout, v) })
}
