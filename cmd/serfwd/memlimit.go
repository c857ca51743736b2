// The default soft memory limit: serfwd runs beside busy log services and
// should stay small, so unless GOMEMLIMIT says otherwise the Go runtime is
// asked to collect garbage harder as the process nears 48 MiB.

package main

import (
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the soft limit set when GOMEMLIMIT is unset. It is
// soft: a window whose live data needs more than this still goes through,
// the heap simply grows past it. Near and above it the runtime collects
// more often, its GC CPU capped at about half of GOMAXPROCS, so a huge
// window costs CPU time, never a failure. GOMEMLIMIT (e.g. 128MiB, or off)
// replaces it.
const defaultMemoryLimit = 48 << 20

// memoryLimit returns the limit to set, or false when GOMEMLIMIT is set
// (the runtime has already applied it).
func memoryLimit(getenv func(string) string) (int64, bool) {
	if getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	return defaultMemoryLimit, true
}

// setMemoryLimit applies the default soft memory limit when GOMEMLIMIT is unset.
func setMemoryLimit() {
	if limit, ok := memoryLimit(os.Getenv); ok {
		debug.SetMemoryLimit(limit)
	}
}
