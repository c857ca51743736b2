// End-to-end runs of the built binary: exact events, a locked state file, and
// a crash that loses nothing.

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
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

func TestE2ESecondProcessOnStateFileExits2(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	daemon := exec.Command(serfwdBin, "run", "--config", e.cfg)
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer daemon.Process.Kill()
	waitFor(t, 20*time.Second, func() bool { _, err := os.Stat(e.out); return err == nil })
	code, _, stderr := e.run("once")
	if code != exitUsage || !strings.Contains(stderr, "in use") {
		t.Fatalf("second process: exit %d, stderr:\n%s", code, stderr)
	}
	// SIGTERM: the daemon drains and exits 0.
	daemon.Process.Signal(syscall.SIGTERM)
	if err := daemon.Wait(); err != nil {
		t.Fatalf("daemon after SIGTERM: %v", err)
	}
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
