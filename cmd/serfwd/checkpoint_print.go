// The people's rendering of `serfwd checkpoint show`: aligned tables of
// inputs, sinks and revisit lists.

package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

func printView(w io.Writer, v cpView) {
	fmt.Fprintf(w, "state file %s, now %s\n\n", v.StatePath, v.Now)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INPUT\tCURSOR\tLAG\tREVISITS\tNOTE")
	for _, in := range v.Inputs {
		cursor, lag, note := "-", "-", ""
		if in.LagSeconds != nil {
			lag = cpDuration(*in.LagSeconds)
		}
		switch {
		case in.Cursor != nil:
			cursor = *in.Cursor
		case in.NextStart != nil:
			cursor = "none yet (starts " + *in.NextStart + ")" // as status says it
		}
		if !in.Configured {
			note = "not configured"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", in.Name, cursor, lag, len(in.Revisits), note)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SINK\tEVENTS\tBYTES\tOLDEST\tAGE\tNOTE")
	for _, s := range v.Sinks {
		oldest, age, note := "-", "-", ""
		if s.Oldest != nil {
			oldest, age = *s.Oldest, cpDuration(*s.OldestAgeSeconds)
		}
		if !s.Configured {
			note = "not configured"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", s.Name, s.Events, cpBytes(s.Bytes), oldest, age, note)
	}
	tw.Flush()
	for _, in := range v.Inputs {
		if len(in.Revisits) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nrevisit list of input %s\n", in.Name)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "WINDOW\tNEXT DUE\tATTEMPTS\tRECORDS")
		for _, r := range in.Revisits {
			fmt.Fprintf(tw, "%s/%s\t%s\t%d\t%d\n", r.Start, r.End, r.NextDue, r.Attempts, r.Records)
		}
		tw.Flush()
	}
}

// cpDuration renders a duration in seconds as 3d4h5m6s.
func cpDuration(s int64) string {
	d := time.Duration(s) * time.Second
	if days := d / (24 * time.Hour); days > 0 {
		return fmt.Sprintf("%dd%s", days, d-days*24*time.Hour)
	}
	return d.String()
}

// cpBytes renders n with a binary unit.
func cpBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
