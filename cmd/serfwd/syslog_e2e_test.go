// End to end into a syslog receiver with LEEF, and the demo printing the last
// 24 hours.

package main

// syslog_e2e_test.go drives the built binary into a real rsyslog: a
// hand-written SER answer (testdata/syslog_e2e/report.json: a plain record,
// one whose unknown fields are named like SPEC §4 keys and LEEF/CEF's own
// attributes, one with delimiters in its values) is backfilled into two
// syslog sinks, LEEF over octet counting and CEF over LF framing, and what
// rsyslog wrote to disk must equal, byte for byte, the messages written by
// hand in testdata/syslog_e2e/{leef,cef}.txt (eventIds computed with
// sha256sum from SPEC §4's text, severities from SPEC §5's formula).

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/sink/sinktest"
	"github.com/serfwd/serfwd/pkg/sink/syslog/syslogtest"
)

// The one window the hand-written answer is for.
const (
	e2eWindowStart = "2026-11-26T10:00:00.000Z"
	e2eWindowEnd   = "2026-11-26T11:00:00.000Z"
)

// fixedSER is a SER API that serves testdata/syslog_e2e/report.json for the
// window above and empty answers for any other.
func fixedSER(t *testing.T) *httptest.Server {
	t.Helper()
	report, err := os.ReadFile(filepath.Join("testdata", "syslog_e2e", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/token", func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil || r.PostForm.Get("client_id") != e2eClientID || r.PostForm.Get("client_secret") != e2eClientSecret {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"e2e-token","token_type":"Bearer","expires_in":43200}`)
	})
	mux.HandleFunc("GET /v1/sercustomer/report/summary", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer e2e-token" {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query()
		if q.Get("startTimeStamp") == e2eWindowStart && q.Get("endTimeStamp") == e2eWindowEnd {
			_, _ = w.Write(report)
			return
		}
		fmt.Fprint(w, `{"applicationUsers":[]}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// startRsyslogPair starts rsyslog with two TCP inputs, each writing the raw
// messages it receives to its own file.
func startRsyslogPair(t *testing.T, dir string) (d *syslogtest.Daemon, leefAddr, cefAddr, leefOut, cefOut string) {
	t.Helper()
	rsyslogd := syslogtest.Peer(t, "rsyslogd")
	leefAddr, cefAddr = sinktest.ClosedTCPAddr(t), sinktest.ClosedTCPAddr(t)
	_, leefPort, _ := net.SplitHostPort(leefAddr)
	_, cefPort, _ := net.SplitHostPort(cefAddr)
	leefOut, cefOut = filepath.Join(dir, "leef.log"), filepath.Join(dir, "cef.log")
	conf := fmt.Sprintf(`global(workDirectory=%q maxMessageSize="64k")
module(load="imtcp")
template(name="raw" type="string" string="%%rawmsg%%\n")
ruleset(name="leef") { action(type="omfile" file=%q template="raw") }
ruleset(name="cef") { action(type="omfile" file=%q template="raw") }
input(type="imtcp" address="127.0.0.1" port=%q ruleset="leef")
input(type="imtcp" address="127.0.0.1" port=%q ruleset="cef")
`, dir, leefOut, cefOut, leefPort, cefPort)
	confPath := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	d = syslogtest.Start(t, dir, rsyslogd, "-n", "-f", confPath, "-i", filepath.Join(dir, "rsyslogd.pid"))
	d.WaitTCP(leefAddr)
	d.WaitTCP(cefAddr)
	return d, leefAddr, cefAddr, leefOut, cefOut
}

// TestE2EBackfillToRsyslogLEEFAndCEF: the binary's LEEF and CEF, as a real
// rsyslog received them, are exactly the hand-written messages.
func TestE2EBackfillToRsyslogLEEFAndCEF(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	dir := t.TempDir()
	ser := fixedSER(t)
	d, leefAddr, cefAddr, leefOut, cefOut := startRsyslogPair(t, dir)
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte(e2eClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &e2eEnv{t: t, dir: dir, cfg: filepath.Join(dir, "serfwd.yaml")}
	yaml := fmt.Sprintf(`state_path: %s
shutdown_timeout: 20s
inputs:
  - name: acme
    token_url: %s/v1/token
    api_url: %s
    client_id: %s
    client_secret_file: %s
    window: 1h
    delay: 0s
sinks:
  - name: qradar-leef
    type: syslog
    address: %s
    network: tcp
    framing: octet-counting
    format: leef
    hostname: serfwd-e2e
  - name: arcsight-cef
    type: syslog
    address: %s
    network: tcp
    framing: newline
    format: cef
    hostname: serfwd-e2e
`, filepath.Join(dir, "state", "state.db"), ser.URL, ser.URL, e2eClientID, secret, leefAddr, cefAddr)
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := e.run("backfill", "--input", "acme", "--from", e2eWindowStart, "--to", e2eWindowEnd)
	if code != exitOK {
		t.Fatalf("backfill exited %d:\n%s", code, stderr)
	}
	version := binaryVersion(t)
	for _, c := range []struct{ name, out string }{{"leef", leefOut}, {"cef", cefOut}} {
		t.Run(c.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "syslog_e2e", c.name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(b), "{VERSION}", version), "\n"), "\n")
			got := d.WaitLines(c.out, len(want), 30*time.Second)
			slices.Sort(got) // the order of events within a window is not part of the contract
			slices.Sort(want)
			if len(got) != len(want) {
				t.Fatalf("rsyslog received %d messages, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("message differs:\n got %s\nwant %s", got[i], want[i])
				}
			}
		})
	}
}

// binaryVersion is the version the binary puts in LEEF and CEF headers.
func binaryVersion(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(serfwdBin, "version").Output()
	f := strings.Fields(string(out))
	if err != nil || len(f) < 2 {
		t.Fatalf("serfwd version: %v: %q", err, out)
	}
	return f[1]
}

// TestE2EDemoPrintsTheLast24Hours runs `serfwd demo` as a new user would.
func TestE2EDemoPrintsTheLast24Hours(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	// The demo needs no config: it runs with none (and refuses --config).
	cmd := exec.Command(serfwdBin, "demo")
	cmd.Env = append(os.Environ(), "SERFWD_CONFIG=/nonexistent-demo-needs-no-config.yaml")
	var o, er bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &er
	if err := cmd.Run(); err != nil {
		t.Fatalf("demo: %v:\n%s", err, er.String())
	}
	stdout, stderr := o.String(), er.String()
	windows := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		ev := checkFields(t, line)
		if ev["eventType"] == "ser.window" {
			windows[ev["windowStart"].(string)] = true
		}
	}
	if len(windows) != 24 {
		t.Fatalf("demo printed %d distinct windows, want the last 24 hours", len(windows))
	}
	if !strings.Contains(stderr, "24 hourly windows") {
		t.Fatalf("demo summary missing from stderr:\n%s", stderr)
	}
}
