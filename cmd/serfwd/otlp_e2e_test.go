// End to end into the OpenTelemetry Collector's own OTLP receiver: `serfwd
// once` delivers every event to two otlp sinks (protobuf with gzip, JSON
// without compression) as SPEC §5 maps them, `check` proves both; and a
// secret header value never reaches any output, in any encoding, even from
// a receiver that echoes it.

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/sink/otlp/otlptest/journal"
)

// e2eOTLPSecret is the value of the otlp sinks' authorization header.
// The credential after "Bearer " holds $, /, +, &, = and % but no space (a
// bearer credential is one token); the whole value has one.
const e2eOTLPSecret = "Bearer otlp-e2e/t0ken+Hf7&Kq=2%Lw$"

func otlpSinkYAML(name, endpoint, encoding, compression string) string {
	return fmt.Sprintf(`  - name: %s
    type: otlp
    endpoint: %s
    encoding: %s
    compression: %s
    headers: {authorization: %q, x-scope-orgid: tenant-1}
    batch_max_events: 40
    batch_timeout: 100ms
`, name, endpoint, encoding, compression, e2eOTLPSecret)
}

// otlpReceiver is the Collector's OTLP receiver in a process of its own
// (pkg/sink/otlp/otlptest/otlprecv), so that this test binary does not
// link the Collector: what it consumed is read back as JSON lines.
type otlpReceiver struct {
	URL     string
	journal string
}

var (
	otlprecvOnce sync.Once
	otlprecvBin  string
	otlprecvErr  error
)

func startOTLPReceiver(t *testing.T) *otlpReceiver {
	t.Helper()
	otlprecvOnce.Do(func() {
		otlprecvBin = filepath.Join(filepath.Dir(serfwdBin), "otlprecv")
		out, err := exec.Command("go", "build", "-o", otlprecvBin, "../../pkg/sink/otlp/otlptest/otlprecv").CombinedOutput()
		if err != nil {
			otlprecvErr = fmt.Errorf("building otlprecv: %v\n%s", err, out)
		}
	})
	if otlprecvErr != nil {
		t.Fatal(otlprecvErr)
	}
	r := &otlpReceiver{journal: filepath.Join(t.TempDir(), "received.ndjson")}
	cmd := exec.Command(otlprecvBin, "-out", r.journal)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("otlprecv did not say where it listens: %v", err)
	}
	r.URL = strings.TrimSpace(line)
	return r
}

// requests reads back what the receiver consumed, in order.
func (r *otlpReceiver) requests(t *testing.T) []journal.Request {
	t.Helper()
	data, err := os.ReadFile(r.journal)
	if err != nil {
		t.Fatal(err)
	}
	var out []journal.Request
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var f journal.Request
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("otlprecv's journal: %v", err)
		}
		out = append(out, f)
	}
	return out
}

func TestE2EOnceIntoTheCollectorsReceiver(t *testing.T) {
	pb, js := startOTLPReceiver(t), startOTLPReceiver(t)
	e := newE2E(t, sersim.Options{RecordsPerWindow: 30}, 4, "",
		otlpSinkYAML("otel-pb", pb.URL, "protobuf", "gzip")+otlpSinkYAML("otel-json", js.URL, "json", "none"))
	version := binaryVersion(t)
	host, _ := os.Hostname()
	code, stdout, stderr := e.run("check")
	if code != exitOK || strings.Count(stdout, "empty export accepted") != 2 {
		t.Fatalf("check exited %d:\n%s%s", code, stdout, tail(stderr, 20))
	}
	before := time.Now().Truncate(time.Millisecond)
	if code, _, stderr := e.run("once"); code != exitOK {
		t.Fatalf("once exited %d:\n%s", code, tail(stderr, 30))
	}
	after := time.Now()
	want := e.expected(e.end)
	for name, rcv := range map[string]*otlpReceiver{"protobuf/gzip": pb, "json/none": js} {
		var bodies []string
		for _, req := range rcv.requests(t) {
			if got := req.Headers["authorization"]; len(got) != 1 || got[0] != e2eOTLPSecret {
				t.Fatalf("%s: a request without the configured authorization header", name)
			}
			for _, r := range req.Records {
				bodies = append(bodies, checkE2ERecord(t, name, r, version, host, before, after))
			}
		}
		checkSameEvents(t, name, bodies, want)
	}
	checkFileHasNoOTLPSecret(t, e.dir)
}

// checkE2ERecord checks a record's fields against its own body (which
// checkSameEvents compares with the expected events) and returns the body
// as JSON.
func checkE2ERecord(t *testing.T, name string, r journal.Record, version, host string, before, after time.Time) string {
	t.Helper()
	b, err := json.Marshal(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := time.Parse("2006-01-02T15:04:05.000Z", fmt.Sprint(r.Body["windowStart"]))
	severity, text := int32(9), "INFO"
	if f, _ := r.Body["failure"].(float64); f > 0 {
		severity, text = 13, "WARN"
	}
	res := map[string]any{"service.name": "serfwd", "service.version": version, "host.name": host}
	switch {
	case fmt.Sprint(r.Resource) != fmt.Sprint(res) || r.Scope != "serfwd" || r.ScopeVersion != version:
		t.Fatalf("%s: resource %v, scope %q %q; want %v and serfwd %s", name, r.Resource, r.Scope, r.ScopeVersion, res, version)
	case !r.Time.Equal(ws):
		t.Fatalf("%s: timeUnixNano %s, want windowStart: %s", name, r.Time, b)
	case r.EventName != r.Body["eventType"] || fmt.Sprint(r.Attributes) != fmt.Sprint(map[string]any{"log.record.uid": r.Body["eventId"]}):
		t.Fatalf("%s: eventName %q, attributes %v: want the eventType and eventId of %s", name, r.EventName, r.Attributes, b)
	case r.Severity != severity || r.SeverityText != text:
		t.Fatalf("%s: severity %d %q, want %d %q for %s", name, r.Severity, r.SeverityText, severity, text, b)
	case r.Observed.Before(before) || r.Observed.After(after):
		t.Fatalf("%s: observedTimeUnixNano %s, not while once ran (%s … %s)", name, r.Observed, before, after)
	case r.BodyTypes["success"] != "Int" || r.BodyTypes["fromEnvelope"] != "Slice" && r.Body["eventType"] == "ser.applicationUser":
		t.Fatalf("%s: body types %v: counters must be ints, lists arrays", name, r.BodyTypes)
	}
	return string(b)
}

// checkFileHasNoOTLPSecret scans every file serfwd wrote.
func checkFileHasNoOTLPSecret(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(path) == "serfwd.yaml" {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil {
			requireNoOTLPSecret(t, path, string(data))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func requireNoOTLPSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, secret := range []string{e2eOTLPSecret, strings.TrimPrefix(e2eOTLPSecret, "Bearer ")} {
		for form, v := range encodings(secret) {
			if strings.Contains(text, v) {
				t.Fatalf("%s holds the otlp header value (%s): %s", where, form, excerpt(text, v))
			}
		}
	}
}

// TestE2EOTLPHeaderNeverPrinted: a receiver that refuses and echoes the
// authorization header (whole and the token alone) gets it into no output
// of validate, check, once or run, nor into any file.
func TestE2EOTLPHeaderNeverPrinted(t *testing.T) {
	token := strings.TrimPrefix(e2eOTLPSecret, "Bearer ")
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		status := http.StatusUnauthorized
		if strings.HasPrefix(r.URL.Path, "/bad/") {
			status = http.StatusBadRequest
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"code":16,"message":"refused %s (token %s)"}`, r.Header.Get("Authorization"), token)
	}))
	defer echo.Close()
	e := newE2E(t, sersim.Options{RecordsPerWindow: 3}, 2, "",
		otlpSinkYAML("otel", echo.URL, "json", "none")+otlpSinkYAML("otel-bad", echo.URL+"/bad", "json", "gzip"))
	data, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Make the config shorter-lived and wrong in one place next to the secret.
	short := strings.Replace(string(data), "shutdown_timeout: 20s", "shutdown_timeout: 2s", 1)
	if err := os.WriteFile(e.cfg, []byte(short), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"validate"}, {"check"}, {"once"}} {
		_, stdout, stderr := e.run(args...)
		requireNoOTLPSecret(t, "output of "+strings.Join(args, " "), stdout+stderr)
		if args[0] != "validate" && !strings.Contains(stdout+stderr, "refused [REDACTED] (token [REDACTED])") {
			t.Errorf("%s does not show the receiver's answer, redacted: the echo was not exercised:\n%s", args[0], tail(stdout+stderr, 20))
		}
	}
	bad := strings.Replace(short, "encoding: json", "encoding: jsn", 1)
	if err := os.WriteFile(e.cfg, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := e.run("validate")
	if code != exitUsage || !strings.Contains(stderr, `sinks[1].encoding: "jsn" is not one of protobuf, json`) {
		t.Fatalf("validate exited %d:\n%s%s", code, stdout, stderr)
	}
	requireNoOTLPSecret(t, "output of validate with a problem", stdout+stderr)
	checkFileHasNoOTLPSecret(t, e.dir)
}
