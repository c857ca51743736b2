// The checkpoint view tells an input's next start and lag as status and the
// metrics do: from the cursor, else from where the input begins, also
// before the first commit; and never an overflowed lag.

package control_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/state"
)

func TestCheckpointViewNextStartAndLag(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 30, 0, 0, time.UTC)
	start := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	cursor := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	input := func(name string, start time.Time) config.Input {
		in := config.DefaultInput()
		in.Name, in.Start = name, start
		return in
	}
	cfg := &config.Config{StatePath: filepath.Join(t.TempDir(), "state.db"),
		Inputs: []config.Input{input("fresh", start), input("going", start), input("lookback", time.Time{})}}
	st, err := state.Open(cfg.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, at := range map[string]time.Time{"going": cursor, "gone": cursor.Add(-time.Hour)} {
		if err := st.SetCursor(name, at); err != nil {
			t.Fatal(err)
		}
	}
	daemonStart := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) // a daemon's lookback counts from its start
	v, err := control.BuildCheckpoint(cfg, st, now, map[string]time.Time{"lookback": daemonStart})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		cursor, next string
		lag          int64
	}{
		"fresh":    {"", "2026-11-29T00:00:00.000Z", int64(now.Sub(start) / time.Second)},
		"going":    {"2026-11-30T10:00:00.000Z", "2026-11-30T10:00:00.000Z", 2*3600 + 1800},
		"lookback": {"", "2026-11-30T09:00:00.000Z", 3*3600 + 1800},
		"gone":     {"2026-11-30T09:00:00.000Z", "2026-11-30T09:00:00.000Z", 3*3600 + 1800}, // not configured, a cursor left
	}
	if len(v.Inputs) != len(want) {
		t.Fatalf("%d inputs, want %d: %+v", len(v.Inputs), len(want), v.Inputs)
	}
	for _, in := range v.Inputs {
		w := want[in.Name]
		cursor := ""
		if in.Cursor != nil {
			cursor = *in.Cursor
		}
		if cursor != w.cursor || in.NextStart == nil || *in.NextStart != w.next || in.LagSeconds == nil || *in.LagSeconds != w.lag {
			t.Errorf("input %s: cursor %q, next_start %v, lag %v; want %q, %s, %d", in.Name, cursor, deref(in.NextStart), deref(in.LagSeconds), w.cursor, w.next, w.lag)
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
