package main

import (
	"context"
	"fmt"
)

func cmdCheck(ctx context.Context, io stdio, args []string) int {
	fmt.Fprintln(io.Stderr, "serfwd check: not implemented yet")
	return exitFailure
}
