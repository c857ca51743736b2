// `serfwd backfill` against the simulator: exactly the asked windows, clipping
// at now - delay, usage errors.

package main

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/state"
)

// opsReportWindows lists the report windows the simulator saw after the
// first `from` log entries, sorted.
func opsReportWindows(sim *sersim.Server, from int) []serapi.Window {
	var out []serapi.Window
	for _, r := range sim.Stats().Requests[from:] {
		if !r.Window.Start.IsZero() {
			out = append(out, r.Window)
		}
	}
	slices.SortFunc(out, func(a, b serapi.Window) int { return a.Start.Compare(b.Start) })
	return out
}

func TestBackfillFetchesExactlyTheAskedWindows(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 6, "", "")
	opsOnce(t, e)
	cursor := opsCursor(t, opsShow(t, e))
	lines := len(e.outputLines())
	before := len(e.sim.Stats().Requests)

	from, to := e.start.Add(time.Hour+10*time.Minute), e.start.Add(3*time.Hour)
	code, stdout, stderr := opsRun(t, "backfill", "--input", "acme", "--from", event.FormatTime(from), "--to", event.FormatTime(to), "--config", e.cfg)
	if code != exitOK {
		t.Fatalf("backfill exited %d:\n%s%s", code, stdout, stderr)
	}
	want := []serapi.Window{
		{Start: e.start.Add(time.Hour), End: e.start.Add(2 * time.Hour)},
		{Start: e.start.Add(2 * time.Hour), End: e.start.Add(3 * time.Hour)},
	}
	if got := opsReportWindows(e.sim, before); !slices.Equal(got, want) {
		t.Fatalf("backfill fetched %v, want %v", got, want)
	}
	var wantLines []string
	for _, w := range want {
		rep := e.sim.Expected(w, time.Now())
		for _, ev := range event.FromReport("acme", w, &rep) {
			wantLines = append(wantLines, string(ev.AppendJSON(nil)))
		}
	}
	if got := e.outputLines()[lines:]; !slices.Equal(got, wantLines) {
		t.Fatalf("backfill delivered %d events, want the %d of its windows:\n%s", len(got), len(wantLines), lineDiff(got, wantLines))
	}
	if got := opsCursor(t, opsShow(t, e)); !got.Equal(cursor) {
		t.Fatalf("backfill moved the cursor from %s to %s", cursor, got)
	}
	t.Logf("backfill stderr:\n%s", stderr)
	for _, s := range []string{"backfill acme: 2/2 windows", "the cursor did not move", "all delivered", "aligned"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
}

func TestBackfillClipsAtNowMinusDelay(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 3, "", "")
	// e.end is the last window end that now - delay has passed.
	code, _, stderr := opsRun(t, "backfill", "--input", "acme", "--from", event.FormatTime(e.end.Add(-time.Hour)),
		"--to", event.FormatTime(e.end.Add(4*time.Hour)), "--config", e.cfg)
	if code != exitOK || !strings.Contains(stderr, "clipped") {
		t.Fatalf("backfill past now: exit %d\n%s", code, stderr)
	}
	for _, w := range opsReportWindows(e.sim, 0) {
		if w.End.After(e.end) {
			t.Fatalf("backfill fetched the open window %s", w)
		}
	}
	if got := opsCursor(t, opsShow(t, e)); !got.IsZero() {
		t.Fatalf("backfill set a cursor: %s", got)
	}
}

func TestBackfillUsageErrors(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	ts := func(d time.Duration) string { return event.FormatTime(e.start.Add(d)) }
	for _, args := range [][]string{
		{"backfill", "--input", "acme", "--from", ts(0)},
		{"backfill", "--input", "nosuch", "--from", ts(0), "--to", ts(time.Hour)},
		{"backfill", "--input", "acme", "--from", ts(time.Hour), "--to", ts(time.Hour)},
		{"backfill", "--input", "acme", "--from", ts(2 * time.Hour), "--to", ts(time.Hour)},
		{"backfill", "--input", "acme", "--from", "last tuesday", "--to", ts(time.Hour)},
		{"backfill", "--input", "acme", "--from", ts(10 * time.Hour), "--to", ts(12 * time.Hour)}, // not closed yet
	} {
		code, _, stderr := opsRun(t, append(args, "--config", e.cfg)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, exitUsage, stderr)
		}
	}
	if n := e.sim.Stats().ReportRequests; n != 0 {
		t.Fatalf("refused backfills made %d report requests", n)
	}
}

func TestBackfillRefusedWhileLocked(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	st, err := state.Open(opsStatePath(e))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, _, stderr := opsRun(t, "backfill", "--input", "acme", "--from", event.FormatTime(e.start),
		"--to", event.FormatTime(e.start.Add(time.Hour)), "--config", e.cfg)
	if code != exitUsage || !strings.Contains(stderr, "holds the state file") {
		t.Fatalf("backfill while locked: exit %d\n%s", code, stderr)
	}
	if n := e.sim.Stats().ReportRequests; n != 0 {
		t.Fatalf("a refused backfill made %d report requests", n)
	}
	if _, err := os.Stat(e.out); err == nil {
		t.Fatal("a refused backfill wrote events")
	}
}

func TestClipBackfill(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 20, 0, 0, time.UTC)
	in := config.Input{Name: "acme", Window: time.Hour, Delay: 30 * time.Minute}
	tests := []struct {
		name         string
		from, to     time.Time
		wantCode     int
		wantFrom     time.Time
		wantTo       time.Time
		wantWindows  int
		wantInStderr string
	}{
		{"aligned", now.Add(-5 * time.Hour).Truncate(time.Hour), now.Add(-3 * time.Hour).Truncate(time.Hour), exitOK,
			time.Date(2026, 5, 1, 5, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC), 2, ""},
		{"unaligned", time.Date(2026, 5, 1, 5, 10, 0, 0, time.UTC), time.Date(2026, 5, 1, 6, 1, 0, 0, time.UTC), exitOK,
			time.Date(2026, 5, 1, 5, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC), 2, "aligned"},
		// now - delay = 09:50: the 09:00 window is still open.
		{"clipped", time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC), now, exitOK,
			time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), 2, "clipped"},
		{"nothing closed", time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), now, exitUsage, time.Time{}, time.Time{}, 0, "not closed"},
		{"empty", now.Add(-2 * time.Hour), now.Add(-2 * time.Hour), exitUsage, time.Time{}, time.Time{}, 0, "not before"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errb bytes.Buffer
			p, code := clipBackfill(stdio{Stdout: &bytes.Buffer{}, Stderr: &errb}, in, tc.from, tc.to, now)
			if code != tc.wantCode || !strings.Contains(errb.String(), tc.wantInStderr) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", code, tc.wantCode, errb.String(), tc.wantInStderr)
			}
			if code == exitOK && (!p.from.Equal(tc.wantFrom) || !p.to.Equal(tc.wantTo) || p.windows != tc.wantWindows) {
				t.Fatalf("plan %s..%s (%d windows), want %s..%s (%d)", p.from, p.to, p.windows, tc.wantFrom, tc.wantTo, tc.wantWindows)
			}
		})
	}
}

func TestLineProgress(t *testing.T) {
	var b bytes.Buffer
	clock := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	p := &lineProgress{w: &b, desc: "backfill acme", total: 40, every: 5 * time.Second,
		now: func() time.Time { return clock }, last: clock}
	for i := 1; i <= 40; i++ {
		if i == 7 {
			clock = clock.Add(6 * time.Second) // a slow window: a line although no tenth was passed
		}
		p.update(i, 40)
	}
	got := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{"4/40", "7/40", "8/40", "12/40", "16/40", "20/40", "24/40", "28/40", "32/40", "36/40", "40/40"}
	if len(got) != len(want) {
		t.Fatalf("progress lines:\n%s\nwant %d lines", b.String(), len(want))
	}
	for i := range want {
		if got[i] != "backfill acme: "+want[i]+" windows" {
			t.Fatalf("line %d = %q, want %s windows", i, got[i], want[i])
		}
	}
}

func TestBarProgress(t *testing.T) {
	var b bytes.Buffer
	p := newBar(&b, "backfill acme", 4)
	for i := 1; i <= 4; i++ {
		p.update(i, 4)
	}
	p.finish(true)
	if out := b.String(); !strings.Contains(out, "backfill acme") || !strings.Contains(out, "4/4") {
		t.Fatalf("bar output %q lacks the description or the count", out)
	}
	// Not a terminal: plain lines.
	if _, ok := newProgress(&b, "x", 1).(*lineProgress); !ok {
		t.Fatal("a buffer got a progress bar")
	}
}

func TestLineProgressSaysWhenItWaits(t *testing.T) {
	var b bytes.Buffer
	clock := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	p := &lineProgress{w: &b, desc: "backfill acme", total: 10, every: 5 * time.Second,
		now: func() time.Time { return clock }, last: clock}
	p.update(1, 10)
	p.waiting(12300*time.Millisecond, "2 requests per 1m")
	p.waiting(11*time.Second, "2 requests per 1m") // said already since the last line
	p.update(2, 10)
	p.waiting(-1, "2 requests per 1m")
	want := "backfill acme: 1/10 windows\n" +
		"backfill acme: waiting 12.3s for the rate limit (2 requests per 1m)\n" +
		"backfill acme: 2/10 windows\n" +
		"backfill acme: waiting for the rate limit (2 requests per 1m) until a request in flight answers\n"
	if b.String() != want {
		t.Fatalf("progress:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestFmtPeriod(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Minute: "1m", time.Hour: "1h", 10 * time.Second: "10s",
		90 * time.Second: "1m30s", 30 * time.Minute: "30m", 2*time.Hour + 30*time.Minute: "2h30m"} {
		if got := fmtPeriod(d); got != want {
			t.Errorf("fmtPeriod(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestE2EBackfillSaysWhenItWaitsForTheRateLimit(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 4, "    rate_limit: 2/1s\n", "")
	code, stdout, stderr := e.run("backfill", "--input", "acme", "--from", event.FormatTime(e.start), "--to", event.FormatTime(e.end))
	if code != exitOK {
		t.Fatalf("backfill exited %d:\n%s%s", code, stdout, stderr)
	}
	t.Logf("stderr:\n%s", stderr)
	if !regexp.MustCompile(`(?m)^backfill acme: waiting (\S+ )?for the rate limit \(2 requests per 1s\)`).MatchString(stderr) {
		t.Errorf("five requests under a limit of two a second, but no line says it waits:\n%s", stderr)
	}
	if !strings.Contains(stderr, "backfill acme: 4/4 windows") || len(e.outputLines()) == 0 {
		t.Errorf("the backfill did not finish its 4 windows:\n%s", stderr)
	}
}
