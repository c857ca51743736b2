// `serfwd checkpoint show|set|reset` on a state file written by `once`, and
// their usage errors.

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/state"
)

// opsStatePath is where newE2E's config keeps the state file.
func opsStatePath(e *e2eEnv) string { return filepath.Join(e.dir, "state", "state.db") }

// opsOnce runs `once` in-process and fails the test unless it exits 0.
func opsOnce(t *testing.T, e *e2eEnv) {
	t.Helper()
	if code, _, stderr := opsRun(t, "once", "--config", e.cfg); code != exitOK {
		t.Fatalf("once exited %d:\n%s", code, stderr)
	}
}

// opsShow runs `checkpoint show --json` and decodes it.
func opsShow(t *testing.T, e *e2eEnv) cpView {
	t.Helper()
	code, stdout, stderr := opsRun(t, "checkpoint", "show", "--json", "--config", e.cfg)
	if code != exitOK {
		t.Fatalf("checkpoint show --json exited %d:\n%s", code, stderr)
	}
	var v cpView
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("checkpoint show --json: %v\n%s", err, stdout)
	}
	return v
}

// opsCursor is acme's cursor as show reports it, zero when none.
func opsCursor(t *testing.T, v cpView) time.Time {
	t.Helper()
	for _, in := range v.Inputs {
		if in.Name == "acme" {
			if in.Cursor == nil {
				return time.Time{}
			}
			c, err := serapi.ParseTime(*in.Cursor)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	t.Fatalf("show lists no input acme: %+v", v.Inputs)
	return time.Time{}
}

func TestCheckpointShowAfterOnce(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 3, "", "")
	v := opsShow(t, e) // before any run: no state file, nothing created
	if opsCursor(t, v) != (time.Time{}) || v.Inputs[0].NextStart == nil || *v.Inputs[0].NextStart != event.FormatTime(e.start) {
		t.Fatalf("before the first run: %+v", v.Inputs[0])
	}
	if opsStateExists(e) {
		t.Fatal("checkpoint show created the state file")
	}
	opsOnce(t, e)
	// A cursor left by an input no longer configured is listed too.
	st, err := state.Open(opsStatePath(e))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Date(2026, 2, 3, 4, 0, 0, 0, time.UTC)
	if err := st.SetCursor("retired", old); err != nil {
		t.Fatal(err)
	}
	st.Close()

	v = opsShow(t, e)
	now := time.Now().UTC()
	cur := opsCursor(t, v)
	if h := now.Truncate(time.Hour); !cur.Equal(h) && !cur.Equal(h.Add(-time.Hour)) {
		t.Fatalf("cursor %s, want the current hour %s", cur, h)
	}
	acme := v.Inputs[0]
	if !acme.Configured || acme.LagSeconds == nil || *acme.LagSeconds < 0 || *acme.LagSeconds > 2*3600 || len(acme.Revisits) != 0 {
		t.Fatalf("input acme: %+v", acme)
	}
	if len(v.Inputs) != 2 || v.Inputs[1].Name != "retired" || v.Inputs[1].Configured || *v.Inputs[1].Cursor != event.FormatTime(old) {
		t.Fatalf("inputs: %+v", v.Inputs)
	}
	if len(v.Sinks) != 1 || v.Sinks[0].Name != "archive" || v.Sinks[0].Events != 0 || v.Sinks[0].Bytes != 0 ||
		v.Sinks[0].Oldest != nil || !v.Sinks[0].Configured {
		t.Fatalf("sinks: %+v", v.Sinks)
	}

	code, stdout, stderr := opsRun(t, "checkpoint", "show", "--config", e.cfg)
	if code != exitOK {
		t.Fatalf("checkpoint show exited %d:\n%s", code, stderr)
	}
	t.Logf("checkpoint show:\n%s", stdout)
	for _, want := range []string{"INPUT", "acme", event.FormatTime(cur), "retired", "not configured", "SINK", "archive"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("checkpoint show lacks %q:\n%s", want, stdout)
		}
	}
}

func opsStateExists(e *e2eEnv) bool {
	_, err := os.Stat(opsStatePath(e))
	return err == nil
}

// opsFileLines reads the file sink's output; none yet is no lines.
func opsFileLines(e *e2eEnv) []string {
	data, err := os.ReadFile(e.out)
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func TestCheckpointSetThenOnceStartsThere(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 6, "", "")
	opsOnce(t, e)
	cur := opsCursor(t, opsShow(t, e))
	ts := cur.Add(-3*time.Hour + 17*time.Minute + 5*time.Second)
	want := cur.Add(-3 * time.Hour)
	code, stdout, stderr := opsRun(t, "checkpoint", "set", "--input", "acme", "--time", event.FormatTime(ts), "--config", e.cfg)
	if code != exitOK {
		t.Fatalf("checkpoint set exited %d:\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "input acme: cursor set to "+event.FormatTime(want)+" ("+event.FormatTime(ts)+" aligned down to the 1h window); it was ") {
		t.Fatalf("checkpoint set does not say where it aligned to:\n%s", stdout)
	}
	// A time already aligned is not said twice.
	code, stdout, stderr = opsRun(t, "checkpoint", "set", "--input", "acme", "--time", event.FormatTime(want), "--config", e.cfg)
	if code != exitOK || !strings.HasPrefix(stdout, "input acme: cursor set to "+event.FormatTime(want)+"; it was "+event.FormatTime(want)+"\n") {
		t.Fatalf("checkpoint set of an aligned time exited %d:\n%s%s", code, stdout, stderr)
	}
	if got := opsCursor(t, opsShow(t, e)); !got.Equal(want) {
		t.Fatalf("cursor after set: %s, want %s", got, want)
	}

	before := len(e.sim.Stats().Requests)
	opsOnce(t, e)
	var windows []serapi.Window
	for _, r := range e.sim.Stats().Requests[before:] {
		if !r.Window.Start.IsZero() {
			windows = append(windows, r.Window)
		}
	}
	// Windows are fetched concurrently: the log holds them in arrival order.
	slices.SortFunc(windows, func(a, b serapi.Window) int { return a.Start.Compare(b.Start) })
	if len(windows) < 3 || !windows[0].Start.Equal(want) {
		t.Fatalf("once after set fetched %v, want windows from %s", windows, want)
	}
	for i := 1; i < len(windows); i++ {
		if !windows[i].Start.Equal(windows[i-1].End) {
			t.Fatalf("windows not contiguous: %v", windows)
		}
	}

	// reset forgets the cursor: show then says where the next run starts.
	if code, stdout, stderr := opsRun(t, "checkpoint", "reset", "--input", "acme", "--config", e.cfg); code != exitOK ||
		!strings.Contains(stdout, "forgotten") {
		t.Fatalf("checkpoint reset exited %d:\n%s%s", code, stdout, stderr)
	}
	v := opsShow(t, e)
	if opsCursor(t, v) != (time.Time{}) || v.Inputs[0].NextStart == nil || *v.Inputs[0].NextStart != event.FormatTime(e.start) {
		t.Fatalf("after reset: %+v", v.Inputs[0])
	}
}

func TestCheckpointUsageErrors(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	future := event.FormatTime(time.Now().Add(2 * time.Hour))
	past := event.FormatTime(time.Now().Add(-2 * time.Hour))
	for _, args := range [][]string{
		{"checkpoint"},
		{"checkpoint", "list"},
		{"checkpoint", "show", "--bogus"},
		{"checkpoint", "set", "--input", "acme"},
		{"checkpoint", "set", "--input", "nosuch", "--time", past},
		{"checkpoint", "set", "--input", "acme", "--time", future},
		{"checkpoint", "set", "--input", "acme", "--time", "yesterday"},
		{"checkpoint", "set", "--input", "acme", "--time", "0001-01-01"},
		{"checkpoint", "reset"},
		{"checkpoint", "reset", "--input", "acme", "--all"},
		{"checkpoint", "reset", "--input", "nosuch"},
	} {
		code, _, stderr := opsRun(t, append(args, "--config", e.cfg)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, exitUsage, stderr)
		}
	}
	if opsStateExists(e) {
		t.Fatal("refused commands created the state file")
	}
}

func TestCheckpointSetAndResetRefusedWhileDaemonRuns(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	daemon := exec.Command(serfwdBin, "run", "--config", e.cfg)
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer daemon.Process.Kill()
	waitFor(t, 20*time.Second, func() bool { return len(opsFileLines(e)) > 0 })
	for _, args := range [][]string{
		{"checkpoint", "set", "--input", "acme", "--time", event.FormatTime(e.start)},
		{"checkpoint", "reset", "--all"},
	} {
		code, stdout, stderr := opsRun(t, append(args, "--config", e.cfg)...)
		want := fmt.Sprintf("serfwd run (pid %d) holds the state file", daemon.Process.Pid)
		if code != exitUsage || !strings.Contains(stderr, want) || !strings.Contains(stderr, "stop it first") {
			t.Fatalf("%v while the daemon runs: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	// show asks the daemon; check needs no state file: both run beside it.
	if cur := opsCursor(t, opsShow(t, e)); !cur.After(e.start) {
		t.Errorf("checkpoint show beside the daemon: cursor %s, want the daemon's, past %s", cur, e.start)
	}
	if code, stdout, stderr := opsRun(t, "check", "--config", e.cfg); code != exitOK {
		t.Fatalf("check while the daemon runs: exit %d\n%s%s", code, stdout, stderr)
	}
	daemon.Process.Signal(syscall.SIGTERM)
	if err := daemon.Wait(); err != nil {
		t.Fatalf("daemon after SIGTERM: %v", err)
	}
	// The cursor is the daemon's, not the refused set's.
	if cur := opsCursor(t, opsShow(t, e)); cur.Equal(e.start) {
		t.Fatalf("the refused set moved the cursor to %s", cur)
	}
}

func TestCheckpointFormatting(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{cpBytes(0), "0 B"},
		{cpBytes(1023), "1023 B"},
		{cpBytes(1536), "1.5 KiB"},
		{cpBytes(3 << 30), "3.0 GiB"},
		{cpDuration(75), "1m15s"},
		{cpDuration(2*86400 + 3600), "2d1h0m0s"},
		{strings.Join(control.OrderNames([]string{"b", "a"}, []string{"z", "a"}, []string{"c", "b"}), ","), "b,a,c,z"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
