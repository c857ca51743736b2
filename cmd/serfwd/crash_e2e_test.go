// crash_e2e_test.go kills `serfwd run` with SIGKILL while windows are
// fetched in parallel, staged in the state file and delivered, checks after
// every kill that no event of an unpublished window reached a sink, and at
// the end that no event was lost and that duplicates are at most the
// batches in flight.

package main

import (
	"bufio"
	"encoding/binary"
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
		// Three windows of 20,000 records (nearly 2 MiB of batches each,
		// and with revisits on the fingerprints of their records) are
		// fetched at once and staged in parts; kills land right after a
		// part was staged, and while the published windows are delivered.
		{"parallel windows staged in parts", 3, 20_000, 40 * time.Millisecond, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hec := newHECReceiver(t)
			opts := sersim.Options{Latency: 15 * time.Millisecond, RecordsPerWindow: tc.records, StreamPause: tc.pause}
			if tc.stagedKills > 0 {
				opts.SettleAfter = 72 * time.Hour // unsettled windows, kept for revisits
			}
			e := newE2E(t, opts, tc.hours, "    concurrency: 4\n", hecSinkYAML(hec.srv.URL))
			// `once` at the end waits for both sinks to drain; on a busy
			// machine that may take a while, and the test's deadline is the
			// safety net.
			setConfig(t, e.cfg, "shutdown_timeout: 20s", "shutdown_timeout: 30m")
			if tc.stagedKills > 0 { // the windows are unsettled: they go on the revisit list
				setConfig(t, e.cfg, "revisit: 0s", "revisit: 168h")
			}
			c := &crasher{e: e, hec: hec, want: e.expected(e.end), revisits: tc.stagedKills > 0}
			c.killRepeatedly(tc.stagedKills)
			c.recoverAndCheck()
		})
	}
}

// crasher runs and kills the daemon of one scenario.
type crasher struct {
	e                         *e2eEnv
	hec                       *hecReceiver
	want                      []string
	kills, staged, stagedSets int
	revisits                  bool // the windows go on the revisit list
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
		if st.staged > 0 || st.stagedSets > 0 {
			c.staged++
		}
		if st.stagedSets > 0 {
			c.stagedSets++
		}
		c.checkNothingHalfVisible(st.cursor)
		st.checkRevisitList(t)
		if !staging && len(c.hec.received()) >= len(c.want) && c.progress() > 0 && len(c.e.outputLines()) >= len(c.want) {
			break // it finished before the kill: more kills prove nothing
		}
	}
	if c.kills < 3 || c.staged < stagedKills || stagedKills > 0 && c.stagedSets == 0 {
		t.Fatalf("only %d kills landed, %d of them between staging and publishing, %d with fingerprints staged (want 3, %d and 1); slow the scenario down",
			c.kills, c.staged, c.stagedSets, stagedKills)
	}
}

// checkNothingHalfVisible checks that every event the sinks received
// belongs to a window before the cursor: a window's events reach the queues
// in the transaction that moves the cursor past it, never before.
func (c *crasher) checkNothingHalfVisible(cursor time.Time) {
	t := c.e.t
	limit := event.FormatTime(cursor)
	var file []string
	if data, err := os.ReadFile(c.e.out); err == nil {
		file = c.e.outputLines()
		// A SIGKILL during a large write(2) can leave a short write: a last
		// line without its newline, which the sink removes as its own torn
		// tail when it starts again. It is no event the sink delivered.
		if len(data) > 0 && data[len(data)-1] != '\n' && len(file) > 0 {
			file = file[:len(file)-1]
		}
	}
	for _, out := range [][]string{file, c.hec.received()} {
		for _, l := range out {
			i := strings.Index(l, `"windowStart":"`) + len(`"windowStart":"`)
			if i < len(`"windowStart":"`) || len(l) < i+len(limit) || l[i:i+len(limit)] >= limit {
				t.Fatalf("after kill %d a sink has an event of a window the cursor (%s) has not passed: %.600s", c.kills, limit, l)
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
	st := inspectState(t, filepath.Join(c.e.dir, "state", "state.db"))
	if st.staged != 0 || st.stagedSets != 0 || st.listed != 0 {
		t.Fatalf("after a clean run: %d staged batches, %d fingerprint sets no entry names, %d keys on the staging index or in the trash; want none",
			st.staged, st.stagedSets, st.listed)
	}
	st.checkRevisitList(t)
	if windows := int(c.e.end.Sub(c.e.start) / time.Hour); c.revisits && len(st.entries) != windows {
		t.Fatalf("%d windows on the revisit list, want all %d", len(st.entries), windows)
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
	staged     int       // batches in the batch store that no queue refers to
	stagedSets int       // fingerprint sets that no revisit list entry names
	listed     int       // keys on the staging index and in the trash
	cursor     time.Time // input acme's cursor
	entries    []entryView
}

// entryView is a revisit list entry of input acme: its window and the
// records its head counts and its fingerprint set holds.
type entryView struct {
	start, end     time.Time
	counted, inSet int
	set            uint64
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
		err := batches.ForEach(func(k, _ []byte) error {
			if refs.Get(k) == nil {
				v.staged++
			}
			return nil
		})
		if err != nil {
			return err
		}
		v.inspectRevisits(t, tx)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// inspectRevisits reads acme's revisit list and the fingerprint sets as
// the state file's format 3 lays them out (pkg/state's revisit_codec.go
// and prints.go), decoded here by hand.
func (v *stateView) inspectRevisits(t *testing.T, tx *bolt.Tx) {
	for _, name := range []string{"staging", "trash"} {
		if b := tx.Bucket([]byte(name)); b != nil {
			v.listed += b.Stats().KeyN
		}
	}
	named := map[uint64]bool{}
	if list := tx.Bucket([]byte("revisit")).Bucket([]byte("acme")); list != nil {
		list.ForEach(func(k, head []byte) error {
			e := entryView{start: time.UnixMilli(int64(binary.BigEndian.Uint64(k))).UTC()}
			if len(head) < 25 || head[0] != 2 {
				t.Fatalf("revisit entry at %s is not of format 2: % x", e.start, head[:min(len(head), 8)])
			}
			e.end = time.UnixMilli(int64(binary.BigEndian.Uint64(head[1:9]))).UTC()
			rest := head[25:]
			_, rest = uvarint(t, rest) // attempts
			n, rest := uvarint(t, rest)
			_, rest = uvarint(t, rest[8:]) // window hash, revision
			e.set, _ = uvarint(t, rest)
			e.counted = int(n)
			if set := tx.Bucket([]byte("prints")).Bucket(binary.BigEndian.AppendUint64(nil, e.set)); set != nil {
				set.ForEach(func(_, chunk []byte) error {
					for len(chunk) > 0 {
						_, chunk = uvarint(t, chunk[40:]) // eventId, hash, revision
						e.inSet++
					}
					return nil
				})
			}
			named[e.set] = true
			v.entries = append(v.entries, e)
			return nil
		})
	}
	if prints := tx.Bucket([]byte("prints")); prints != nil {
		prints.ForEachBucket(func(k []byte) error {
			if !named[binary.BigEndian.Uint64(k)] {
				v.stagedSets++
			}
			return nil
		})
	}
}

func uvarint(t *testing.T, b []byte) (uint64, []byte) {
	x, n := binary.Uvarint(b)
	if n <= 0 {
		t.Fatalf("malformed uvarint in the state file: % x", b[:min(len(b), 10)])
	}
	return x, b[n:]
}

// checkRevisitList checks that every revisit list entry is whole: its
// window is one the cursor passed, and its fingerprint set holds every
// record it counts (staged fingerprints become an entry's only in the
// transaction that publishes the window).
func (v *stateView) checkRevisitList(t *testing.T) {
	t.Helper()
	for _, e := range v.entries {
		if e.end.After(v.cursor) || e.counted == 0 || e.inSet != e.counted {
			t.Fatalf("revisit entry %s/%s (cursor %s): counts %d records, its set %d holds %d",
				e.start, e.end, v.cursor, e.counted, e.set, e.inSet)
		}
	}
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
