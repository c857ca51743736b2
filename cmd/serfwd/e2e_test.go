// End-to-end runs of the built binary: exact events, a locked state file, and
// a crash that loses nothing.

package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/state"
)

func TestE2EOnceDeliversExactlyTheExpectedEvents(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 6, "", "")
	code, _, stderr := e.run("once")
	if code != exitOK {
		t.Fatalf("once exited %d:\n%s", code, stderr)
	}
	want := e.expected(e.end)
	got := e.outputLines()
	if len(got) != len(want) {
		t.Fatalf("file holds %d events, want %d", len(got), len(want))
	}
	windows := 0
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("event %d differs:\n got %s\nwant %s", i, got[i], want[i])
		}
		if checkFields(t, got[i])["eventType"] == "ser.window" {
			windows++
		}
	}
	if windows != 6 {
		t.Fatalf("%d ser.window events, want one per window (6)", windows)
	}
	if st := e.sim.Stats(); st.TokenRequests != 1 {
		t.Fatalf("%d token requests for one run, want 1", st.TokenRequests)
	}

	// A second run fetches nothing already committed and adds nothing.
	before := e.sim.Stats().ReportRequests
	if code, _, stderr := e.run("once"); code != exitOK {
		t.Fatalf("second once exited %d:\n%s", code, stderr)
	}
	if again := e.sim.Stats().ReportRequests - before; again != 0 {
		t.Fatalf("second once fetched %d windows again", again)
	}
	if n := len(e.outputLines()); n != len(got) {
		t.Fatalf("second once wrote %d events more", n-len(got))
	}
}

// Beside a daemon, once and a second run exit 2 at once, naming the
// daemon's pid and where to look instead.
func TestE2ESecondProcessOnStateFileExits2(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	d := startDaemon(t, e)
	holds := fmt.Sprintf("serfwd run (pid %d) holds the state file %s (one process at a time); serfwd status shows what it does",
		d.cmd.Process.Pid, opsStatePath(e))
	for _, cmd := range []string{"once", "run"} {
		code, _, stderr := e.run(cmd)
		if code != exitUsage || !strings.Contains(stderr, "serfwd "+cmd+": "+holds) || strings.Contains(stderr, "waiting") {
			t.Errorf("%s beside the daemon: exit %d, stderr:\n%s", cmd, code, stderr)
		}
	}
	d.stop(t) // SIGTERM: the daemon drains and exits 0
}

// A daemon that starts while a short-lived command holds the state file
// waits for it instead of exiting 2 (which the unit would never restart).
func TestE2ERunWaitsForAShortLivedCommand(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	st, err := state.Open(opsStatePath(e)) // the "command", holding the lock
	if err != nil {
		t.Fatal(err)
	}
	d := &runningDaemon{cmd: exec.Command(serfwdBin, "run", "--config", e.cfg), log: &lockedBuffer{}}
	d.cmd.Stderr = d.log
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.cmd.Process.Kill(); d.cmd.Wait() })
	waitFor(t, 30*time.Second, func() bool { return strings.Contains(d.log.String(), "waiting for it to finish") })
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, func() bool { code, _, _ := e.run("status", "--json"); return code == exitOK })
	d.stop(t)
}

func normJSON(t *testing.T, s string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("event is not JSON: %v: %s", err, s)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(fmt.Sprintf("condition not met within %s", d))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A lock held past runLockWait by a process that does not answer on the
// control socket ends the wait with the lock error.
func TestRunGivesUpOnALockHeldTooLong(t *testing.T) {
	defer func(d time.Duration) { runLockWait = d }(runLockWait)
	runLockWait = 1500 * time.Millisecond
	e := newE2E(t, sersim.Options{}, 1, "", "")
	st, err := state.Open(opsStatePath(e))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, _, stderr := opsRun(t, "run", "--config", e.cfg)
	if code != exitUsage || !strings.Contains(stderr, "another serfwd process holds the state file "+opsStatePath(e)+" and does not answer") {
		t.Fatalf("run beside a held lock: exit %d, stderr:\n%s", code, stderr)
	}
}
