package main

import (
	"context"
	"fmt"
)

func cmdDemo(ctx context.Context, io stdio, args []string) int {
	fmt.Fprintln(io.Stderr, "serfwd demo: not implemented yet")
	return exitFailure
}
