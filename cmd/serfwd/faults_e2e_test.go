// faults_e2e_test.go: `serfwd once` against a simulator that misbehaves in
// every way we know of still exits 0 and delivers exactly the expected
// events, each once, in order.

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/state"
)

func TestE2EFaultsDeliverExactlyTheExpectedEvents(t *testing.T) {
	tests := []struct {
		name  string
		opts  sersim.Options
		hours int
		input string // extra input keys
		// fired checks that the fault really happened.
		fired func(st sersim.Stats) error
	}{
		{"5xx every 2nd answer", sersim.Options{FailEvery: 2}, 4, "",
			faultsAtLeast(2)},
		{"non-JSON bodies every 2nd answer", sersim.Options{BadJSONEvery: 2}, 4, "",
			faultsAtLeast(2)},
		{"tokens expiring every 2s", sersim.Options{TokenLifetime: 2 * time.Second, Latency: 400 * time.Millisecond}, 10,
			"    concurrency: 1\n", func(st sersim.Stats) error {
				if st.TokenRequests < 2 {
					return fmt.Errorf("%d token requests: the run did not span a token's expiry", st.TokenRequests)
				}
				return nil
			}},
		{"429 storm without Retry-After", sersim.Options{RateLimit: 2, RatePeriod: 2 * time.Second}, 5,
			"    rate_limit: 100/1s\n", rateLimited},
		{"429 storm with Retry-After", sersim.Options{RateLimit: 2, RatePeriod: 2 * time.Second, RetryAfter: true}, 5,
			"    rate_limit: 100/1s\n", rateLimited},
		{"every 3rd answer slower than timeout", sersim.Options{SlowEvery: 3, SlowLatency: time.Minute}, 5,
			"    timeout: 1s\n", faultsAtLeast(1)},
		{"connection reset every 3rd request", sersim.Options{ResetEvery: 3}, 5, "",
			faultsAtLeast(1)},
		{"all faults at once", sersim.Options{FailEvery: 5, BadJSONEvery: 7, ResetEvery: 11, SlowEvery: 4,
			SlowLatency: time.Minute, TokenLifetime: 3 * time.Second, RecordsPerWindow: 30}, 8,
			"    timeout: 1s\n", faultsAtLeast(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, tt.opts, tt.hours, tt.input, "")
			began := time.Now()
			code, _, stderr := e.run("once")
			if code != exitOK {
				t.Fatalf("once exited %d:\n%s", code, tail(stderr, 40))
			}
			if err := tt.fired(e.sim.Stats()); err != nil {
				t.Fatalf("the fault did not fire: %v", err)
			}
			e.requireExactlyExpected()
			t.Logf("%d report requests, %+v faults, in %s", e.sim.Stats().ReportRequests, e.sim.Stats().Faults,
				time.Since(began).Round(100*time.Millisecond))
		})
	}
}

func faultsAtLeast(n int) func(sersim.Stats) error {
	return func(st sersim.Stats) error {
		if st.Faults < n {
			return fmt.Errorf("%d faults injected, want at least %d", st.Faults, n)
		}
		return nil
	}
}

func rateLimited(st sersim.Stats) error {
	if st.RateLimited == 0 {
		return fmt.Errorf("no 429 answered")
	}
	return nil
}

// requireExactlyExpected checks that the file sink holds exactly the events
// of the test's windows, in order: none missing, none twice, none extra.
func (e *e2eEnv) requireExactlyExpected() {
	e.t.Helper()
	got := e.outputLines()
	want := e.expected(e.end)
	if diff := lineDiff(got, want); diff != "" {
		e.t.Fatalf("the file sink does not hold exactly the expected events (%d lines, want %d):\n%s", len(got), len(want), diff)
	}
}

// lineDiff describes how got differs from want: missing and repeated lines
// as multisets, then the first position where the order differs.
func lineDiff(got, want []string) string {
	count := map[string]int{}
	for _, l := range want {
		count[l]++
	}
	for _, l := range got {
		count[l]--
	}
	var b strings.Builder
	for l, c := range count {
		switch {
		case c > 0:
			fmt.Fprintf(&b, "missing %d×: %.200s\n", c, l)
		case c < 0:
			fmt.Fprintf(&b, "extra %d×: %.200s\n", -c, l)
		}
	}
	if b.Len() > 0 {
		return b.String()
	}
	for i := range want {
		if got[i] != want[i] {
			return fmt.Sprintf("out of order at line %d:\n got %.200s\nwant %.200s", i, got[i], want[i])
		}
	}
	return ""
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// requireComplete checks that the file sink holds every expected event of
// the test's windows and nothing else; repeats are allowed up to maxDups (a
// batch in flight when a run failed).
func (e *e2eEnv) requireComplete(maxDups int) {
	e.t.Helper()
	got := e.outputLines()
	seen := map[string]int{}
	for _, l := range got {
		seen[l]++
	}
	want := e.expected(e.end)
	wanted := map[string]bool{}
	for _, l := range want {
		wanted[l] = true
		if seen[l] == 0 {
			e.t.Fatalf("an expected event is missing (a gap): %.200s", l)
		}
	}
	for l := range seen {
		if !wanted[l] {
			e.t.Fatalf("an unexpected event: %.200s", l)
		}
	}
	if dups := len(got) - len(seen); dups > maxDups {
		e.t.Fatalf("%d repeated events, more than %d", dups, maxDups)
	}
}

// requireRoot skips a test that needs root, except under CI, where it fails.
func requireRoot(t *testing.T, why string) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s needs root, and CI=true", why)
	}
	t.Skipf("%s needs root", why)
}

// mountTmpfs mounts a tmpfs of size bytes on dir until the test ends.
func mountTmpfs(t *testing.T, dir string, size int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0750", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mounting a tmpfs on %s: %v: %s", dir, err, out)
		}
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// fill writes a file into dir until the file system is full, leaving
// about leave bytes free, and returns its path.
func fill(t *testing.T, dir string, leave int64) string {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * st.Bsize
	path := filepath.Join(dir, "filler")
	if err := os.WriteFile(path, make([]byte, max(free-leave, 0)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestE2EStateFileOnFullDiskStopsPollingCleanly(t *testing.T) {
	requireRoot(t, "mounting a small tmpfs for the state file")
	e := newE2E(t, sersim.Options{RecordsPerWindow: 60, Seed: 7}, 48, "", "")
	stateDir := filepath.Join(e.dir, "state")
	statePath := filepath.Join(stateDir, "state.db")
	mountTmpfs(t, stateDir, 4<<20)
	filler := fill(t, stateDir, 160<<10)
	// A second sink that never takes anything keeps its queue growing, so
	// the state file must grow until the disk is full.
	orig, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	stuck := strings.Replace(string(orig), "shutdown_timeout: 20s", "shutdown_timeout: 2s", 1) +
		"  - name: nowhere\n    type: splunk_hec\n    url: http://127.0.0.1:1\n    token: never-used-hec-token\n"
	if err := os.WriteFile(e.cfg, []byte(stuck), 0o600); err != nil {
		t.Fatal(err)
	}

	code, _, stderr := e.run("once")
	if code != exitFailure {
		t.Fatalf("once on a full disk exited %d, want 1:\n%s", code, tail(stderr, 30))
	}
	if !hasLine(stderr, "serfwd once: ", statePath, "no space left") {
		t.Fatalf("the error does not name the state file and the cause:\n%s", tail(stderr, 30))
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
		t.Fatalf("serfwd crashed:\n%s", tail(stderr, 30))
	}

	// The cursor stayed before the window that could not be written: no
	// delivered event lies beyond it.
	cursor := readCursor(t, statePath)
	if !cursor.Before(e.end) || cursor.Before(e.start) {
		t.Fatalf("cursor %s after the failed run, want within [%s, %s)", cursor, e.start, e.end)
	}
	for _, l := range e.outputLines() {
		if ws := checkFields(t, l)["windowStart"].(string); ws >= cursor.Format("2006-01-02T15:04:05.000Z") {
			t.Fatalf("an event of window %s was delivered, but the cursor is %s", ws, cursor)
		}
	}

	// Space freed and the stuck sink gone: the next run continues with no gap.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.cfg, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := e.run("once"); code != exitOK {
		t.Fatalf("once after freeing space exited %d:\n%s", code, tail(stderr, 30))
	}
	e.requireComplete(1000)
}

func TestE2EDamagedStateFileExits2WithAWayOut(t *testing.T) {
	e := newE2E(t, sersim.Options{RecordsPerWindow: 40}, 6, "", "")
	if code, _, stderr := e.run("once"); code != exitOK {
		t.Fatalf("first once exited %d:\n%s", code, tail(stderr, 30))
	}
	statePath := filepath.Join(e.dir, "state", "state.db")
	good, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	damage := []struct {
		name string
		data []byte
	}{
		// Two meta pages and half a data page: bbolt's pages in use always
		// reach further (freelist, root). Cutting the file in half is not
		// always damage: bbolt grows its file ahead of its data.
		{"truncated inside its pages", good[:os.Getpagesize()*2+os.Getpagesize()/2]},
		{"truncated to 100 bytes", good[:100]},
		{"garbage", []byte(strings.Repeat("this is not a state file\n", 1000))},
	}
	for _, d := range damage {
		t.Run(d.name, func(t *testing.T) {
			if err := os.WriteFile(statePath, d.data, 0o600); err != nil {
				t.Fatal(err)
			}
			for range 2 { // the same answer every time: no crash loop
				code, _, stderr := e.run("once")
				if code != exitUsage {
					t.Fatalf("once on a damaged state file exited %d, want 2:\n%s", code, tail(stderr, 30))
				}
				if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "SIGBUS") {
					t.Fatalf("serfwd crashed:\n%s", tail(stderr, 30))
				}
				if !strings.Contains(stderr, statePath) || !strings.Contains(stderr, "move it aside") {
					t.Fatalf("the message does not name the file and the way to recover:\n%s", stderr)
				}
			}
		})
	}
	// Following the advice: move it aside, and the next run starts afresh.
	if err := os.Rename(statePath, statePath+".broken"); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := e.run("once"); code != exitOK {
		t.Fatalf("once after moving the state file aside exited %d:\n%s", code, tail(stderr, 30))
	}
}

// readCursor opens a state file after serfwd has exited and reads acme's cursor.
func readCursor(t *testing.T, path string) time.Time {
	t.Helper()
	st, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cur, ok, err := st.Cursor("acme")
	if err != nil || !ok {
		t.Fatalf("reading the cursor: ok %v, %v", ok, err)
	}
	return cur
}

// hasLine reports whether a line of s starts with prefix and holds every
// one of parts.
func hasLine(s, prefix string, parts ...string) bool {
	for _, l := range strings.Split(s, "\n") {
		ok := strings.HasPrefix(l, prefix)
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return true
		}
	}
	return false
}
