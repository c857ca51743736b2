// The people's rendering of `serfwd status`: the daemon, a table of inputs,
// a table of sinks, the backfill jobs, then each problem on a line of its
// own (errors are long; tables stay readable).

package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/serfwd/serfwd/pkg/control"
)

func printStatus(w io.Writer, s control.Status) {
	fmt.Fprintf(w, "serfwd %s, pid %d, running since %s; state file %s, now %s\n", s.Version, s.PID, s.Started, s.StatePath, s.Now)
	if s.MetricsAddress != nil {
		fmt.Fprintf(w, "metrics on http://%s/metrics\n", *s.MetricsAddress)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INPUT\tCURSOR\tLAG\tLAST SUCCESS\tREVISITS\tLAST ERROR")
	for _, in := range s.Inputs {
		cursor := orDash(in.Cursor)
		if in.Cursor == nil {
			cursor = "none yet (starts " + in.NextStart + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", in.Name, cursor, cpDuration(in.LagSeconds), orDash(in.LastSuccess),
			in.Revisits, problemAt(in.LastError))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SINK\tTYPE\tQUEUED\tBYTES\tOLDEST\tLAST DELIVERY\tLAST ERROR\tCONFIG PROBLEM")
	for _, sk := range s.Sinks {
		problem := "-"
		if sk.ConfigProblem != nil {
			problem = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", sk.Name, sk.Type, sk.Events, cpBytes(sk.Bytes), orDash(sk.Oldest),
			orDash(sk.LastDelivery), problemAt(sk.LastError), problem)
	}
	tw.Flush()
	printJobs(w, s.Jobs)
	printProblems(w, s)
}

// printJobs lists the backfill jobs, if any.
func printJobs(w io.Writer, jobs []control.JobStatus) {
	if len(jobs) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tINPUT\tRANGE\tSTATE\tWINDOWS\tEVENTS\tSTARTED")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%d\t%s\t%s/%s\t%s\t%d/%d\t%d\t%s\n", j.ID, j.Input, j.From, j.To, j.State, j.Done, j.Total, j.Events, j.Started)
	}
	tw.Flush()
}

// printProblems writes each error in full, one per line.
func printProblems(w io.Writer, s control.Status) {
	var lines []string
	for _, in := range s.Inputs {
		if p := in.LastError; p != nil {
			lines = append(lines, fmt.Sprintf("input %s: last error at %s: %s", in.Name, p.At, p.Error))
		}
	}
	for _, sk := range s.Sinks {
		if sk.ConfigProblem != nil {
			lines = append(lines, fmt.Sprintf("sink %s: configuration problem (events stay queued until it is fixed): %s", sk.Name, *sk.ConfigProblem))
		}
		if p := sk.LastError; p != nil {
			lines = append(lines, fmt.Sprintf("sink %s: last error at %s: %s", sk.Name, p.At, p.Error))
		}
	}
	for _, j := range s.Jobs {
		if j.Error != "" {
			lines = append(lines, fmt.Sprintf("job %d: %s", j.ID, j.Error))
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// problemAt is when a problem happened, "-" when there was none.
func problemAt(p *control.Problem) string {
	if p == nil {
		return "-"
	}
	return p.At + " (below)"
}

func orDash(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}
