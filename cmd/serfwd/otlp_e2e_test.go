// End to end into the OpenTelemetry Collector's own OTLP receiver: `serfwd
// once` delivers every event to two otlp sinks (protobuf with gzip, JSON
// without compression) as SPEC §5 maps them, `check` proves both; and a
// secret header value never reaches any output, in any encoding, even from
// a receiver that echoes it.

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/sink/otlp/otlptest"
)

// e2eOTLPSecret is the value of the otlp sinks' authorization header.
const e2eOTLPSecret = "Bearer otlp-e2e-t0ken-Hf7Kq2Lw"

func otlpSinkYAML(name, endpoint, encoding, compression string) string {
	return fmt.Sprintf(`  - name: %s
    type: otlp
    endpoint: %s
    encoding: %s
    compression: %s
    headers: {authorization: "%s", x-scope-orgid: tenant-1}
    batch_max_events: 40
    batch_timeout: 100ms
`, name, endpoint, encoding, compression, e2eOTLPSecret)
}

func TestE2EOnceIntoTheCollectorsReceiver(t *testing.T) {
	pb := otlptest.Start(t, otlptest.Options{})
	js := otlptest.Start(t, otlptest.Options{})
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
	for name, col := range map[string]*otlptest.Collector{"protobuf/gzip": pb, "json/none": js} {
		reqs := col.Requests()
		var bodies []string
		for _, req := range reqs {
			if got := req.Headers["authorization"]; len(got) != 1 || got[0] != e2eOTLPSecret {
				t.Fatalf("%s: a request without the configured authorization header", name)
			}
			checkResource(t, name, req.Logs, version, host)
			for _, r := range records(req.Logs) {
				bodies = append(bodies, checkE2ERecord(t, name, r, before, after))
			}
		}
		checkSameEvents(t, name, bodies, want)
	}
	checkFileHasNoOTLPSecret(t, e.dir)
}

func records(logs plog.Logs) []plog.LogRecord {
	var out []plog.LogRecord
	for _, rl := range logs.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, r := range sl.LogRecords().All() {
				out = append(out, r)
			}
		}
	}
	return out
}

func checkResource(t *testing.T, name string, logs plog.Logs, version, host string) {
	t.Helper()
	for _, rl := range logs.ResourceLogs().All() {
		got := rl.Resource().Attributes().AsRaw()
		want := map[string]any{"service.name": "serfwd", "service.version": version, "host.name": host}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: resource %v, want %v", name, got, want)
		}
		for _, sl := range rl.ScopeLogs().All() {
			if sl.Scope().Name() != "serfwd" {
				t.Fatalf("%s: scope %q, want serfwd", name, sl.Scope().Name())
			}
		}
	}
}

// checkE2ERecord checks a record's fields against its own body (which
// checkSameEvents compares with the expected events) and returns the body
// as JSON.
func checkE2ERecord(t *testing.T, name string, r plog.LogRecord, before, after time.Time) string {
	t.Helper()
	body := r.Body().Map().AsRaw()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := time.Parse("2006-01-02T15:04:05.000Z", fmt.Sprint(body["windowStart"]))
	uid, _ := r.Attributes().Get("log.record.uid")
	severity, text := int32(9), "INFO"
	if f, _ := body["failure"].(int64); f > 0 {
		severity, text = 13, "WARN"
	}
	switch obs := r.ObservedTimestamp().AsTime(); {
	case !r.Timestamp().AsTime().Equal(ws):
		t.Fatalf("%s: timeUnixNano %s, want windowStart: %s", name, r.Timestamp().AsTime(), b)
	case r.EventName() != body["eventType"] || uid.Str() != body["eventId"]:
		t.Fatalf("%s: eventName %q, log.record.uid %q: want the eventType and eventId of %s", name, r.EventName(), uid.Str(), b)
	case int32(r.SeverityNumber()) != severity || r.SeverityText() != text:
		t.Fatalf("%s: severity %d %q, want %d %q for %s", name, r.SeverityNumber(), r.SeverityText(), severity, text, b)
	case obs.Before(before) || obs.After(after):
		t.Fatalf("%s: observedTimeUnixNano %s, not while once ran (%s … %s)", name, obs, before, after)
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
