// Tests of time arguments: the dates and timestamps parseTimeArg accepts,
// times before the earliest refused with the floor named, and dates taken by
// backfill's plan and by `checkpoint set --time`.

package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

func TestParseTimeArg(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"2026-11-28", time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC), false},
		{"2026-11-28T06:30:00.000Z", time.Date(2026, 11, 28, 6, 30, 0, 0, time.UTC), false},
		{"2026-11-28T07:30:00+01:00", time.Date(2026, 11, 28, 6, 30, 0, 0, time.UTC), false},
		{"2026-02-30", time.Time{}, true},
		{"28.11.2026", time.Time{}, true},
		{"2026-11-28 06:30", time.Time{}, true},
		{"", time.Time{}, true},
	}
	for _, tc := range tests {
		got, err := parseTimeArg("from", tc.in)
		switch {
		case tc.err && (err == nil || !strings.Contains(err.Error(), `--from "`+tc.in+`": want a date YYYY-MM-DD (its 00:00 UTC) or a time`)):
			t.Errorf("%q: error %v, want one naming the flag and both forms", tc.in, err)
		case !tc.err && (err != nil || !got.Equal(tc.want) || got.Location() != time.UTC):
			t.Errorf("%q = %v, %v; want %v in UTC", tc.in, got, err, tc.want)
		}
	}
}

// Times before config.EarliestTime (a zero time, a mistyped year) are
// refused with the floor named, not taken as a cursor or a range in year 1.
func TestParseTimeArgRefusesAncientTimes(t *testing.T) {
	for _, in := range []string{"0001-01-01", "0001-01-01T00:00:00.000Z", "0226-11-28", "1999-12-31T23:59:59.999Z"} {
		_, err := parseTimeArg("time", in)
		if err == nil || !strings.Contains(err.Error(), "--time: ") || !strings.Contains(err.Error(), "is before 2000-01-01, the earliest time serfwd accepts") {
			t.Errorf("%q: error %v, want one naming the flag and the floor", in, err)
		}
	}
	if got, err := parseTimeArg("time", "2000-01-01"); err != nil || !got.Equal(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the floor itself: %v, %v", got, err)
	}
}

func TestPlanBackfillTakesDates(t *testing.T) {
	in := config.DefaultInput()
	in.Name, in.Window, in.Delay = "acme", time.Hour, 10*time.Minute
	cfg := &config.Config{Inputs: []config.Input{in}}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var errb bytes.Buffer
	p, code := planBackfill(stdio{&bytes.Buffer{}, &errb}, cfg, "acme", "2026-11-28", "2026-11-29", now)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if want := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC); !p.from.Equal(want) || !p.to.Equal(want.Add(24*time.Hour)) || p.windows != 24 {
		t.Fatalf("plan %s..%s, %d windows; want the 24 hours of 28 November", p.from, p.to, p.windows)
	}
	if _, code := planBackfill(stdio{&bytes.Buffer{}, &errb}, cfg, "acme", "2026-11-28", "tomorrow", now); code != exitUsage ||
		!strings.Contains(errb.String(), `--to "tomorrow": want a date`) {
		t.Fatalf("a bad --to: exit %d, %s", code, errb.String())
	}
}

func TestCheckpointSetTakesADate(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	opsOnce(t, e)
	day := e.start.Add(-24 * time.Hour).Truncate(24 * time.Hour)
	code, stdout, stderr := opsRun(t, "checkpoint", "set", "--input", "acme", "--time", day.Format(time.DateOnly), "--config", e.cfg)
	if code != exitOK {
		t.Fatalf("checkpoint set --time %s: exit %d\n%s", day.Format(time.DateOnly), code, stderr)
	}
	if got := opsCursor(t, opsShow(t, e)); !got.Equal(day) {
		t.Fatalf("cursor %s, want %s:\n%s", event.FormatTime(got), event.FormatTime(day), stdout)
	}
}
