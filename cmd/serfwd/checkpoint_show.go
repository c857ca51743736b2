// `serfwd checkpoint show`: cursors, lags, queues and revisit lists, as a
// table for people or as JSON for scripts.

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/state"
)

// cpView is what `checkpoint show --json` prints. The shape is stable;
// fields may be added, never renamed. Times are YYYY-MM-DDTHH:mm:ss.SSSZ;
// a missing time or lag is null.
//
//	{"state_path": "...", "now": "...",
//	 "inputs": [{"name", "cursor", "lag_seconds", "configured", "next_start",
//	             "revisits": [{"start", "end", "first_fetched", "next_due", "attempts", "records"}]}],
//	 "sinks":  [{"name", "events", "bytes", "oldest", "oldest_age_seconds", "configured"}]}
type cpView struct {
	StatePath string    `json:"state_path"`
	Now       string    `json:"now"`
	Inputs    []cpInput `json:"inputs"`
	Sinks     []cpSink  `json:"sinks"`
}

type cpInput struct {
	Name       string      `json:"name"`
	Cursor     *string     `json:"cursor"`
	LagSeconds *int64      `json:"lag_seconds"`
	Configured bool        `json:"configured"`
	NextStart  *string     `json:"next_start"` // where a configured input without a cursor begins
	Revisits   []cpRevisit `json:"revisits"`
}

type cpRevisit struct {
	Start        string `json:"start"`
	End          string `json:"end"`
	FirstFetched string `json:"first_fetched"`
	NextDue      string `json:"next_due"`
	Attempts     int    `json:"attempts"`
	Records      int    `json:"records"`
}

type cpSink struct {
	Name             string  `json:"name"`
	Events           int64   `json:"events"`
	Bytes            int64   `json:"bytes"`
	Oldest           *string `json:"oldest"`
	OldestAgeSeconds *int64  `json:"oldest_age_seconds"`
	Configured       bool    `json:"configured"`
}

// checkpointShowArgs are the flags of `serfwd checkpoint show`.
type checkpointShowArgs struct {
	cf     *configFlags
	asJSON bool
}

func checkpointShowFlags(fs *flag.FlagSet) *checkpointShowArgs {
	a := &checkpointShowArgs{cf: newConfigFlags(fs)}
	fs.BoolVar(&a.asJSON, "json", false, "print one JSON object for scripts instead of tables")
	return a
}

func checkpointShow(io stdio, args []string, now time.Time) int {
	fs := newFlagSet("checkpoint show", io)
	a := checkpointShowFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	defer a.cf.close()
	cfg, code := loadConfig(io, a.cf)
	if code != exitOK {
		return code
	}
	var st *state.Store
	if stateExists(cfg) { // never create a state file just to show it
		if st, code = openState(io, "checkpoint show", cfg); code != exitOK {
			return code
		}
		defer st.Close()
	}
	v, err := buildView(cfg, st, now)
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd checkpoint show: %v\n", err)
		return exitFailure
	}
	if a.asJSON {
		enc := json.NewEncoder(io.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(io.Stderr, "serfwd checkpoint show: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	if st == nil {
		fmt.Fprintf(io.Stdout, "no state file at %s yet: serfwd has not run\n\n", cfg.StatePath)
	}
	printView(io.Stdout, v)
	return exitOK
}

// buildView reads st (nil: no state file yet) into a cpView.
func buildView(cfg *config.Config, st *state.Store, now time.Time) (cpView, error) {
	v := cpView{StatePath: cfg.StatePath, Now: event.FormatTime(now), Inputs: []cpInput{}, Sinks: []cpSink{}}
	cursors, stats, revisitInputs := map[string]time.Time{}, map[string]state.QueueStat{}, []string(nil)
	var err error
	if st != nil {
		if cursors, err = st.Cursors(); err != nil {
			return v, fmt.Errorf("reading cursors: %w", err)
		}
		if stats, err = st.Stats(); err != nil {
			return v, fmt.Errorf("reading queues: %w", err)
		}
		if revisitInputs, err = st.RevisitInputs(); err != nil {
			return v, fmt.Errorf("reading revisit lists: %w", err)
		}
	}
	if v.Inputs, err = viewInputs(cfg, st, cursors, revisitInputs, now); err != nil {
		return v, err
	}
	v.Sinks = viewSinks(cfg, stats, now)
	return v, nil
}

// viewInputs lists the configured inputs, then any other input with a cursor
// or a revisit list in the file.
func viewInputs(cfg *config.Config, st *state.Store, cursors map[string]time.Time, revisitInputs []string, now time.Time) ([]cpInput, error) {
	out := []cpInput{}
	for _, name := range orderNames(configuredInputs(cfg), cpKeys(cursors), revisitInputs) {
		in, configured := findInput(cfg, name)
		ci := cpInput{Name: name, Configured: configured, Revisits: []cpRevisit{}}
		if cur, ok := cursors[name]; ok {
			ci.Cursor, ci.LagSeconds = cpPtr(event.FormatTime(cur)), cpPtr(int64(now.Sub(cur)/time.Second))
		} else if configured {
			at, _ := nextStart(in, now)
			ci.NextStart = cpPtr(event.FormatTime(at))
		}
		if st != nil {
			rs, err := st.Revisits(name)
			if err != nil {
				return nil, fmt.Errorf("reading the revisit list of input %q: %w", name, err)
			}
			for _, r := range rs {
				ci.Revisits = append(ci.Revisits, cpRevisit{Start: event.FormatTime(r.Start), End: event.FormatTime(r.End),
					FirstFetched: event.FormatTime(r.First), NextDue: event.FormatTime(r.Due), Attempts: r.Attempts, Records: len(r.Records)})
			}
		}
		out = append(out, ci)
	}
	return out, nil
}

// viewSinks lists the configured sinks, then any other queue in the file.
func viewSinks(cfg *config.Config, stats map[string]state.QueueStat, now time.Time) []cpSink {
	configured := make([]string, 0, len(cfg.Sinks))
	for _, sc := range cfg.Sinks {
		configured = append(configured, sc.Name)
	}
	out := []cpSink{}
	for _, name := range orderNames(configured, cpKeys(stats)) {
		q := stats[name]
		cs := cpSink{Name: name, Events: q.Events, Bytes: q.Bytes, Configured: slices.Contains(configured, name)}
		if !q.Oldest.IsZero() && q.Events > 0 {
			cs.Oldest, cs.OldestAgeSeconds = cpPtr(event.FormatTime(q.Oldest)), cpPtr(int64(now.Sub(q.Oldest)/time.Second))
		}
		out = append(out, cs)
	}
	return out
}

func configuredInputs(cfg *config.Config) []string {
	out := make([]string, 0, len(cfg.Inputs))
	for _, in := range cfg.Inputs {
		out = append(out, in.Name)
	}
	return out
}

// orderNames returns first in its order, then every other name of the
// extra lists, sorted, without duplicates.
func orderNames(first []string, extra ...[]string) []string {
	seen := map[string]bool{}
	out := append([]string(nil), first...)
	for _, n := range first {
		seen[n] = true
	}
	var rest []string
	for _, list := range extra {
		for _, n := range list {
			if !seen[n] {
				seen[n] = true
				rest = append(rest, n)
			}
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func cpKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func cpPtr[T any](v T) *T { return &v }
