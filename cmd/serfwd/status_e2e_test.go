// The live view beside a running daemon, end to end: /metrics, `status
// --json` and `checkpoint show --json` agree at several moments of a HEC
// outage (queued, after a restart, drained); an input whose API never
// answers shows its lag growing from its start; the control socket is the
// owner's only and goes away with the daemon.

package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/control"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/testnet"
)

// lockedBuffer is a daemon's stderr, safe to read while it writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runningDaemon is `serfwd run` on an e2eEnv's config.
type runningDaemon struct {
	cmd *exec.Cmd
	log *lockedBuffer
}

func startDaemon(t *testing.T, e *e2eEnv) *runningDaemon {
	t.Helper()
	d := &runningDaemon{cmd: exec.Command(serfwdBin, "run", "--config", e.cfg), log: &lockedBuffer{}}
	d.cmd.Stderr = d.log
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.cmd.Process.Kill(); d.cmd.Wait() })
	// The daemon answers on its socket once it runs.
	waitFor(t, 30*time.Second, func() bool { code, _, _ := e.run("status", "--json"); return code == exitOK })
	return d
}

// metricsAddress is where the running daemon's metrics endpoint listens, as
// `status --json` tells (metrics.listen asks for port 0: no port is picked
// by the test and then possibly taken by another process).
func metricsAddress(t *testing.T, e *e2eEnv) string {
	t.Helper()
	st := statusJSON(t, e)
	if st.MetricsAddress == nil || strings.HasSuffix(*st.MetricsAddress, ":0") {
		t.Fatalf("status --json names no bound metrics address: %v", st.MetricsAddress)
	}
	return *st.MetricsAddress
}

// stop ends the daemon with SIGTERM and fails unless it exits 0.
func (d *runningDaemon) stop(t *testing.T) {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("daemon after SIGTERM: %v\n%s", err, tail(d.log.String(), 40))
	}
}

// runJSON runs the binary with args and decodes its JSON output.
func runJSON[T any](t *testing.T, e *e2eEnv, args ...string) T {
	t.Helper()
	var v T
	code, stdout, stderr := e.run(args...)
	if code != exitOK {
		t.Fatalf("%v exited %d:\n%s", args, code, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, stdout)
	}
	return v
}

// statusJSON runs `serfwd status --json`.
func statusJSON(t *testing.T, e *e2eEnv) control.Status {
	t.Helper()
	return runJSON[control.Status](t, e, "status", "--json")
}

// showJSON runs `serfwd checkpoint show --json` (the binary).
func showJSON(t *testing.T, e *e2eEnv) control.CheckpointView {
	t.Helper()
	return runJSON[control.CheckpointView](t, e, "checkpoint", "show", "--json")
}

func scrapeMetrics(t *testing.T, listen string) []promSample {
	t.Helper()
	code, body, err := httpGet("http://" + listen + "/metrics")
	if err != nil || code != http.StatusOK {
		t.Fatalf("/metrics: %d %v", code, err)
	}
	return parseProm(t, strings.NewReader(body))
}

// queueFigures is one sink's queue as each view tells it.
type queueFigures struct{ events, bytes int64 }

// agreeOnQueue reads the three views of sink's queue and fails unless they
// agree; it returns the figures.
func agreeOnQueue(t *testing.T, moment string, e *e2eEnv, listen, sink string) queueFigures {
	t.Helper()
	m := scrapeMetrics(t, listen)
	me, _ := findSample(m, "serfwd_sink_queue_events", map[string]string{"sink": sink})
	mb, _ := findSample(m, "serfwd_sink_queue_bytes", map[string]string{"sink": sink})
	fromMetrics := queueFigures{int64(me), int64(mb)}
	var fromStatus, fromShow queueFigures
	for _, s := range statusJSON(t, e).Sinks {
		if s.Name == sink {
			fromStatus = queueFigures{s.Events, s.Bytes}
		}
	}
	for _, s := range showJSON(t, e).Sinks {
		if s.Name == sink {
			fromShow = queueFigures{s.Events, s.Bytes}
		}
	}
	if fromMetrics != fromStatus || fromStatus != fromShow {
		t.Fatalf("%s: sink %s queue: /metrics %+v, status %+v, checkpoint show %+v", moment, sink, fromMetrics, fromStatus, fromShow)
	}
	return fromMetrics
}

func sinkStatus(t *testing.T, st control.Status, name string) control.SinkStatus {
	t.Helper()
	for _, s := range st.Sinks {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("status lists no sink %s", name)
	return control.SinkStatus{}
}

func inputStatus(t *testing.T, st control.Status, name string) control.InputStatus {
	t.Helper()
	for _, in := range st.Inputs {
		if in.Name == name {
			return in
		}
	}
	t.Fatalf("status lists no input %s", name)
	return control.InputStatus{}
}

func TestE2EViewsAgreeThroughAHECOutage(t *testing.T) {
	hec := newHECReceiver(t)
	hec.setRefuse(true)
	e := newE2E(t, sersim.Options{RecordsPerWindow: 20}, 4, "", hecSinkYAML(hec.srv.URL)+"metrics: {listen: \"127.0.0.1:0\"}\n")
	want := int64(len(e.expected(e.end)))
	end := event.FormatTime(e.end)
	d := startDaemon(t, e)
	listen := metricsAddress(t, e)

	// Moment 1: every window queued for a HEC that answers 503; the file
	// sink has delivered.
	waitFor(t, 30*time.Second, func() bool {
		st := statusJSON(t, e)
		in := inputStatus(t, st, "acme")
		return in.Cursor != nil && *in.Cursor == end && sinkStatus(t, st, "archive").Events == 0 &&
			sinkStatus(t, st, "splunk").LastError != nil
	})
	q := agreeOnQueue(t, "queued", e, listen, "splunk")
	if q.events != want || q.bytes <= 0 {
		t.Fatalf("queued: splunk holds %d events (%d bytes), want every event: %d", q.events, q.bytes, want)
	}
	agreeOnQueue(t, "queued", e, listen, "archive")
	st := statusJSON(t, e)
	sk := sinkStatus(t, st, "splunk")
	if sk.LastDelivery != nil || !strings.Contains(sk.LastError.Error, "503") || sk.Oldest == nil || sk.Type != "splunk_hec" {
		t.Errorf("queued: splunk status %+v, last error %+v", sk, sk.LastError)
	}
	if in := inputStatus(t, st, "acme"); in.LastSuccess == nil || in.LastError != nil || in.NextStart != end {
		t.Errorf("queued: acme status %+v", in)
	}
	if sent, _ := findSample(scrapeMetrics(t, listen), "serfwd_sink_sent_total", map[string]string{"sink": "splunk"}); sent != 0 {
		t.Errorf("queued: serfwd_sink_sent_total{splunk} = %v while HEC refuses", sent)
	}
	socket := control.SocketPath(opsStatePath(e))
	if fi, err := os.Lstat(socket); err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("control socket %s: %v, %v; want a socket of mode 0600", socket, fi.Mode(), err)
	}

	// Moment 2: restarted with HEC still down, the figures come from the
	// state file from the start.
	d.stop(t)
	if _, err := os.Lstat(socket); !os.IsNotExist(err) {
		t.Errorf("the control socket outlived the daemon: %v", err)
	}
	d = startDaemon(t, e)
	listen = metricsAddress(t, e) // another port, chosen at this start
	if q2 := agreeOnQueue(t, "restarted", e, listen, "splunk"); q2 != q {
		t.Fatalf("restarted: splunk queue %+v, before the restart %+v", q2, q)
	}

	// Moment 3: HEC recovers and the queue drains.
	hec.setRefuse(false)
	waitFor(t, 60*time.Second, func() bool { return sinkStatus(t, statusJSON(t, e), "splunk").Events == 0 })
	if q := agreeOnQueue(t, "drained", e, listen, "splunk"); q.events != 0 || q.bytes != 0 {
		t.Fatalf("drained: splunk queue %+v, want empty", q)
	}
	if sent, _ := findSample(scrapeMetrics(t, listen), "serfwd_sink_sent_total", map[string]string{"sink": "splunk"}); int64(sent) != want || int64(len(hec.received())) != want {
		t.Errorf("drained: serfwd_sink_sent_total{splunk} = %v, HEC received %d; want %d", sent, len(hec.received()), want)
	}
	if sk := sinkStatus(t, statusJSON(t, e), "splunk"); sk.LastDelivery == nil || sk.Oldest != nil || sk.ConfigProblem != nil {
		t.Errorf("drained: splunk status %+v", sk)
	}
	d.stop(t)
	e.noSecret(d.log.String())
	if strings.Contains(d.log.String(), e2eHECToken) {
		t.Fatal("the HEC token appears in the daemon's log")
	}
}

func TestE2ELagGrowsForAnInputThatNeverReachedItsAPI(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 5, "", "metrics: {listen: \"127.0.0.1:0\"}\n")
	pointAPIAt(t, e, testnet.RefusingAddr(t))
	d := startDaemon(t, e)
	listen := metricsAddress(t, e)
	in := map[string]string{"input": "acme"}
	read := func() (lag, checkpoint, success float64) {
		before := time.Now()
		m := scrapeMetrics(t, listen)
		after := time.Now()
		lag, _ = findSample(m, "serfwd_lag_seconds", in)
		checkpoint, _ = findSample(m, "serfwd_checkpoint_timestamp_seconds", in)
		success, ok := findSample(m, "serfwd_last_success_timestamp_seconds", in)
		if !ok {
			t.Fatal("/metrics lacks serfwd_last_success_timestamp_seconds{input=acme}")
		}
		// The input starts at e.start: its lag is now - start, read
		// between the two clocks.
		if lo, hi := before.Sub(e.start).Seconds(), after.Sub(e.start).Seconds(); lag < lo || lag > hi {
			t.Fatalf("serfwd_lag_seconds = %v, want now - start, between %v and %v", lag, lo, hi)
		}
		return lag, checkpoint, success
	}
	lag1, cp, ok := read()
	// The daemon has tried and failed by the time status names the error.
	waitFor(t, 30*time.Second, func() bool { return inputStatus(t, statusJSON(t, e), "acme").LastError != nil })
	lag2, _, _ := read()
	if lag2 <= lag1 || cp != 0 || ok != 0 {
		t.Errorf("lag %v then %v (want growing), checkpoint %v, last success %v (want 0 and 0)", lag1, lag2, cp, ok)
	}
	before := time.Now()
	st := inputStatus(t, statusJSON(t, e), "acme")
	if st.Cursor != nil || st.LastSuccess != nil || st.NextStart != event.FormatTime(e.start) ||
		st.LagSeconds < int64(before.Sub(e.start)/time.Second) || !strings.Contains(st.LastError.Error, "connection refused") {
		t.Errorf("status of acme: %+v, last error %+v", st, st.LastError)
	}
	// checkpoint show, through the daemon, is the same view: the same next
	// start, and a lag counted from it (read after status's).
	for _, in := range showJSON(t, e).Inputs {
		if in.Name == "acme" && (in.Cursor != nil || in.NextStart == nil || *in.NextStart != st.NextStart ||
			in.LagSeconds == nil || *in.LagSeconds < st.LagSeconds) {
			t.Errorf("checkpoint show of acme: cursor %v, next_start %v, lag %v; status said next_start %s, lag %d",
				deref(in.Cursor), deref(in.NextStart), deref(in.LagSeconds), st.NextStart, st.LagSeconds)
		}
	}
	if code, stdout, _ := e.run("checkpoint", "show"); code != exitOK || !strings.Contains(stdout, "none yet (starts "+event.FormatTime(e.start)+")") {
		t.Errorf("checkpoint show (table) exited %d:\n%s", code, stdout)
	}
	code, stdout, _ := e.run("status")
	if code != exitOK || !strings.Contains(stdout, "none yet (starts "+event.FormatTime(e.start)+")") ||
		!strings.Contains(stdout, "input acme: last error at ") {
		t.Errorf("status (table) exited %d:\n%s", code, stdout)
	}
	d.stop(t)
	for _, bad := range []string{"0001-01-01", "2562047h", "9223372036"} {
		if strings.Contains(d.log.String(), bad) {
			t.Errorf("the daemon's log holds %q:\n%s", bad, tail(d.log.String(), 20))
		}
	}
}

func TestE2EStatusWithoutADaemon(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 1, "", "")
	code, stdout, stderr := e.run("status")
	socket := control.SocketPath(filepath.Join(e.dir, "state", "state.db"))
	if code != exitFailure || stdout != "" || !strings.Contains(stderr, "no serfwd daemon answers on "+socket) {
		t.Fatalf("status without a daemon: exit %d\n%s%s", code, stdout, stderr)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// `sudo serfwd status` and `checkpoint show` need no --credentials or
// --env-file: they load the config leniently (state_path and names), so a
// secret they cannot read does not stop them; validate still needs it.
func TestE2EStatusWithoutTheServicesSecrets(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	creds := t.TempDir()
	secretFile := filepath.Join(creds, "acme.secret")
	if err := os.WriteFile(secretFile, []byte(e2eClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	editConfig(t, e, "client_secret_file: "+filepath.Join(e.dir, "secret"), "client_secret_file: ${CREDENTIALS_DIRECTORY}/serfwd_acme.secret")
	d := &runningDaemon{cmd: exec.Command(serfwdBin, "run", "--config", e.cfg, "--credentials", creds), log: &lockedBuffer{}}
	d.cmd.Stderr = d.log
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.cmd.Process.Kill(); d.cmd.Wait() })
	// Without --credentials: ${CREDENTIALS_DIRECTORY} is not set.
	waitFor(t, 30*time.Second, func() bool { code, _, _ := e.run("status", "--json"); return code == exitOK })
	if code, stdout, stderr := e.run("checkpoint", "show"); code != exitOK || !strings.Contains(stdout, "acme") {
		t.Errorf("checkpoint show without --credentials: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := e.run("validate"); code != exitUsage || !strings.Contains(stderr, "CREDENTIALS_DIRECTORY") {
		t.Errorf("validate without --credentials: exit %d, want 2 naming the variable\n%s", code, stderr)
	}
	// With --credentials, but the secret file unreadable (gone).
	if err := os.Remove(secretFile); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status"}, {"status", "--json"}, {"checkpoint", "show", "--json"}} {
		if code, stdout, stderr := e.run(append(args, "--credentials", creds)...); code != exitOK {
			t.Errorf("%v with the secret file gone: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	d.stop(t)
	// Without a daemon, checkpoint show reads the file, leniently too.
	if code, stdout, stderr := e.run("checkpoint", "show", "--credentials", creds); code != exitOK || !strings.Contains(stdout, "acme") {
		t.Errorf("checkpoint show without a daemon, the secret file gone: exit %d\n%s%s", code, stdout, stderr)
	}
}

// A state_path longer than a Unix socket address allows (~107 bytes) still
// gets its control socket: status answers.
func TestE2EStatusWithALongStatePath(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 1, "", "")
	dir := filepath.Join(e.dir, "state")
	for len(dir) < 150 {
		dir = filepath.Join(dir, "deeper-and-deeper")
	}
	setStatePath(t, e, filepath.Join(dir, "state.db"))
	d := startDaemon(t, e) // waits for status to answer
	if st := statusJSON(t, e); st.StatePath != filepath.Join(dir, "state.db") {
		t.Errorf("status answers for %s", st.StatePath)
	}
	d.stop(t)
	if strings.Contains(d.log.String(), "no control socket") {
		t.Errorf("the daemon ran without its socket:\n%s", tail(d.log.String(), 10))
	}
}
