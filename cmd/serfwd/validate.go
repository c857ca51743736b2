// serfwd validate: load and check the config, print every problem.

package main

import (
	"context"
	"fmt"
)

func cmdValidate(_ context.Context, io stdio, args []string) int {
	fs := newFlagSet("validate", io)
	cf := newConfigFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	defer cf.close()
	cfg, code := loadConfig(io, cf)
	if cfg == nil {
		return code
	}
	fmt.Fprintf(io.Stdout, "config OK: %s, %s\n", configCount(len(cfg.Inputs), "input"), configCount(len(cfg.Sinks), "sink"))
	return exitOK
}
