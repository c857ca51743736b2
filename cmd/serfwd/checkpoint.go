package main

import (
	"context"
	"fmt"
)

func cmdCheckpoint(ctx context.Context, io stdio, args []string) int {
	fmt.Fprintln(io.Stderr, "serfwd checkpoint: not implemented yet")
	return exitFailure
}
