// `serfwd checkpoint set` and `reset`: move or forget an input's cursor.

package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
)

// checkpointSetArgs are the flags of `serfwd checkpoint set`.
type checkpointSetArgs struct {
	cf          *configFlags
	input, time string
}

func checkpointSetFlags(fs *flag.FlagSet) *checkpointSetArgs {
	a := &checkpointSetArgs{cf: newConfigFlags(fs)}
	fs.StringVar(&a.input, "input", "", "the input whose cursor moves, by `NAME`")
	fs.StringVar(&a.time, "time", "", "the new cursor, a `TS` (YYYY-MM-DDTHH:mm:ss.SSSZ, or a date YYYY-MM-DD for its 00:00 UTC), aligned down to the window")
	return a
}

func checkpointSet(ctx context.Context, io stdio, args []string, now time.Time) int {
	fs := newFlagSet("checkpoint set", io)
	a := checkpointSetFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if a.input == "" || a.time == "" {
		usageError(fs, "--input and --time are required")
		return exitUsage
	}
	defer a.cf.close()
	cfg, code := loadConfig(io, a.cf)
	if code != exitOK {
		return code
	}
	in, ok := findInput(cfg, a.input)
	if !ok {
		fmt.Fprintf(io.Stderr, "serfwd checkpoint set: unknown input %q (configured: %s)\n", a.input, inputNames(cfg))
		return exitUsage
	}
	t, err := parseTS("time", a.time, now)
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd checkpoint set: %v\n", err)
		return exitUsage
	}
	aligned := t.Truncate(in.Window).UTC()
	if code := refuseBesideDaemon(ctx, io, "checkpoint set", cfg); code >= 0 {
		return code
	}
	st, code := openState(ctx, io, "checkpoint set", cfg)
	if code != exitOK {
		return code
	}
	defer st.Close()
	old, had, err := st.Cursor(in.Name)
	if err == nil {
		err = st.SetCursor(in.Name, aligned)
	}
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd checkpoint set: %v\n", err)
		return exitFailure
	}
	was := "none"
	if had {
		was = event.FormatTime(old)
	}
	how := ""
	if !aligned.Equal(t) {
		how = fmt.Sprintf(" (%s aligned down to the %s window)", event.FormatTime(t), config.FormatDuration(in.Window))
	}
	fmt.Fprintf(io.Stdout, "input %s: cursor set to %s%s; it was %s\n", in.Name, event.FormatTime(aligned), how, was)
	fmt.Fprintf(io.Stdout, "input %s: the next run fetches windows from %s on\n", in.Name, event.FormatTime(aligned))
	return exitOK
}

// parseTS parses a time flag; times after now are refused.
func parseTS(flagName, s string, now time.Time) (time.Time, error) {
	t, err := parseTimeArg(flagName, s)
	if err != nil {
		return time.Time{}, err
	}
	if t.After(now) {
		return time.Time{}, fmt.Errorf("--%s %s is in the future (now is %s)", flagName, event.FormatTime(t), event.FormatTime(now))
	}
	return t, nil
}

// checkpointResetArgs are the flags of `serfwd checkpoint reset`.
type checkpointResetArgs struct {
	cf    *configFlags
	input string
	all   bool
}

func checkpointResetFlags(fs *flag.FlagSet) *checkpointResetArgs {
	a := &checkpointResetArgs{cf: newConfigFlags(fs)}
	fs.StringVar(&a.input, "input", "", "the input whose cursor is forgotten, by `NAME`")
	fs.BoolVar(&a.all, "all", false, "forget every cursor in the state file")
	return a
}

func checkpointReset(ctx context.Context, io stdio, args []string, now time.Time) int {
	fs := newFlagSet("checkpoint reset", io)
	a := checkpointResetFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if (a.input == "") == !a.all {
		usageError(fs, "give either --input NAME or --all")
		return exitUsage
	}
	defer a.cf.close()
	cfg, code := loadConfig(io, a.cf)
	if code != exitOK {
		return code
	}
	if code := refuseBesideDaemon(ctx, io, "checkpoint reset", cfg); code >= 0 {
		return code
	}
	if !stateExists(cfg) {
		if _, ok := findInput(cfg, a.input); a.input != "" && !ok {
			fmt.Fprintf(io.Stderr, "serfwd checkpoint reset: unknown input %q (configured: %s)\n", a.input, inputNames(cfg))
			return exitUsage
		}
		fmt.Fprintf(io.Stdout, "no state file at %s yet: no cursor to reset\n", cfg.StatePath)
		return exitOK
	}
	st, code := openState(ctx, io, "checkpoint reset", cfg)
	if code != exitOK {
		return code
	}
	defer st.Close()
	cursors, err := st.Cursors()
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd checkpoint reset: %v\n", err)
		return exitFailure
	}
	targets, code := resetTargets(io, cfg, cursors, a.input)
	if code != exitOK {
		return code
	}
	for _, n := range targets {
		if err := st.ResetCursor(n); err != nil {
			fmt.Fprintf(io.Stderr, "serfwd checkpoint reset: %v\n", err)
			return exitFailure
		}
		fmt.Fprintln(io.Stdout, describeReset(cfg, n, cursors, now))
	}
	return exitOK
}

// resetTargets lists the inputs to reset: the named one (configured, or with
// a cursor left in the file), else every cursor in the file.
func resetTargets(io stdio, cfg *config.Config, cursors map[string]time.Time, name string) ([]string, int) {
	if name != "" {
		_, configured := findInput(cfg, name)
		if _, inFile := cursors[name]; !configured && !inFile {
			fmt.Fprintf(io.Stderr, "serfwd checkpoint reset: unknown input %q (configured: %s)\n", name, inputNames(cfg))
			return nil, exitUsage
		}
		return []string{name}, exitOK
	}
	names := make([]string, 0, len(cursors))
	for n := range cursors {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		fmt.Fprintln(io.Stdout, "no cursor in the state file: nothing to reset")
	}
	return names, exitOK
}

// describeReset says what forgetting input's cursor did.
func describeReset(cfg *config.Config, name string, cursors map[string]time.Time, now time.Time) string {
	old, had := cursors[name]
	if !had {
		return fmt.Sprintf("input %s: had no cursor; nothing changed", name)
	}
	msg := fmt.Sprintf("input %s: cursor %s forgotten", name, event.FormatTime(old))
	if in, ok := findInput(cfg, name); ok {
		at, why := nextStart(in, now)
		msg += fmt.Sprintf("; the next run starts at %s (%s)", event.FormatTime(at), why)
	}
	return msg
}
