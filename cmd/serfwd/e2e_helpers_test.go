// Helpers of the end-to-end tests: building the binary, configs, the simulator
// and running commands.

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// The end-to-end tests drive the built binary, as a user would; peakRSSBin
// runs a command and measures its peak RSS (testdata/peakrss).
var serfwdBin, peakRSSBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "serfwd-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serfwdBin = filepath.Join(dir, "serfwd")
	peakRSSBin = filepath.Join(dir, "peakrss")
	for pkg, bin := range map[string]string{".": serfwdBin, "./testdata/peakrss": peakRSSBin} {
		build := exec.Command("go", "build", "-o", bin, pkg)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s for the end-to-end tests: %v\n", pkg, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	e2eClientID     = "e2e-client"
	e2eClientSecret = "s3cr3t e2e/value+never&printed=%41$x" // $, space, /, +, &, =, %: encoded forms differ
)

// e2eEnv is one end-to-end scenario: a simulator, a state dir and a config.
type e2eEnv struct {
	t     *testing.T
	sim   *sersim.Server
	dir   string
	cfg   string
	out   string // the file sink's path
	start time.Time
	end   time.Time // the end of the last window serfwd fetches
}

// stableEnd picks a delay that makes serfwd's last window end at the
// previous whole hour, with the next one not due for 30 minutes: an hour
// that turns during a test adds no window. It returns that end and the delay.
func stableEnd() (time.Time, time.Duration) {
	now := time.Now().UTC()
	hour := now.Truncate(time.Hour)
	return hour.Add(-time.Hour), (now.Sub(hour) + 30*time.Minute).Truncate(time.Second) + time.Second
}

// newE2E starts a simulator that accepts only the test's credentials and
// writes a config whose input starts hours before now (aligned), window 1h,
// delay 0, into a file sink. extra is appended to the YAML (more sinks).
func newE2E(t *testing.T, opts sersim.Options, hours int, inputExtra, sinksExtra string) *e2eEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	opts.ClientID, opts.ClientSecret = e2eClientID, e2eClientSecret
	sim, err := sersim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	dir := t.TempDir()
	end, delay := stableEnd()
	e := &e2eEnv{t: t, sim: sim, dir: dir, out: filepath.Join(dir, "out", "events.ndjson"),
		start: end.Add(-time.Duration(hours) * time.Hour), end: end}
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte(e2eClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`state_path: %s
shutdown_timeout: 20s
log: {level: debug, format: json}
inputs:
  - name: acme
    token_url: %s
    api_url: %s
    client_id: %s
    client_secret_file: %s
    start: %s
    window: 1h
    delay: %s
    interval: 1h
    revisit: 0s
%ssinks:
  - name: archive
    type: file
    path: %s
    mode: "0600"
%s`, filepath.Join(dir, "state", "state.db"), sim.TokenURL(), sim.URL, e2eClientID, filepath.Join(dir, "secret"),
		event.FormatTime(e.start), delay, inputExtra, e.out, sinksExtra)
	e.cfg = filepath.Join(dir, "serfwd.yaml")
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// run runs the binary to completion and returns its exit code and output.
func (e *e2eEnv) run(args ...string) (code int, stdout, stderr string) {
	e.t.Helper()
	cmd := exec.Command(serfwdBin, append(args, "--config", e.cfg)...)
	var o, er bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &er
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		e.t.Fatalf("running serfwd %v: %v", args, err)
	}
	e.noSecret(o.String(), er.String())
	return code, o.String(), er.String()
}

// noSecret fails the test when the client secret appears in any output, in
// any of its encodings (security_e2e_test.go).
func (e *e2eEnv) noSecret(outputs ...string) {
	e.t.Helper()
	for _, s := range outputs {
		for form, v := range encodings(e2eClientSecret) {
			if strings.Contains(s, v) {
				e.t.Fatalf("the client secret (%s) appears in serfwd's output:\n%s", form, s)
			}
		}
	}
}

// expected returns the JSON lines serfwd must produce for the windows from
// e.start up to end, in order, rendered independently of pkg/event
// (expect_e2e_test.go) from the simulator's answers.
func (e *e2eEnv) expected(end time.Time) []string {
	var lines []string
	for w := (serapi.Window{Start: e.start, End: e.start.Add(time.Hour)}); !w.End.After(end); w = (serapi.Window{Start: w.End, End: w.End.Add(time.Hour)}) {
		rep := e.sim.Expected(w, time.Now())
		lines = append(lines, expectedWindow("acme", w, &rep)...)
	}
	return lines
}

// outputLines reads the file sink's output.
func (e *e2eEnv) outputLines() []string {
	e.t.Helper()
	f, err := os.Open(e.out)
	if err != nil {
		e.t.Fatalf("reading the file sink's output: %v", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		e.t.Fatal(err)
	}
	data, _ := os.ReadFile(e.out)
	e.noSecret(string(data))
	return lines
}

// spec4Keys are the keys SPEC §4 requires on every ser.applicationUser event.
var spec4Keys = strings.Fields(`eventType eventId revision input windowStart windowEnd applicationName applicationUserName
	fromEnvelope fromHeader success failure tempFailure partialSuccess inProgress total recipientsTotal
	messageSizeTotal deliveredSizeTotal dsn2xx dsn3xx dsn4xx dsn5xx licenseStart licenseEnd annualThroughput`)

// windowKeys are the keys of every ser.window event.
var windowKeys = strings.Fields(`eventType eventId revision input windowStart windowEnd records success failure tempFailure
	partialSuccess inProgress total recipientsTotal messageSizeTotal deliveredSizeTotal dsn2xx dsn3xx dsn4xx dsn5xx
	licenseStart licenseEnd annualThroughput`)

// checkFields parses a line and checks the SPEC §4 keys of its type.
func checkFields(t *testing.T, line string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("output line is not JSON: %v\n%s", err, line)
	}
	keys := spec4Keys
	if m["eventType"] == event.TypeWindow {
		keys = windowKeys
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Fatalf("event lacks %q: %s", k, line)
		}
	}
	return m
}
