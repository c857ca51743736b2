// Flag parsing shared by every command: `--help` prints the command's help on
// stdout and exits 0; an unknown or malformed flag is one clear line on
// stderr (with a "did you mean" when a flag is close) plus a pointer to
// `--help`, and exit 2.

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

// newFlagSet returns the flag set of command name ("backfill", "checkpoint
// show"). Its Usage prints the command's help on io.Stdout; parseFlags calls
// it for -h and --help only.
func newFlagSet(name string, io stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("serfwd "+name, flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	fs.Usage = func() { writeHelp(io.Stdout, findCommand(name), fs) }
	return fs
}

// parseFlags parses args; it returns -1 to go on, else the exit status.
func parseFlags(fs *flag.FlagSet, args []string) int {
	help, stderr := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard) // the flag package's own messages are replaced below
	err := fs.Parse(args)
	fs.Usage = help
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		help()
		return exitOK
	case err != nil:
		usageError(fs, flagProblem(fs, err))
		return exitUsage
	case fs.NArg() > 0:
		usageError(fs, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
		return exitUsage
	}
	return -1
}

// usageError prints "serfwd CMD: problem" and where to read the usage.
func usageError(fs *flag.FlagSet, problem string) {
	fmt.Fprintf(fs.Output(), "%s: %s\n", fs.Name(), problem)
	fmt.Fprintf(fs.Output(), "Run '%s --help' for its usage.\n", fs.Name())
}

// flagSpelling finds the flag name in the flag package's error messages.
var flagSpelling = regexp.MustCompile(`(^|[ :])-(-?[A-Za-z][\w-]*)`)

// flagProblem rewords an error of flag.Parse: flags as --name, and for an
// unknown flag why the command does not take it or which flag was meant.
func flagProblem(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		cmd := strings.TrimPrefix(fs.Name(), "serfwd ")
		if why := findCommand(cmd).notFlags[name]; why != "" {
			return fmt.Sprintf("--%s is not a flag of %s: %s", name, cmd, why)
		}
		if near := nearestFlag(fs, name); near != "" {
			return fmt.Sprintf("unknown flag --%s (did you mean --%s?)", name, near)
		}
		return fmt.Sprintf("unknown flag --%s", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Sprintf("flag --%s needs a value", strings.TrimLeft(name, "-"))
	}
	if m := badValue.FindStringSubmatch(msg); m != nil {
		if f := fs.Lookup(m[2]); f != nil {
			return fmt.Sprintf("--%s: %s is not %s", m[2], m[1], valueKind(f))
		}
	}
	return flagSpelling.ReplaceAllStringFunc(msg, func(m string) string {
		i := strings.IndexByte(m, '-')
		return m[:i] + "--" + strings.TrimLeft(m[i:], "-")
	})
}

// badValue matches the flag package's message for a value that does not
// parse: the value (quoted) and the flag's name.
var badValue = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-(\S+): `)

// valueKind says what a flag's value must be, with an example.
func valueKind(f *flag.Flag) string {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return "a valid value"
	}
	switch g.Get().(type) {
	case time.Duration:
		return "a duration (e.g. 30s, 5m, 1h)"
	case bool:
		return "true or false"
	case int, int64, uint, uint64:
		return "a whole number"
	}
	return "a valid value"
}

// nearestFlag returns the defined flag nearest to name when it is
// plausibly a misspelling of it (config.Nearest), else "".
func nearestFlag(fs *flag.FlagSet, name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	best, _ := config.Nearest(name, names)
	return best
}
