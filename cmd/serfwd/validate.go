package main

import (
	"context"
	"fmt"
)

func cmdValidate(ctx context.Context, io stdio, args []string) int {
	fmt.Fprintln(io.Stderr, "serfwd validate: not implemented yet")
	return exitFailure
}
