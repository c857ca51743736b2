// Reporting setup errors: pkg/agent decides which failures are the
// operator's to fix and a restart cannot (agent.SetupError: the state file
// held by another serfwd or unreadable, its directory not writable, the
// metrics address in use); they exit 2 with a hint, so that the unit's
// RestartPreventExitStatus=2 stops a restart loop. Everything else that
// fails at start exits 1.

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"

	"github.com/serfwd/serfwd/pkg/agent"
)

// setupFailed prints why a command could not start (or run stopped), with a
// hint for setup errors (agent.IsSetupError; errors made outside the agent
// go through agent.ClassifySetup first), and returns 2 for them, else 1.
func setupFailed(io stdio, cmd string, err error) int {
	fmt.Fprintf(io.Stderr, "serfwd %s: %v\n", cmd, err)
	if !agent.IsSetupError(err) {
		return exitFailure
	}
	if hint := setupHint(cmd, err); hint != "" {
		fmt.Fprintf(io.Stderr, "serfwd %s: %s\n", cmd, hint)
	}
	return exitUsage
}

// setupHint says what to do about a setup error of cmd, where the message
// alone may not.
func setupHint(cmd string, err error) string {
	listen := "metrics.listen"
	if cmd == "simulate" {
		listen = "--listen"
	}
	var (
		netErr *net.OpError
		dns    *net.DNSError
	)
	switch {
	case errors.As(err, &netErr) && errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("this user (uid %d) may not listen on that port: ports below 1024 need privileges", os.Geteuid())
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Sprintf("this user (uid %d) cannot write that path: make it writable for this user "+
			"(under systemd, StateDirectory= and LogsDirectory= do), or change the path in the config", os.Geteuid())
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of that path is a file, not a directory: check state_path"
	case errors.Is(err, syscall.EADDRINUSE):
		return "another process listens on that address: choose another " + listen + ", or stop that process"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "this host has no such address: check " + listen
	case errors.As(err, &dns):
		return "that host name does not resolve: set " + listen + " to an IP address of this host (e.g. 127.0.0.1:9464, or :9464 for every address)"
	}
	return ""
}
