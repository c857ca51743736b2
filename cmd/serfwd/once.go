package main

import (
	"context"
	"fmt"
)

func cmdOnce(ctx context.Context, io stdio, args []string) int {
	fmt.Fprintln(io.Stderr, "serfwd once: not implemented yet")
	return exitFailure
}
