// The man page serfwd(1), rendered in roff from the same help as `serfwd
// help` (`serfwd help --man`); packaging/build.sh installs it.

package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// writeMan prints the man page. Its date is $SOURCE_DATE_EPOCH's when set,
// so that package builds are reproducible.
func writeMan(w io.Writer) {
	ver, _ := buildVersion()
	date := ""
	if s, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		date = time.Unix(s, 0).UTC().Format("2006-01-02")
	}
	fmt.Fprintf(w, ".TH SERFWD 1 %s %s \"User Commands\"\n", roffQuote(date), roffQuote("serfwd "+ver))
	fmt.Fprintln(w, ".SH NAME\nserfwd \\- forward Proofpoint SER reporting data to SIEMs")
	fmt.Fprintln(w, ".SH SYNOPSIS")
	fmt.Fprintln(w, ".B serfwd\n.I COMMAND\n.RI [ flags ]")
	fmt.Fprintln(w, ".br\n.B serfwd help\n.RI [ COMMAND ]")
	fmt.Fprintln(w, ".SH DESCRIPTION")
	for _, p := range overview {
		fmt.Fprintf(w, ".PP\n%s\n", roff(p))
	}
	fmt.Fprintln(w, ".SH COMMANDS")
	for _, c := range commands() {
		manCommand(w, c)
	}
	fmt.Fprintln(w, ".SH \"EXIT STATUS\"")
	manExits(w, exitSummary)
	fmt.Fprintln(w, ".SH ENVIRONMENT")
	manTerms(w, environment)
	fmt.Fprintln(w, ".SH FILES")
	manTerms(w, files)
	fmt.Fprintln(w, ".SH \"SEE ALSO\"")
	fmt.Fprintln(w, ".BR systemctl (1),\n.BR journalctl (1),\n.BR systemd.exec (5)")
	fmt.Fprintln(w, ".PP\n/usr/share/doc/serfwd/README.md")
}

// manCommand renders one command's help as a subsection.
func manCommand(w io.Writer, c command) {
	fmt.Fprintf(w, ".SS %s\n", roffQuote("serfwd "+c.name))
	fmt.Fprintf(w, "%s.\n", roff(c.summary))
	fmt.Fprintln(w, ".PP\n.nf")
	for _, u := range c.usage {
		fmt.Fprintf(w, "\\fBserfwd\\fR %s\n", roff(u))
	}
	fmt.Fprintln(w, ".fi")
	for _, p := range c.about {
		fmt.Fprintf(w, ".PP\n%s\n", roff(p))
	}
	for _, f := range flagDocs(commandFlags(c, stdio{io.Discard, io.Discard})) {
		name, value, _ := strings.Cut(f.name, " ")
		if value == "" {
			fmt.Fprintf(w, ".TP\n.B %s\n%s\n", roff(name), roff(f.usage))
		} else {
			fmt.Fprintf(w, ".TP\n.BI %s %s\n%s\n", roffQuote(name+" "), roff(value), roff(f.usage))
		}
	}
	fmt.Fprintln(w, ".PP\nExit status:")
	manExits(w, c.exits)
	for _, e := range c.examples {
		fmt.Fprintf(w, ".PP\nExample%s:\n.RS\n.nf\n%s\n.fi\n.RE\n", roffSuffix(e.what), roff(e.line))
	}
}

func manExits(w io.Writer, exits []exitCode) {
	for _, e := range exits {
		fmt.Fprintf(w, ".TP\n.B %d\n%s\n", e.code, roff(e.when))
	}
}

func manTerms(w io.Writer, terms []helpTerm) {
	for _, t := range terms {
		fmt.Fprintf(w, ".TP\n.B %s\n%s\n", roffQuote(t.name), roff(t.text))
	}
}

// roffSuffix renders an example's description as " (what)".
func roffSuffix(what string) string {
	if what == "" {
		return ""
	}
	return " (" + roff(what) + ")"
}

// roff escapes text for a roff line: backslashes, minus signs, and a
// leading dot or quote that would start a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffQuote renders s as one quoted macro argument.
func roffQuote(s string) string {
	return `"` + strings.ReplaceAll(roff(s), `"`, `\(dq`) + `"`
}
