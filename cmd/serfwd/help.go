// Help as text on stdout: the overview (`serfwd help`), one command's help
// (`serfwd help CMD`, `serfwd CMD --help`), and the `help` command itself,
// which also prints the man page.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/serfwd/serfwd/pkg/agent"
)

// helpWidth is where help text is wrapped.
const helpWidth = 79

// helpTerm is a name and what it means (environment variables, files).
type helpTerm struct{ name, text string }

// The overview's parts, shared by `serfwd help` and the man page.
var (
	overview = []string{
		"serfwd polls the Proofpoint Secure Email Relay (SER) reporting API on successive time windows, keeps its place in a local state file, turns every applicationUsers record into one flat event and delivers the events, at least once and with no gaps, to " + sinkDestinations() + ".",
		"Every command that reads the configuration takes --config FILE (default: $SERFWD_CONFIG, else " + defaultConfigPath + "), --credentials DIR and --env-file FILE. Times on the command line are YYYY-MM-DDTHH:mm:ss.SSSZ in UTC, or dates YYYY-MM-DD meaning 00:00 UTC.",
	}
	exitSummary = []exitCode{
		{exitOK, "success"},
		{exitFailure, "a runtime failure: the API, a sink or the state file failed; trying again later may work"},
		{exitUsage, "a usage, configuration or setup error (bad flag, invalid config, state file held by another serfwd, state directory not writable, metrics address in use): restarting cannot fix it, so the systemd unit's RestartPreventExitStatus=2 does not restart"},
	}
	environment = []helpTerm{
		{"SERFWD_CONFIG", "the configuration file when --config is not given"},
		{"CREDENTIALS_DIRECTORY", "set by systemd for the service (LoadCredential=); the packaged config's *_file keys point into it. --credentials sets it for one command"},
		{"GOMEMLIMIT", "the Go runtime's soft memory limit; serfwd sets none (its memory is bounded by design)"},
		{"NOTIFY_SOCKET, WATCHDOG_USEC", "set by systemd for Type=notify and its watchdog"},
	}
	files = []helpTerm{
		{defaultConfigPath, "the configuration (readable by the service: no secrets in it)"},
		{"/etc/serfwd/credentials/", "the packaged unit's secrets, one per file: NAME is $CREDENTIALS_DIRECTORY/serfwd_NAME for the service (LoadCredential=serfwd:/etc/serfwd/credentials)"},
		{"/etc/serfwd/serfwd.env", "VAR=value lines for ${VAR} in the configuration (the unit's EnvironmentFile=)"},
		{"/var/lib/serfwd/state.db", "the state file (default state_path): cursors, durable per-sink queues, revisit lists; one process at a time"},
		{"/var/lib/serfwd/state.db.sock", "the control socket of the running daemon (state_path + .sock, mode 0600): status, checkpoint show and backfill ask it; removed when the daemon stops"},
		{"/var/lib/serfwd/deadletter-SINK.ndjson", "events a sink rejected for good, one JSON line each, beside the state file"},
	}
)

// sinkDestinations lists what the sink kinds deliver to, as the table of
// kinds describes them: "Splunk (…), syslog receivers …, files, … and …".
func sinkDestinations() string {
	var about []string
	for _, k := range agent.SinkKinds().Help() {
		about = append(about, k.About)
	}
	return joinAnd(about)
}

// sinkChecks lists what `check` proves for each sink kind, as the table of
// kinds describes it: "splunk_hec: health ok, token accepted; …".
func sinkChecks() string {
	var checks []string
	for _, k := range agent.SinkKinds().Help() {
		checks = append(checks, k.Type+": "+k.Check)
	}
	return strings.Join(checks, "; ")
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func helpFlags(fs *flag.FlagSet) {
	fs.Bool("man", false, "print the whole help as the man page serfwd(1), in roff")
}

func cmdHelp(_ context.Context, io stdio, args []string) int {
	// help takes command names, or its own flags.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		c := findCommand(strings.Join(args, " "))
		if c.name == "" {
			fmt.Fprintf(io.Stderr, "serfwd help: no command %q\n", strings.Join(args, " "))
			fmt.Fprintln(io.Stderr, "Run 'serfwd help' for the list of commands.")
			return exitUsage
		}
		writeHelp(io.Stdout, c, commandFlags(c, io))
		return exitOK
	}
	fs := newFlagSet("help", io)
	helpFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.Lookup("man").Value.String() == "true" {
		writeMan(io.Stdout)
		return exitOK
	}
	usage(io.Stdout)
	return exitOK
}

// commandFlags returns a flag set with c's flags declared.
func commandFlags(c command, io stdio) *flag.FlagSet {
	fs := newFlagSet(c.name, io)
	if c.flags != nil {
		c.flags(fs)
	}
	return fs
}

// usage prints the overview: what serfwd is, its commands, exit statuses.
func usage(w io.Writer) {
	fmt.Fprintln(w, "serfwd: forward Proofpoint SER reporting data to SIEMs")
	fmt.Fprintln(w, "\nUsage:\n  serfwd COMMAND [flags]\n  serfwd help COMMAND     (or serfwd COMMAND --help)")
	fmt.Fprintln(w)
	for _, p := range overview {
		fmt.Fprintf(w, "%s\n\n", wrap(p, "", "", helpWidth))
	}
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintln(w, wrap(c.summary, fmt.Sprintf("  %-17s ", c.name), strings.Repeat(" ", 20), helpWidth))
	}
	writeExits(w, exitSummary)
	fmt.Fprintln(w, "\nEnvironment:")
	writeTerms(w, environment)
	fmt.Fprintln(w, "\nFiles:")
	writeTerms(w, files)
}

// writeHelp prints c's help with the flags declared on fs.
func writeHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "serfwd %s: %s\n\nUsage:\n", c.name, c.summary)
	for _, u := range c.usage {
		fmt.Fprintf(w, "  serfwd %s\n", u)
	}
	for _, p := range c.about {
		fmt.Fprintf(w, "\n%s\n", wrap(p, "", "", helpWidth))
	}
	const pad = 26 // where flag usages start
	fmt.Fprintln(w, "\nFlags:")
	for _, f := range append(flagDocs(fs), flagDoc{"-h, --help", "this help"}) {
		left := "  " + f.name
		if len(left)+2 > pad {
			fmt.Fprintln(w, left)
			left = ""
		}
		fmt.Fprintln(w, wrap(f.usage, fmt.Sprintf("%-*s", pad, left), strings.Repeat(" ", pad), helpWidth))
	}
	writeExits(w, c.exits)
	if len(c.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", e.line)
			if e.what != "" {
				fmt.Fprintln(w, wrap(e.what, "      ", "      ", helpWidth))
			}
		}
	}
}

func writeExits(w io.Writer, exits []exitCode) {
	if len(exits) == 0 {
		return
	}
	fmt.Fprintln(w, "\nExit status:")
	for _, e := range exits {
		fmt.Fprintln(w, wrap(e.when, fmt.Sprintf("  %d  ", e.code), "     ", helpWidth))
	}
}

func writeTerms(w io.Writer, terms []helpTerm) {
	for _, t := range terms {
		fmt.Fprintf(w, "  %s\n%s\n", t.name, wrap(t.text, "      ", "      ", helpWidth))
	}
}

// flagDoc is one flag as help shows it: "--name VALUE" and its usage with
// the default.
type flagDoc struct{ name, usage string }

// flagDocs describes the flags of fs in name order.
func flagDocs(fs *flag.FlagSet) []flagDoc {
	var out []flagDoc
	fs.VisitAll(func(f *flag.Flag) {
		value, text := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			name += " " + strings.ToUpper(value)
		}
		switch f.DefValue {
		case "", "0", "false", "0s":
		default:
			if !strings.Contains(text, "default") {
				text += " (default " + f.DefValue + ")"
			}
		}
		out = append(out, flagDoc{name, text})
	})
	return out
}

// wrap fills text's words into lines of at most width: the first line
// starts with first, the others with rest.
func wrap(text, first, rest string, width int) string {
	var b strings.Builder
	line, empty := first, true
	for _, word := range strings.Fields(text) {
		if !empty && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line)
	return b.String()
}
