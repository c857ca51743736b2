// Tests of the command line's help: --help, -h and `help CMD` agree for every
// command and have the usual sections, the overview lists every command and
// what every sink kind delivers to, usage errors say what is wrong (with a
// suggestion for a typo), and the man page has a section for every command
// and flag. runCLI runs serfwd in-process for these tests and svcenv_test.go.

package main

import (
	"bytes"
	"context"
	"flag"
	"regexp"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/agent"
)

// runCLI runs serfwd in-process and returns its exit status and output.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = dispatch(context.Background(), stdio{&o, &e}, args)
	return code, o.String(), e.String()
}

// declaredFlags lists the flags a command parses with.
func declaredFlags(c command) []string {
	var names []string
	commandFlags(c, stdio{&bytes.Buffer{}, &bytes.Buffer{}}).VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

// singleDash finds a flag written with one dash, e.g. " -config".
var singleDash = regexp.MustCompile(`(^|\s)-[a-z][a-z-]+`)

func TestEveryCommandExplainsItself(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			words := strings.Fields(c.name)
			code, want, stderr := runCLI(append(words, "--help")...)
			if code != exitOK || stderr != "" {
				t.Fatalf("%s --help: exit %d, stderr %q", c.name, code, stderr)
			}
			for _, args := range [][]string{append(words, "-h"), append([]string{"help"}, words...)} {
				code, got, stderr := runCLI(args...)
				if code != exitOK || stderr != "" || got != want {
					t.Errorf("%v: exit %d, stderr %q; its help differs from --help's:\n%s", args, code, stderr, got)
				}
			}
			for _, s := range []string{"serfwd " + c.name + ": ", "Usage:\n  serfwd ", "Flags:\n", "-h, --help", "Exit status:\n  0  ", "Examples:\n  serfwd "} {
				if !strings.Contains(want, s) {
					t.Errorf("the help lacks %q:\n%s", s, want)
				}
			}
			if c.run != nil && c.name != "version" && c.name != "help" && !strings.Contains(want, "\n  2  ") {
				t.Errorf("the help does not say when it exits 2:\n%s", want)
			}
			for _, f := range declaredFlags(c) {
				if !strings.Contains(want, "\n  --"+f+" ") && !strings.Contains(want, "\n  --"+f+"\n") {
					t.Errorf("the help does not list --%s:\n%s", f, want)
				}
			}
			if m := singleDash.FindString(strings.ReplaceAll(want, "-h, --help", "")); m != "" {
				t.Errorf("the help writes a flag with one dash (%q):\n%s", m, want)
			}
		})
	}
}

func TestOverviewListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI("help")
	if code != exitOK {
		t.Fatalf("help: exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "\n  "+c.name+" ") {
			t.Errorf("the overview does not list %s:\n%s", c.name, out)
		}
	}
	for _, args := range [][]string{{"--help"}, {"-h"}} {
		if code, got, _ := runCLI(args...); code != exitOK || got != out {
			t.Errorf("%v: exit %d, or not the overview", args, code)
		}
	}
	// No command at all is a usage error; the overview goes to stderr.
	if code, stdout, stderr := runCLI(); code != exitUsage || stdout != "" || stderr != out {
		t.Errorf("no command: exit %d, stdout %q", code, stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string // the first line, exactly
	}{
		{[]string{"demo", "--config", "x.yaml"}, "serfwd demo: --config is not a flag of demo: the demo needs no configuration; it runs on the built-in simulator with a temporary state file (serfwd once --config FILE runs a real one)"},
		{[]string{"backfill", "--form", "2026-11-28"}, "serfwd backfill: unknown flag --form (did you mean --from?)"},
		{[]string{"check", "--timeout", "soon"}, `serfwd check: --timeout: "soon" is not a duration (e.g. 30s, 5m, 1h)`},
		{[]string{"checkpoint", "show", "--json=maybe"}, `serfwd checkpoint show: --json: "maybe" is not true or false`},
		{[]string{"checkpoint", "set", "--input"}, "serfwd checkpoint set: flag --input needs a value"},
		{[]string{"version", "--short"}, "serfwd version: unknown flag --short"},
		{[]string{"version", "extra"}, `serfwd version: unexpected argument "extra"`},
		{[]string{"once", "-bogus"}, "serfwd once: unknown flag --bogus"},
		{[]string{"chek"}, `serfwd: unknown command "chek" (did you mean check?)`},
		{[]string{"help", "nosuch"}, `serfwd help: no command "nosuch"`},
		{[]string{"checkpoint", "list"}, `serfwd checkpoint: unknown subcommand "list" (want show, set or reset)`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(tt.args...)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != exitUsage || stdout != "" || lines[0] != tt.stderr {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant exit 2 and first line:\n%s", code, stdout, stderr, tt.stderr)
			}
			if len(lines) != 2 || !strings.HasPrefix(lines[1], "Run 'serfwd ") {
				t.Errorf("no pointer to the help after the error:\n%s", stderr)
			}
		})
	}
}

func TestManPage(t *testing.T) {
	var b bytes.Buffer
	writeMan(&b)
	man := b.String()
	if !strings.HasPrefix(man, ".TH SERFWD 1 ") {
		t.Fatalf("not a section 1 man page:\n%.200s", man)
	}
	for _, c := range commands() {
		if !strings.Contains(man, `.SS "serfwd `+roff(c.name)+`"`) {
			t.Errorf("no section for %s", c.name)
		}
		for _, f := range declaredFlags(c) {
			if !strings.Contains(man, "\n.B "+roff("--"+f)+"\n") && !strings.Contains(man, `.BI "`+roff("--"+f)+` "`) {
				t.Errorf("%s: --%s is not in the man page", c.name, f)
			}
		}
	}
	request := regexp.MustCompile(`^\.(TH|SH|SS|PP|TP|B|BI|BR|I|RI|RS|RE|nf|fi|br)( |$)`)
	for _, line := range strings.Split(man, "\n") {
		if strings.HasPrefix(line, "'") || (strings.HasPrefix(line, ".") && !request.MatchString(line)) {
			t.Errorf("a text line would be read as a roff request: %q", line)
		}
	}
	if got := roff(`.a-b\c`); got != `\&.a\-b\ec` {
		t.Errorf("roff escaping: %q", got)
	}
}

// TestHelpNamesEverySinkKind: the overview (and so the man page) says
// what every kind of the table delivers to, and `check --help` what check
// proves for each, so that a new kind cannot be left out.
func TestHelpNamesEverySinkKind(t *testing.T) {
	_, overview, _ := runCLI("help")
	_, checkHelp, _ := runCLI("check", "--help")
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, k := range agent.SinkKinds().Help() {
		if !strings.Contains(flat(overview), k.About) {
			t.Errorf("serfwd help does not say %q (%s)", k.About, k.Type)
		}
		if !strings.Contains(flat(checkHelp), k.Type+": "+k.Check) {
			t.Errorf("serfwd check --help does not say what check proves for %s", k.Type)
		}
	}
	for _, s := range []string{"Kafka", "OTLP"} {
		if !strings.Contains(overview, s) {
			t.Errorf("serfwd help does not mention %s", s)
		}
	}
}
