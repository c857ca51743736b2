package main

import (
	"context"
	"fmt"
)

func cmdBackfill(ctx context.Context, io stdio, args []string) int {
	fmt.Fprintln(io.Stderr, "serfwd backfill: not implemented yet")
	return exitFailure
}
