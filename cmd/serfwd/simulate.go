package main

import (
	"context"
	"fmt"
)

func cmdSimulate(ctx context.Context, io stdio, args []string) int {
	fmt.Fprintln(io.Stderr, "serfwd simulate: not implemented yet")
	return exitFailure
}
