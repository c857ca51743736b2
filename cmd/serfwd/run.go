package main

import (
	"context"
	"fmt"
)

func cmdRun(ctx context.Context, io stdio, args []string) int {
	fmt.Fprintln(io.Stderr, "serfwd run: not implemented yet")
	return exitFailure
}
