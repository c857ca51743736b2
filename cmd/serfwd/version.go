// `serfwd version`: version, commit and Go version from the build info.

package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Stamped at build time: -ldflags "-X main.version=1.2.3 -X main.commit=abc123".
var (
	version = ""
	commit  = ""
)

// buildVersion returns the stamped version, else the module version or VCS
// revision recorded in the binary's build info, else "dev".
func buildVersion() (ver, rev string) {
	ver, rev = version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if ver == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			ver = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && rev == "" {
				rev = s.Value
			}
		}
	}
	if ver == "" {
		ver = "dev"
	}
	if rev == "" {
		rev = "unknown"
	}
	return ver, rev
}

func cmdVersion(_ context.Context, io stdio, args []string) int {
	if code := parseFlags(newFlagSet("version", io), args); code >= 0 {
		return code
	}
	ver, rev := buildVersion()
	fmt.Fprintf(io.Stdout, "serfwd %s (commit %s, %s, %s/%s)\n", ver, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
