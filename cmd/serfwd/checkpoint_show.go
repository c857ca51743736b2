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

// checkpointShowArgs are the flags of `serfwd checkpoint show`.
type checkpointShowArgs struct {
	cf     *configFlags
	asJSON bool
}

func checkpointShowFlags(fs *flag.FlagSet) *checkpointShowArgs {
	a := &checkpointShowArgs{cf: newConfigFlags(fs)}
	fs.BoolVar(&a.asJSON, "json", false, "print one JSON object for scripts instead of tables")
	return a
}

func checkpointShow(ctx context.Context, io stdio, args []string, now time.Time) int {
	fs := newFlagSet("checkpoint show", io)
	a := checkpointShowFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	defer a.cf.close()
	cfg, code := loadConfig(io, a.cf)
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
			if st, code = openState(io, "checkpoint show", cfg); code != exitOK {
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
	if a.asJSON {
		enc := json.NewEncoder(io.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(io.Stderr, "serfwd checkpoint show: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	printView(io.Stdout, v)
	return exitOK
}
