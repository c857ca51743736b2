package main

import (
	"fmt"
	"math/rand/v2"
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
	end := time.Now().UTC().Truncate(time.Hour)
	want := e.expected(end)
	got := e.outputLines()
	if len(got) != len(want) {
		// An hour may have closed between the run and now.
		want = e.expected(end.Add(-time.Hour))
	}
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
	if again := e.sim.Stats().ReportRequests - before; again > 1 {
		t.Fatalf("second once fetched %d windows again", again)
	}
	if n := len(e.outputLines()); n > len(got)+20 {
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

func TestE2ECrashLosesNothing(t *testing.T) {
	const hours = 120
	e := newE2E(t, sersim.Options{Latency: 3 * time.Millisecond, RecordsPerWindow: 40}, hours, "    concurrency: 4\n", "")
	kills := 0
	for i := 0; i < 5; i++ {
		daemon := exec.Command(serfwdBin, "run", "--config", e.cfg)
		if err := daemon.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+rand.IntN(400)) * time.Millisecond)
		daemon.Process.Signal(syscall.SIGKILL)
		daemon.Wait()
		kills++
	}
	code, _, stderr := e.run("once")
	if code != exitOK {
		t.Fatalf("once after %d kills exited %d:\n%s", kills, code, stderr)
	}
	end := time.Now().UTC().Truncate(time.Hour)
	want := e.expected(end)
	got := e.outputLines()
	seen := map[string]int{}
	for _, l := range got {
		seen[l]++
	}
	missing := 0
	for _, l := range want {
		if seen[l] == 0 {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d expected events missing after %d SIGKILLs", missing, len(want), kills)
	}
	dups := len(got) - len(seen)
	// At most the batches in flight at each kill are repeated: one Write
	// (≤ 1000 events) per kill for the file sink.
	if dups > kills*1000 {
		t.Fatalf("%d duplicate events after %d kills, more than the batches in flight", dups, kills)
	}
	if len(seen) > len(want)+41 { // the hour may have turned: one more window at most
		t.Fatalf("%d distinct events, want %d", len(seen), len(want))
	}
	t.Logf("%d events, %d duplicates after %d kills", len(got), dups, kills)
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
