// The built binary against the documented contract: `once` delivers what SPEC
// §4 and §5 promise.

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// A hand-written server that speaks only the documented SER contract (SPEC
// §1), independent of the simulator: serfwd must produce exactly the events
// these bodies describe, fetch the token once, and never print the secret.

var contractTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)

// contractBodies answer windows by their index from the start.
var contractBodies = []string{
	// The reference shape of SPEC §1.
	`{"applicationUsers":[{"applicationName":"Salesforce","applicationUserName":"sf-prod-notifications",
	  "fromEnvelope":["bounces@example.com"],"fromHeader":["example.com"],
	  "status":{"success":1200,"failure":3,"tempFailure":2,"partialSuccess":0,"inProgress":1,"total":1206,"recipientsTotal":1450},
	  "messageSizeTotal":{"messageSizeTotal":48213311,"deliveredSizeTotal":48100222},
	  "details":{"2.X.X":1200,"3.X.X":0,"4.X.X":2,"5.X.X":3}}],
	 "entitlement":{"annual_throughput":1099511627776,"license_start":"2026-01-01T00:00:00.000Z","license_end":"2027-01-01T00:00:00.000Z"}}`,
	// Tolerance: strings for lists, numbers as strings, unknown fields, a missing block.
	`{"applicationUsers":[{"applicationName":"Workday","applicationUserName":"wd-alerts",
	  "fromEnvelope":"example.org","fromHeader":"hr@example.org",
	  "status":{"success":"10","failure":"0","tempFailure":0,"partialSuccess":0,"inProgress":0,"total":"10","recipientsTotal":12},
	  "details":{"2.X.X":"10"},"region":"eu","limits":{"perHour":500}}],
	 "entitlement":{"annual_throughput":"1099511627776","license_start":"2026-01-01T00:00:00.000Z","license_end":"2027-01-01T00:00:00.000Z"}}`,
	// An empty window, said three ways.
	`{}`,
	`{"applicationUsers":null,"entitlement":null}`,
	`{"applicationUsers":[]}`,
}

type contractServer struct {
	srv    *httptest.Server
	start  time.Time
	mu     sync.Mutex
	tokens int
	bad    []string
}

func newContractServer(t *testing.T, start time.Time) *contractServer {
	c := &contractServer{start: start}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/token", func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "client_credentials" ||
			r.PostForm.Get("client_id") != e2eClientID || r.PostForm.Get("client_secret") != e2eClientSecret {
			c.fail("token request with wrong form")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		c.mu.Lock()
		c.tokens++
		c.mu.Unlock()
		io.WriteString(w, `{"access_token":"tok-1","token_type":"Bearer","expires_in":43200}`)
	})
	mux.HandleFunc("GET /v1/sercustomer/report/summary", func(w http.ResponseWriter, r *http.Request) {
		s, e := r.URL.Query().Get("startTimeStamp"), r.URL.Query().Get("endTimeStamp")
		if r.Header.Get("Authorization") != "Bearer tok-1" || !contractTime.MatchString(s) || !contractTime.MatchString(e) {
			c.fail(fmt.Sprintf("bad report request %q %q %q", r.Header.Get("Authorization"), s, e))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		ts, _ := time.Parse(contractLayout, s)
		i := int(ts.Sub(c.start) / time.Hour)
		if i < 0 || i >= len(contractBodies) {
			c.fail("window out of range: " + s)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, contractBodies[i])
	})
	c.srv = httptest.NewServer(mux)
	t.Cleanup(c.srv.Close)
	return c
}

const contractLayout = "2006-01-02T15:04:05.000Z"

func (c *contractServer) fail(msg string) {
	c.mu.Lock()
	c.bad = append(c.bad, msg)
	c.mu.Unlock()
}

func contractID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(sum[:])
}

func TestE2EOnceAgainstTheDocumentedContract(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	end, delay := stableEnd()
	start := end.Add(-time.Duration(len(contractBodies)) * time.Hour)
	api := newContractServer(t, start)
	dir := t.TempDir()
	out := filepath.Join(dir, "events.ndjson")
	cfg := filepath.Join(dir, "serfwd.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`state_path: %s/state.db
inputs:
  - name: acme
    token_url: %s/v1/token
    api_url: %s
    client_id: %s
    client_secret: %s
    start: %s
    delay: %s
    revisit: 0s
sinks:
  - {name: archive, type: file, path: %s}
`, dir, api.srv.URL, api.srv.URL, e2eClientID, e2eClientSecret, start.Format(contractLayout), delay, out)), 0o600)
	e := &e2eEnv{t: t, cfg: cfg, out: out, dir: dir}
	code, stdout, stderr := e.run("once")
	if code != exitOK {
		t.Fatalf("once exited %d:\n%s%s", code, stdout, stderr)
	}
	if len(api.bad) > 0 || api.tokens != 1 {
		t.Fatalf("server saw %d token requests (want 1) and problems %v", api.tokens, api.bad)
	}
	lines := e.outputLines()
	var events []map[string]any
	for _, l := range lines {
		events = append(events, checkFields(t, l))
	}
	ws := func(i int) string { return start.Add(time.Duration(i) * time.Hour).Format(contractLayout) }
	want := []map[string]any{
		{"eventType": "ser.applicationUser", "eventId": contractID("acme", ws(0), "Salesforce", "sf-prod-notifications", "bounces@example.com", "example.com"),
			"revision": 0.0, "windowStart": ws(0), "windowEnd": ws(1), "applicationName": "Salesforce", "success": 1200.0, "failure": 3.0,
			"tempFailure": 2.0, "inProgress": 1.0, "total": 1206.0, "recipientsTotal": 1450.0, "messageSizeTotal": 48213311.0,
			"deliveredSizeTotal": 48100222.0, "dsn2xx": 1200.0, "dsn4xx": 2.0, "dsn5xx": 3.0, "annualThroughput": 1099511627776.0,
			"licenseStart": "2026-01-01T00:00:00.000Z", "licenseEnd": "2027-01-01T00:00:00.000Z"},
		{"eventType": "ser.window", "eventId": contractID("acme", ws(0), "ser.window"), "records": 1.0, "success": 1200.0, "total": 1206.0},
		{"eventType": "ser.applicationUser", "eventId": contractID("acme", ws(1), "Workday", "wd-alerts", "example.org", "hr@example.org"),
			"success": 10.0, "total": 10.0, "recipientsTotal": 12.0, "dsn2xx": 10.0, "messageSizeTotal": 0.0, "annualThroughput": 1099511627776.0,
			"region": "eu", "limits_perHour": 500.0},
		{"eventType": "ser.window", "windowStart": ws(1), "records": 1.0, "success": 10.0},
		{"eventType": "ser.window", "windowStart": ws(2), "records": 0.0, "total": 0.0},
		{"eventType": "ser.window", "windowStart": ws(3), "records": 0.0, "licenseStart": ""},
		{"eventType": "ser.window", "windowStart": ws(4), "records": 0.0},
	}
	if len(events) != len(want) {
		t.Fatalf("got %d events, want %d:\n%s", len(events), len(want), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		for k, v := range w {
			if got := events[i][k]; got != v {
				t.Errorf("event %d %s: got %v (%T), want %v", i, k, got, got, v)
			}
		}
	}
	for _, k := range []string{"fromEnvelope", "fromHeader"} {
		b, _ := json.Marshal(events[2][k])
		if string(b) != `["`+map[string]string{"fromEnvelope": "example.org", "fromHeader": "hr@example.org"}[k]+`"]` {
			t.Errorf("a bare string %s must become a one-item list, got %s", k, b)
		}
	}
}
