// End to end with a HEC that goes down: nothing is lost, and the file sink is
// not held up by it.

package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

const e2eHECToken = "hec token/e2e+never&printed=%25$" // $, space, /, +, &, =, %

// hecReceiver is a small Splunk HEC for end-to-end tests: it decodes gzip
// bodies of concatenated envelopes and records each event's JSON, or
// refuses with 503 while refusing is set.
type hecReceiver struct {
	srv *httptest.Server

	mu       sync.Mutex
	refuse   bool
	refused  int
	events   []string // the "event" objects, re-encoded compactly
	first    time.Time
	badToken int
}

func newHECReceiver(t *testing.T) *hecReceiver {
	h := &hecReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hecReceiver) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Splunk "+e2eHECToken {
		h.mu.Lock()
		h.badToken++
		h.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"text":"Invalid authorization","code":3}`)
		return
	}
	h.mu.Lock()
	refuse := h.refuse
	if refuse {
		h.refused++
	}
	h.mu.Unlock()
	if refuse {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"text":"Server is busy","code":9}`)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, `{"text":"bad gzip","code":6}`, http.StatusBadRequest)
			return
		}
		body = zr
	}
	dec := json.NewDecoder(bufio.NewReader(body))
	var got []string
	for dec.More() {
		var env struct {
			Time       json.Number     `json:"time"`
			Source     string          `json:"source"`
			Sourcetype string          `json:"sourcetype"`
			Event      json.RawMessage `json:"event"`
		}
		var ev struct {
			Input string `json:"input"`
		}
		err := dec.Decode(&env)
		if err == nil {
			err = json.Unmarshal(env.Event, &ev)
		}
		// The default source names the event's input (SPEC §3).
		if err != nil || env.Sourcetype != "proofpoint:ser:summary" || env.Time == "" || env.Source != "serfwd:"+ev.Input {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"text":"Invalid data format","code":6,"invalid-event-number":%d}`, len(got))
			return
		}
		got = append(got, string(env.Event))
	}
	h.mu.Lock()
	if h.first.IsZero() && len(got) > 0 {
		h.first = time.Now()
	}
	h.events = append(h.events, got...)
	h.mu.Unlock()
	io.WriteString(w, `{"text":"Success","code":0}`)
}

func (h *hecReceiver) setRefuse(v bool) {
	h.mu.Lock()
	h.refuse = v
	h.mu.Unlock()
}

func (h *hecReceiver) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.events...)
}

func hecSinkYAML(url string) string {
	return fmt.Sprintf(`  - name: splunk
    type: splunk_hec
    url: %s
    token: %q
    batch_max_events: 50
    batch_timeout: 100ms
`, url, e2eHECToken)
}

// TestE2EHECOutageLosesNothingAndDoesNotDelayFile runs the daemon with a
// file and a HEC sink while HEC refuses service; the file gets every event
// during the outage; when HEC recovers it gets every event too.
func TestE2EHECOutageLosesNothingAndDoesNotDelayFile(t *testing.T) {
	hec := newHECReceiver(t)
	hec.setRefuse(true)
	e := newE2E(t, sersim.Options{RecordsPerWindow: 20}, 12, "", hecSinkYAML(hec.srv.URL))
	daemon := exec.Command(serfwdBin, "run", "--config", e.cfg)
	var stderr strings.Builder
	daemon.Stderr = &stderr
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer daemon.Process.Kill()

	want := e.expected(e.end)
	// The file sink delivers everything while HEC is down.
	waitFor(t, 30*time.Second, func() bool {
		_, err := os.Stat(e.out)
		return err == nil && len(e.outputLines()) >= len(want)
	})
	if n := len(hec.received()); n != 0 {
		t.Fatalf("HEC received %d events while refusing", n)
	}
	hec.mu.Lock()
	refused := hec.refused
	hec.mu.Unlock()
	if refused == 0 {
		t.Fatal("HEC was never asked during the outage")
	}
	hec.setRefuse(false)
	waitFor(t, 60*time.Second, func() bool { return len(hec.received()) >= len(want) })
	daemon.Process.Signal(syscall.SIGTERM)
	if err := daemon.Wait(); err != nil {
		t.Fatalf("daemon after SIGTERM: %v\n%s", err, stderr.String())
	}
	e.noSecret(stderr.String())
	if strings.Contains(stderr.String(), e2eHECToken) {
		t.Fatal("the HEC token appears in the daemon's log")
	}
	checkSameEvents(t, "HEC", hec.received(), want)
	checkSameEvents(t, "file", e.outputLines(), want)
}

// checkSameEvents fails unless got holds every line of want, none twice and
// nothing else (compared as parsed JSON, since HEC re-encodes).
func checkSameEvents(t *testing.T, where string, got, want []string) {
	t.Helper()
	count := map[string]int{}
	for _, g := range got {
		count[normJSON(t, g)]++
	}
	for _, w := range want {
		k := normJSON(t, w)
		if count[k] == 0 {
			t.Fatalf("%s: missing event %s", where, w)
		}
		count[k]--
	}
	for k, n := range count {
		if n > 0 {
			t.Fatalf("%s: %d unexpected or duplicate events, e.g. %s", where, n, k)
		}
	}
}
