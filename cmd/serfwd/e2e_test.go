// End-to-end runs of the built binary: exact events, a locked state file, and
// a crash that loses nothing.

package main

import (
	"encoding/json"
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

func TestE2ECrashLosesNothing(t *testing.T) {
	tests := []struct {
		name           string
		hours, records int
	}{
		{"many small windows", 400, 30},
		{"large windows committed in stages", 4, 9000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { crashAndRecover(t, tc.hours, tc.records) })
	}
}

// crashAndRecover kills `serfwd run` at random moments of a backfill, then
// runs `once`, and checks that the file and HEC sinks got every event.
func crashAndRecover(t *testing.T, hours, records int) {
	hec := newHECReceiver(t)
	e := newE2E(t, sersim.Options{Latency: 15 * time.Millisecond, RecordsPerWindow: records}, hours, "    concurrency: 4\n", hecSinkYAML(hec.srv.URL))
	want := e.expected(e.end)
	// progress grows with what either sink has received.
	progress := func() int64 {
		n := int64(len(hec.received()))
		if info, err := os.Stat(e.out); err == nil {
			n += info.Size()
		}
		return n
	}
	kills := 0
	for i := 0; i < 8; i++ {
		before := progress()
		daemon := exec.Command(serfwdBin, "run", "--config", e.cfg)
		if err := daemon.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it at a random moment once it has made progress, while
		// windows are still being fetched, committed and delivered.
		waitFor(t, 90*time.Second, func() bool { return progress() > before })
		time.Sleep(time.Duration(rand.IntN(250)) * time.Millisecond)
		daemon.Process.Signal(syscall.SIGKILL)
		daemon.Wait()
		kills++
		if len(hec.received()) >= len(want) && len(e.outputLines()) >= len(want) {
			break // it finished before the kill: more kills prove nothing
		}
	}
	if kills < 3 {
		t.Fatalf("only %d kills landed before the backfill finished; slow the scenario down", kills)
	}
	code, _, stderr := e.run("once")
	if code != exitOK {
		t.Fatalf("once after %d kills exited %d:\n%s", kills, code, stderr)
	}
	want = e.expected(e.end)
	for _, out := range []struct {
		name string
		got  []string
	}{{"file", e.outputLines()}, {"HEC", hec.received()}} {
		seen := map[string]int{}
		for _, l := range out.got {
			seen[normJSON(t, l)]++
		}
		for _, l := range want {
			if seen[normJSON(t, l)] == 0 {
				t.Fatalf("%s: event missing after %d SIGKILLs: %s", out.name, kills, l)
			}
		}
		dups := len(out.got) - len(seen)
		// At most the batches in flight at each kill are repeated: one
		// Write per sink per kill, ≤ 1000 events for both sinks here.
		if dups > kills*1000 {
			t.Fatalf("%s: %d duplicate events after %d kills, more than the batches in flight", out.name, dups, kills)
		}
		if len(seen) != len(want) {
			t.Fatalf("%s: %d distinct events, want %d", out.name, len(seen), len(want))
		}
		t.Logf("%s: %d events, %d duplicates after %d kills", out.name, len(out.got), dups, kills)
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
