// crash_e2e_test.go kills `serfwd run` with SIGKILL while windows are
// fetched in parallel, staged in the state file and delivered, checks after
// every kill that no event of an unpublished window reached a sink, and at
// the end that no event was lost and that duplicates are at most the
// batches in flight.

package main

import (
	"bufio"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

func TestE2ECrashLosesNothing(t *testing.T) {
	tests := []struct {
		name           string
		hours, records int
		pause          time.Duration // the simulator's pause every 1000 records
		stagedKills    int           // kills that must land between staging and publishing
	}{
		{"many small windows", 400, 30, 0, 0},
		// Three windows of 20,000 records (nearly 2 MiB of batches each)
		// are fetched at once and staged in parts; kills land right after
		// a part was staged, and while the published windows are delivered.
		{"parallel windows staged in parts", 3, 20_000, 40 * time.Millisecond, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hec := newHECReceiver(t)
			e := newE2E(t, sersim.Options{Latency: 15 * time.Millisecond, RecordsPerWindow: tc.records, StreamPause: tc.pause},
				tc.hours, "    concurrency: 4\n", hecSinkYAML(hec.srv.URL))
			// `once` at the end waits for both sinks to drain; on a busy
			// machine that may take a while, and the test's deadline is the
			// safety net.
			setConfig(t, e.cfg, "shutdown_timeout: 20s", "shutdown_timeout: 30m")
			c := &crasher{e: e, hec: hec, want: e.expected(e.end)}
			c.killRepeatedly(tc.stagedKills)
			c.recoverAndCheck()
		})
	}
}

// crasher runs and kills the daemon of one scenario.
type crasher struct {
	e             *e2eEnv
	hec           *hecReceiver
	want          []string
	kills, staged int
}

// progress grows with what either sink has received.
func (c *crasher) progress() int64 {
	n := int64(len(c.hec.received()))
	if info, err := os.Stat(c.e.out); err == nil {
		n += info.Size()
	}
	return n
}

// killRepeatedly starts the daemon and kills it, again and again: first
// right after it staged part of a window, until stagedKills kills landed
// between staging and publishing; then at random moments after it made
// progress, until it was killed at least three times and twice after the
// staged kills (or the backfill finished).
func (c *crasher) killRepeatedly(stagedKills int) {
	t := c.e.t
	minKills := max(3, stagedKills+2)
	for i := 0; i < 16 && c.kills < minKills; i++ {
		before := c.progress()
		d := startWatched(t, c.e.cfg, `"msg":"window staged in part"`)
		staging := c.staged < stagedKills
		if staging {
			d.await(t, 90*time.Second)
			time.Sleep(time.Duration(rand.IntN(50)) * time.Millisecond)
		} else {
			waitFor(t, 90*time.Second, func() bool { return c.progress() > before })
			time.Sleep(time.Duration(rand.IntN(250)) * time.Millisecond)
		}
		d.kill()
		c.kills++
		st := inspectState(t, filepath.Join(c.e.dir, "state", "state.db"))
		if st.staged > 0 {
			c.staged++
		}
		c.checkNothingHalfVisible(st.cursor)
		if !staging && len(c.hec.received()) >= len(c.want) && c.progress() > 0 && len(c.e.outputLines()) >= len(c.want) {
			break // it finished before the kill: more kills prove nothing
		}
	}
	if c.kills < 3 || c.staged < stagedKills {
		t.Fatalf("only %d kills landed, %d of them between staging and publishing (want 3 and %d); slow the scenario down", c.kills, c.staged, stagedKills)
	}
}

// checkNothingHalfVisible checks that every event the sinks received
// belongs to a window before the cursor: a window's events reach the queues
// in the transaction that moves the cursor past it, never before.
func (c *crasher) checkNothingHalfVisible(cursor time.Time) {
	t := c.e.t
	limit := event.FormatTime(cursor)
	var file []string
	if _, err := os.Stat(c.e.out); err == nil {
		file = c.e.outputLines()
	}
	for _, out := range [][]string{file, c.hec.received()} {
		for _, l := range out {
			i := strings.Index(l, `"windowStart":"`) + len(`"windowStart":"`)
			if i < len(`"windowStart":"`) || len(l) < i+len(limit) || l[i:i+len(limit)] >= limit {
				t.Fatalf("after kill %d a sink has an event of a window the cursor (%s) has not passed: %.200s", c.kills, limit, l)
			}
		}
	}
}

// recoverAndCheck runs `once` and checks that both sinks got every event,
// with at most the batches in flight at each kill twice.
func (c *crasher) recoverAndCheck() {
	t := c.e.t
	code, _, stderr := c.e.run("once")
	if code != exitOK {
		t.Fatalf("once after %d kills exited %d:\n%s", c.kills, code, stderr)
	}
	if st := inspectState(t, filepath.Join(c.e.dir, "state", "state.db")); st.staged != 0 {
		t.Fatalf("%d staged batches left after a clean run", st.staged)
	}
	for _, out := range []struct {
		name string
		got  []string
	}{{"file", c.e.outputLines()}, {"HEC", c.hec.received()}} {
		distinct, missing := sameEvents(t, out.got, c.want)
		if missing != "" {
			t.Fatalf("%s: event missing after %d SIGKILLs: %s", out.name, c.kills, missing)
		}
		dups := len(out.got) - distinct
		// At most the batches in flight are repeated: one Write per sink
		// per kill, ≤ 1000 events for both sinks here.
		if dups > c.kills*1000 {
			t.Fatalf("%s: %d duplicate events after %d kills, more than the batches in flight", out.name, dups, c.kills)
		}
		if distinct != len(c.want) {
			t.Fatalf("%s: %d distinct events, want %d", out.name, distinct, len(c.want))
		}
		t.Logf("%s: %d events, %d duplicates after %d kills (%d between staging and publishing)", out.name, len(out.got), dups, c.kills, c.staged)
	}
}

// sameEvents compares the events a sink got with those wanted: as text,
// and as JSON values only when the texts differ (a sink may render an event
// in another, equivalent way). It returns how many distinct events were got
// and a wanted one that is missing, if any.
func sameEvents(t *testing.T, got, want []string) (distinct int, missing string) {
	seen := map[string]bool{}
	for _, l := range got {
		seen[l] = true
	}
	for _, l := range want {
		if !seen[l] {
			return sameJSONEvents(t, got, want)
		}
	}
	return len(seen), ""
}

func sameJSONEvents(t *testing.T, got, want []string) (distinct int, missing string) {
	seen := map[string]bool{}
	for _, l := range got {
		seen[normJSON(t, l)] = true
	}
	for _, l := range want {
		if !seen[normJSON(t, l)] {
			return len(seen), l
		}
	}
	return len(seen), ""
}

// watched is a running daemon whose log is watched for a line.
type watched struct {
	cmd  *exec.Cmd
	seen chan struct{}
}

// startWatched starts `serfwd run` and signals on seen each time a log line
// contains marker.
func startWatched(t *testing.T, cfg, marker string) *watched {
	t.Helper()
	d := &watched{cmd: exec.Command(serfwdBin, "run", "--config", cfg), seen: make(chan struct{}, 1)}
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if strings.Contains(sc.Text(), marker) {
				select {
				case d.seen <- struct{}{}:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	return d
}

// await waits for the marker line; the deadline is only a safety net.
func (d *watched) await(t *testing.T, limit time.Duration) {
	t.Helper()
	select {
	case <-d.seen:
	case <-time.After(limit):
		d.kill()
		t.Fatalf("the daemon logged no %q within %s", "window staged in part", limit)
	}
}

func (d *watched) kill() {
	d.cmd.Process.Signal(syscall.SIGKILL)
	d.cmd.Wait()
}

// stateView is what a killed daemon left in its state file.
type stateView struct {
	staged int       // batches in the batch store that no queue refers to
	cursor time.Time // input acme's cursor
}

// inspectState reads the state file as it is, without opening it as serfwd
// does (which would remove the staged leftovers).
func inspectState(t *testing.T, path string) stateView {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v stateView
	err = db.View(func(tx *bolt.Tx) error {
		if c := tx.Bucket([]byte("cursors")); c != nil {
			if b := c.Get([]byte("acme")); len(b) == 8 {
				v.cursor = time.UnixMilli(int64(uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
					uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7]))).UTC()
			}
		}
		batches, refs := tx.Bucket([]byte("batches")), tx.Bucket([]byte("batchrefs"))
		if batches == nil || refs == nil {
			return nil
		}
		return batches.ForEach(func(k, _ []byte) error {
			if refs.Get(k) == nil {
				v.staged++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// setConfig replaces old by new in the config file at path.
func setConfig(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), old) {
		t.Fatalf("config %s lacks %q (%v)", path, old, err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}
