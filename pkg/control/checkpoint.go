// The checkpoint view: every input's cursor, lag and revisit list, every
// sink's queue, read from a state file. `checkpoint show` builds it from the
// file, or asks the daemon that holds the file to build it: the same view,
// the same output.

package control

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/poller"
	"github.com/serfwd/serfwd/pkg/state"
)

// CheckpointView is what `checkpoint show --json` prints. The shape is
// stable; fields may be added, never renamed. Times are
// YYYY-MM-DDTHH:mm:ss.SSSZ; a missing time or lag is null. An input's
// next_start and lag_seconds are what `status` says and the metrics count:
// the next window's start (the cursor, else where the input begins) and
// now − that.
//
//	{"state_path": "...", "now": "...",
//	 "inputs": [{"name", "cursor", "lag_seconds", "configured", "next_start",
//	             "revisits": [{"start", "end", "first_fetched", "next_due", "attempts", "records"}]}],
//	 "sinks":  [{"name", "events", "bytes", "oldest", "oldest_age_seconds", "configured"}]}
type CheckpointView struct {
	StatePath string            `json:"state_path"`
	Now       string            `json:"now"`
	Inputs    []CheckpointInput `json:"inputs"`
	Sinks     []CheckpointSink  `json:"sinks"`
}

// CheckpointInput is one input of a CheckpointView.
type CheckpointInput struct {
	Name       string  `json:"name"`
	Cursor     *string `json:"cursor"`
	LagSeconds *int64  `json:"lag_seconds"` // now - next_start
	Configured bool    `json:"configured"`
	// NextStart is where the next window starts: the cursor, else (a
	// configured input) its start or now - lookback; null for an input
	// that is neither configured nor has a cursor.
	NextStart *string   `json:"next_start"`
	Revisits  []Revisit `json:"revisits"`
}

// Revisit is one window on an input's revisit list.
type Revisit struct {
	Start        string `json:"start"`
	End          string `json:"end"`
	FirstFetched string `json:"first_fetched"`
	NextDue      string `json:"next_due"`
	Attempts     int    `json:"attempts"`
	Records      int    `json:"records"`
}

// CheckpointSink is one sink's queue in a CheckpointView.
type CheckpointSink struct {
	Name             string  `json:"name"`
	Events           int64   `json:"events"`
	Bytes            int64   `json:"bytes"`
	Oldest           *string `json:"oldest"`
	OldestAgeSeconds *int64  `json:"oldest_age_seconds"`
	Configured       bool    `json:"configured"`
}

// BuildCheckpoint reads st (nil: no state file yet) into a CheckpointView.
// starts says where a configured input without a cursor begins (a running
// daemon knows); an input missing from it begins at poller.FirstStart.
func BuildCheckpoint(cfg *config.Config, st *state.Store, now time.Time, starts map[string]time.Time) (CheckpointView, error) {
	v := CheckpointView{StatePath: cfg.StatePath, Now: event.FormatTime(now), Inputs: []CheckpointInput{}, Sinks: []CheckpointSink{}}
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
	if v.Inputs, err = checkpointInputs(cfg, st, cursors, revisitInputs, now, starts); err != nil {
		return v, err
	}
	v.Sinks = checkpointSinks(cfg, stats, now)
	return v, nil
}

// checkpointInputs lists the configured inputs, then any other input with a
// cursor or a revisit list in the file.
func checkpointInputs(cfg *config.Config, st *state.Store, cursors map[string]time.Time, revisitInputs []string,
	now time.Time, starts map[string]time.Time) ([]CheckpointInput, error) {
	out := []CheckpointInput{}
	for _, name := range OrderNames(inputNames(cfg), keys(cursors), revisitInputs) {
		i := slices.IndexFunc(cfg.Inputs, func(in config.Input) bool { return in.Name == name })
		ci := CheckpointInput{Name: name, Configured: i >= 0, Revisits: []Revisit{}}
		next, known := cursors[name]
		if known {
			ci.Cursor = ptr(event.FormatTime(next))
		} else if i >= 0 {
			if next, known = starts[name]; !known {
				next, known = poller.FirstStart(cfg.Inputs[i], now), true
			}
		}
		if known {
			ci.NextStart, ci.LagSeconds = ptr(event.FormatTime(next)), ptr(int64(config.Lag(now, next)/time.Second))
		}
		if st != nil {
			rs, err := st.Revisits(name)
			if err != nil {
				return nil, fmt.Errorf("reading the revisit list of input %q: %w", name, err)
			}
			for _, r := range rs {
				ci.Revisits = append(ci.Revisits, Revisit{Start: event.FormatTime(r.Start), End: event.FormatTime(r.End),
					FirstFetched: event.FormatTime(r.First), NextDue: event.FormatTime(r.Due), Attempts: r.Attempts, Records: r.Records})
			}
		}
		out = append(out, ci)
	}
	return out, nil
}

// checkpointSinks lists the configured sinks, then any other queue in the file.
func checkpointSinks(cfg *config.Config, stats map[string]state.QueueStat, now time.Time) []CheckpointSink {
	configured := make([]string, 0, len(cfg.Sinks))
	for _, sc := range cfg.Sinks {
		configured = append(configured, sc.Name)
	}
	out := []CheckpointSink{}
	for _, name := range OrderNames(configured, keys(stats)) {
		q := stats[name]
		cs := CheckpointSink{Name: name, Events: q.Events, Bytes: q.Bytes, Configured: slices.Contains(configured, name)}
		if !q.Oldest.IsZero() && q.Events > 0 {
			cs.Oldest, cs.OldestAgeSeconds = ptr(event.FormatTime(q.Oldest)), ptr(int64(now.Sub(q.Oldest)/time.Second))
		}
		out = append(out, cs)
	}
	return out
}

func inputNames(cfg *config.Config) []string {
	out := make([]string, 0, len(cfg.Inputs))
	for _, in := range cfg.Inputs {
		out = append(out, in.Name)
	}
	return out
}

// OrderNames returns first in its order, then every other name of the
// extra lists, sorted, without duplicates.
func OrderNames(first []string, extra ...[]string) []string {
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

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
