// `serfwd backfill` beside a running daemon, end to end: the job goes to
// the daemon, which delivers the range through its queues without moving
// the cursor, with the same progress lines (rate-limit waits included);
// Ctrl-C stops following while the job goes on.

package main

import (
	"bufio"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// expectedRange is the events of input acme's windows in [from, to),
// rendered independently of pkg/event (expect_e2e_test.go).
func (e *e2eEnv) expectedRange(from, to time.Time) []string {
	var lines []string
	for w := (serapi.Window{Start: from, End: from.Add(time.Hour)}); !w.End.After(to); w = (serapi.Window{Start: w.End, End: w.End.Add(time.Hour)}) {
		rep := e.sim.Expected(w, time.Now())
		lines = append(lines, expectedWindow("acme", w, &rep)...)
	}
	return lines
}

// caughtUp waits until the daemon's cursor reached e.end and the file sink
// has delivered everything.
func caughtUp(t *testing.T, e *e2eEnv) {
	t.Helper()
	end := event.FormatTime(e.end)
	waitFor(t, 60*time.Second, func() bool {
		st := statusJSON(t, e)
		in := inputStatus(t, st, "acme")
		return in.Cursor != nil && *in.Cursor == end && sinkStatus(t, st, "archive").Events == 0
	})
}

func TestE2EBackfillBesideTheDaemonDeliversAndLeavesTheCursor(t *testing.T) {
	e := newE2E(t, sersim.Options{RecordsPerWindow: 10}, 4, "    rate_limit: 2/1s\n", "")
	d := startDaemon(t, e)
	caughtUp(t, e)
	to := e.start.Add(3 * time.Hour)
	code, _, stderr := e.run("backfill", "--input", "acme", "--from", event.FormatTime(e.start), "--to", event.FormatTime(to))
	if code != exitOK {
		t.Fatalf("backfill beside the daemon exited %d:\n%s", code, stderr)
	}
	for _, want := range []string{
		"the daemon fetches the range as job 1",
		"backfill acme: waiting ", "for the rate limit (2 requests per 1s)",
		"backfill acme: 3/3 windows",
		"3/3 windows (" + event.FormatTime(e.start) + " to " + event.FormatTime(to) + ")", "all delivered; the cursor did not move",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("backfill's output lacks %q:\n%s", want, stderr)
		}
	}
	// The daemon delivered the range again, through its own file sink.
	want := append(e.expected(e.end), e.expectedRange(e.start, to)...)
	checkSameEvents(t, "file", e.outputLines(), want)
	st := statusJSON(t, e)
	if in := inputStatus(t, st, "acme"); in.Cursor == nil || *in.Cursor != event.FormatTime(e.end) {
		t.Errorf("the cursor moved: %+v", in)
	}
	if len(st.Jobs) != 1 || st.Jobs[0].State != "done" || st.Jobs[0].Done != 3 || st.Jobs[0].Events != int64(len(e.expectedRange(e.start, to))) {
		t.Errorf("jobs: %+v", st.Jobs)
	}
	d.stop(t)
}

func TestE2EInterruptedBackfillGoesOnInTheDaemon(t *testing.T) {
	e := newE2E(t, sersim.Options{RecordsPerWindow: 5}, 1, "    rate_limit: 1/1s\n", "")
	d := startDaemon(t, e)
	caughtUp(t, e)
	from, to := e.start.Add(-8*time.Hour), e.start
	bf := exec.Command(serfwdBin, "backfill", "--config", e.cfg, "--input", "acme", "--from", event.FormatTime(from), "--to", event.FormatTime(to))
	errPipe, err := bf.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bf.Start(); err != nil {
		t.Fatal(err)
	}
	defer bf.Process.Kill()
	var said strings.Builder
	lines := bufio.NewScanner(errPipe)
	for lines.Scan() {
		said.WriteString(lines.Text() + "\n")
		if strings.Contains(lines.Text(), "as job 1") {
			break // the daemon runs the job: Ctrl-C
		}
	}
	bf.Process.Signal(syscall.SIGINT)
	rest, _ := io.ReadAll(errPipe)
	said.Write(rest)
	bf.Wait()
	if code := bf.ProcessState.ExitCode(); code != exitFailure ||
		!strings.Contains(said.String(), "stopped following; the daemon goes on with job 1") {
		t.Fatalf("backfill after Ctrl-C exited %d:\n%s", code, said.String())
	}
	e.noSecret(said.String())
	// The job goes on and delivers the range; the cursor stays.
	waitFor(t, 60*time.Second, func() bool {
		jobs := statusJSON(t, e).Jobs
		return len(jobs) == 1 && jobs[0].State == "done"
	})
	want := append(e.expected(e.end), e.expectedRange(from, to)...)
	checkSameEvents(t, "file", e.outputLines(), want)
	if in := inputStatus(t, statusJSON(t, e), "acme"); in.Cursor == nil || *in.Cursor != event.FormatTime(e.end) {
		t.Errorf("the cursor moved: %+v", in)
	}
	d.stop(t)
}
