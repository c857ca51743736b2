// hostile_helpers_test.go: a hostile SER API and HEC on loopback, a second
// server that records every connection (where redirects point), and a
// runner of the built binary that measures the child's peak RSS. The tables
// that use them are in hostile_e2e_test.go.

package main

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

// Secrets of the hostile tests, with the characters whose encoded forms
// differ from the raw ones ($, space, /, +, &, =, %).
const (
	hostileClientID = "hostile-client"
	hostileSecret   = "H0st!le $ec/r+e&t=%41 x"
	hostileHECToken = "HEC t0k/en+$&=%2F y"
)

var hostileSecrets = []string{hostileSecret, hostileHECToken}

// oneRecordBody is a report of one record: two events per window.
const oneRecordBody = `{"applicationUsers":[{"applicationName":"App","applicationUserName":"u","fromEnvelope":["a@example.com"],` +
	`"fromHeader":["example.com"],"status":{"success":5,"total":5}}],"entitlement":{"annual_throughput":10}}`

// recorder is a server that counts every connection and request it gets.
type recorder struct {
	*httptest.Server
	conns, hits atomic.Int64
}

// startRecorder starts a recording server, with TLS when tls is set; its
// certificate is written to caFile so that serfwd would trust it: if
// serfwd followed a redirect there, the request would succeed and count.
func startRecorder(t *testing.T, tls bool, caFile string) *recorder {
	r := &recorder{}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.hits.Add(1)
		_, _ = io.Copy(io.Discard, req.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"t","expires_in":3600,"applicationUsers":[],"text":"Success","code":0}`)
	}))
	r.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			r.conns.Add(1)
		}
	}
	if tls {
		r.StartTLS()
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.Certificate().Raw})
		if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
			t.Fatal(err)
		}
	} else {
		r.Start()
	}
	t.Cleanup(r.Close)
	return r
}

// requireUntouched fails unless the recorder saw no connection at all.
func (r *recorder) requireUntouched(t *testing.T) {
	t.Helper()
	if c, h := r.conns.Load(), r.hits.Load(); c != 0 || h != 0 {
		t.Fatalf("the redirect target %s got %d connections and %d requests, want none", r.URL, c, h)
	}
}

// hostileSER is a SER API whose endpoints answer as a test says; by
// default a token, and a report of one record.
type hostileSER struct {
	*httptest.Server
	mu            sync.Mutex
	token, report http.HandlerFunc
}

func startHostileSER(t *testing.T) *hostileSER {
	s := &hostileSER{}
	// answer serves what set chose for an endpoint, else a normal answer.
	answer := func(chosen *http.HandlerFunc, normal string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			h := *chosen
			s.mu.Unlock()
			if h != nil {
				h(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, normal)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/token", answer(&s.token, `{"access_token":"hostile-token","token_type":"Bearer","expires_in":43200}`))
	mux.HandleFunc("/v1/sercustomer/report/summary", answer(&s.report, oneRecordBody))
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *hostileSER) set(token, report http.HandlerFunc) {
	s.mu.Lock()
	s.token, s.report = token, report
	s.mu.Unlock()
}

// healthyHEC answers like Splunk for the hostile tests' token; hec, when
// set, replaces it.
func healthyHEC(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, "/health"):
		fmt.Fprint(w, `{"text":"HEC is healthy","code":17}`)
	case r.Header.Get("Authorization") != "Splunk "+hostileHECToken:
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"text":"Invalid token","code":4}`)
	case r.ContentLength == 0:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"text":"No data","code":5}`)
	default:
		fmt.Fprint(w, `{"text":"Success","code":0}`)
	}
}

// hostileEnv is one scenario: a hostile SER, a HEC, a file sink and the
// config of one input with one hourly window to fetch.
type hostileEnv struct {
	t      *testing.T
	dir    string
	cfg    string
	caFile string // trusted by every component: the https recorder's certificate
	ser    *hostileSER
	hec    *httptest.Server
	hecFn  atomic.Value // http.HandlerFunc
	start  time.Time
}

func newHostileEnv(t *testing.T) *hostileEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	dir := t.TempDir()
	h := &hostileEnv{t: t, dir: dir, caFile: filepath.Join(dir, "target-ca.pem"), ser: startHostileSER(t)}
	h.hecFn.Store(http.HandlerFunc(healthyHEC))
	h.hec = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hecFn.Load().(http.HandlerFunc)(w, r)
	}))
	t.Cleanup(h.hec.Close)
	for name, data := range map[string]string{"secret": hostileSecret + "\n", "hec.token": hostileHECToken + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Until a test starts an https recorder, the CA file holds any
	// certificate: a PEM file must exist for tls.ca_file.
	if err := os.WriteFile(h.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: h.hecCert()}), 0o600); err != nil {
		t.Fatal(err)
	}
	end, delay := stableEnd()
	h.start = end.Add(-time.Hour)
	in := func(name string) string { return strconv.Quote(filepath.Join(dir, name)) }
	yaml := fmt.Sprintf(`state_path: %[1]s
shutdown_timeout: 2s
log: {level: debug, format: json}
inputs:
  - name: acme
    token_url: %[2]s/v1/token
    api_url: %[2]s
    client_id: %[3]s
    client_secret_file: %[4]s
    start: %[5]s
    window: 1h
    delay: %[6]s
    interval: 1h
    revisit: 0s
    tls: {ca_file: %[7]s}
sinks:
  - name: archive
    type: file
    path: %[8]s
    mode: "0600"
  - name: splunk
    type: splunk_hec
    url: %[9]s
    token_file: %[10]s
    compression: none
    tls: {ca_file: %[7]s}
`, in("state/state.db"), h.ser.URL, hostileClientID, in("secret"), event.FormatTime(h.start), delay,
		strconv.Quote(h.caFile), in("out/events.ndjson"), h.hec.URL, in("hec.token"))
	h.cfg = filepath.Join(dir, "serfwd.yaml")
	if err := os.WriteFile(h.cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return h
}

// hecCert is a self-signed certificate to fill the CA file with.
func (h *hostileEnv) hecCert() []byte {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	return srv.Certificate().Raw
}

// hostileRun is what one run of the binary did.
type hostileRun struct {
	code           int
	stdout, stderr string
	maxRSS         int64 // serfwd's peak resident set size, bytes (see testdata/peakrss)
}

// run runs the built binary with args, measuring its peak RSS, and checks
// that nothing it printed holds a secret in any encoding.
func (h *hostileEnv) run(args ...string) hostileRun {
	h.t.Helper()
	rssFile := filepath.Join(h.t.TempDir(), "peak-rss")
	cmd := exec.Command(peakRSSBin, append([]string{serfwdBin}, append(args, "--config", h.cfg)...)...)
	// No soft memory limit applies (serfwd sets none), whatever the CI sets.
	cmd.Env = append(os.Environ(), peakRSSFileEnv+"="+rssFile, "GOMEMLIMIT=")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		h.t.Fatalf("running serfwd %v: %v", args, err)
	}
	r := hostileRun{code: cmd.ProcessState.ExitCode(), stdout: o.String(), stderr: e.String()}
	if b, err := os.ReadFile(rssFile); err == nil {
		r.maxRSS, _ = strconv.ParseInt(string(b), 10, 64)
	}
	requireNoSecretForm(h.t, "serfwd "+strings.Join(args, " "), r.stdout+r.stderr)
	return r
}

// peakRSSFileEnv names the file where peakrss (testdata/peakrss, built
// beside serfwd) writes the peak RSS of the command it runs.
const peakRSSFileEnv = "SERFWD_TEST_PEAK_RSS_FILE"

// show runs `checkpoint show --json` with the binary.
func (h *hostileEnv) show() cpView {
	h.t.Helper()
	r := h.run("checkpoint", "show", "--json")
	if r.code != exitOK {
		h.t.Fatalf("checkpoint show --json exited %d:\n%s", r.code, r.stderr)
	}
	var v cpView
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		h.t.Fatalf("checkpoint show --json: %v\n%s", err, r.stdout)
	}
	return v
}

// requireState checks acme's cursor (nil: none yet) and each sink's queued
// events as `checkpoint show --json` reports them.
func (h *hostileEnv) requireState(cursor *time.Time, queued map[string]int64) {
	h.t.Helper()
	v := h.show()
	for _, in := range v.Inputs {
		if in.Name != "acme" {
			continue
		}
		switch {
		case cursor == nil && in.Cursor != nil:
			h.t.Errorf("acme's cursor moved to %s, want none", *in.Cursor)
		case cursor != nil && (in.Cursor == nil || *in.Cursor != event.FormatTime(*cursor)):
			h.t.Errorf("acme's cursor is %v, want %s", in.Cursor, event.FormatTime(*cursor))
		}
	}
	for _, s := range v.Sinks {
		if s.Events != queued[s.Name] {
			h.t.Errorf("sink %s has %d events queued, want %d", s.Name, s.Events, queued[s.Name])
		}
	}
}

// scanFiles checks every file the run left except the secrets themselves.
func (h *hostileEnv) scanFiles() {
	h.t.Helper()
	scanDir(h.t, h.dir, func(path, text string) { requireNoSecretForm(h.t, path, text) })
}

// requireNoSecretForm fails if text holds a hostile secret in any form
// that encodings (security_e2e_test.go) lists.
func requireNoSecretForm(t *testing.T, where, text string) {
	t.Helper()
	for _, secret := range hostileSecrets {
		for form, v := range encodings(secret) {
			if strings.Contains(text, v) {
				t.Fatalf("%s holds a secret (%s): %s", where, form, excerpt(text, v))
			}
		}
	}
}

// requireShortLines fails if a line of out is longer than max: logs and
// errors quote at most 256 bytes of what a peer sent, so even a line that
// quotes some (JSON-escaped, with its fields) stays short.
func requireShortLines(t *testing.T, what, out string, max int) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if len(line) > max {
			t.Fatalf("%s has a line of %d bytes (want at most %d): %.300s…", what, len(line), max, line)
		}
	}
}

// requireNoRepeats fails if a message says the same thing twice: no
// ": "-separated part of it (of some length) appears twice.
func requireNoRepeats(t *testing.T, msg string) {
	t.Helper()
	seen := map[string]bool{}
	for _, part := range strings.Split(msg, ": ") {
		part = strings.TrimSpace(part)
		if len(part) < 12 {
			continue
		}
		if seen[part] {
			t.Fatalf("the message repeats %q: %s", part, msg)
		}
		seen[part] = true
	}
}

// firstLine is the first line of s that starts with prefix: the error of
// `serfwd once:` comes before its per-sink summary.
func firstLine(s, prefix string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPeakRSSMeasure checks the measure itself: a process that touches 100
// MiB is measured above that, one that touches nothing far below 64 MiB,
// however large the test process has grown.
func TestPeakRSSMeasure(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes: skipped with -short")
	}
	ballast := make([]byte, 200<<20) // the test process's own peak must not count
	for i := range ballast {
		ballast[i] = 1
	}
	measure := func(script string) int64 {
		rss := filepath.Join(t.TempDir(), "rss")
		cmd := exec.Command(peakRSSBin, "/bin/sh", "-c", script)
		cmd.Env = append(os.Environ(), peakRSSFileEnv+"="+rss)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
		n, err := strconv.ParseInt(readFile(t, rss), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	small := measure("exit 0")
	t.Logf("an idle shell: %.1f MiB", float64(small)/(1<<20))
	// The floor is the start-up size of the wrapper, this test binary
	// (about 35 MiB under -race with every dependency linked); the 200 MiB
	// ballast must not show.
	if small > 48<<20 {
		t.Errorf("a shell that does nothing measures %d bytes: the test process's peak leaks in", small)
	}
	// head -c reads 100 MiB into one buffer held by a shell variable.
	if big := measure(`x=$(head -c 104857600 /dev/zero | tr '\0' a); [ ${#x} -gt 0 ]`); big < 100<<20 {
		t.Errorf("a shell holding 100 MiB measures %d bytes", big)
	}
	runtime.KeepAlive(ballast)
}
