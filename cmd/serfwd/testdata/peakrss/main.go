// Command peakrss runs the command of its arguments with its own stdio,
// writes the command's peak RSS in bytes (ru_maxrss of wait4) to the file
// that $SERFWD_TEST_PEAK_RSS_FILE names, and exits with its exit code. The
// end-to-end tests build it beside serfwd.
//
// Why a small program in between: Linux counts into a process's ru_maxrss
// the high-water mark of the memory it replaced at exec, and a child that Go
// starts replaces its parent's (shared, vfork). Started by the test process
// (large, larger still under -race), serfwd would report the test's own
// peak; started by this program, what it inherits is a few MiB, and the
// figure is serfwd's own peak (or that start-up size, if larger).
package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

const peakRSSFileEnv = "SERFWD_TEST_PEAK_RSS_FILE"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: SERFWD_TEST_PEAK_RSS_FILE=FILE peakrss COMMAND [ARG…]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, peakRSSFileEnv+"=") })
	_ = cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "peakrss: could not start", os.Args[1])
		os.Exit(127)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak := strconv.FormatInt(ru.Maxrss*1024, 10) // kilobytes on Linux
		if err := os.WriteFile(os.Getenv(peakRSSFileEnv), []byte(peak), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "peakrss:", err)
			os.Exit(127)
		}
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
