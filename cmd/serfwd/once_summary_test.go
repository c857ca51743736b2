// End-to-end tests of the line `serfwd once` ends with for each sink: how
// many events it delivered, how many stay queued and how many were
// dead-lettered (naming the dead-letter file), agreeing with `checkpoint
// show`.

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
	"github.com/serfwd/serfwd/pkg/testnet"
)

// windowRejectingHEC accepts every event but ser.window ones, which it
// refuses as invalid data (400, code 6) by their number in the request, as
// Splunk does.
func windowRejectingHEC(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dec := json.NewDecoder(bufio.NewReader(r.Body))
		for n := 0; dec.More(); n++ {
			var env struct {
				Event struct {
					EventType string `json:"eventType"`
				} `json:"event"`
			}
			if err := dec.Decode(&env); err != nil || env.Event.EventType == event.TypeWindow {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"text":"Invalid data format","code":6,"invalid-event-number":%d}`, n)
				return
			}
		}
		io.WriteString(w, `{"text":"Success","code":0}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// onceLines returns the summary line of each sink from once's stderr.
func onceLines(stderr string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(stderr, "\n") {
		if rest, ok := strings.CutPrefix(line, `serfwd once: sink "`); ok {
			name, _, _ := strings.Cut(rest, `"`)
			out[name] = line
		}
	}
	return out
}

func TestE2EOnceEndsWithASummaryPerSink(t *testing.T) {
	hec := windowRejectingHEC(t)
	sinks := fmt.Sprintf("  - name: splunk\n    type: splunk_hec\n    url: %s\n    token: %q\n    compression: none\n", hec.URL, e2eHECToken)
	e := newE2E(t, sersim.Options{}, 3, "", sinks)
	all := e.expected(e.end)
	windows := 0
	for _, l := range all {
		if strings.Contains(l, `"eventType":"ser.window"`) {
			windows++
		}
	}
	code, _, stderr := e.run("once")
	if code != exitOK {
		t.Fatalf("once exited %d:\n%s", code, stderr)
	}
	got := onceLines(stderr)
	deadFile := filepath.Join(e.dir, "state", "deadletter-splunk.ndjson")
	want := map[string]string{
		"archive": fmt.Sprintf(`serfwd once: sink "archive": %d delivered, 0 still queued, 0 dead-lettered`, len(all)),
		"splunk": fmt.Sprintf(`serfwd once: sink "splunk": %d delivered, 0 still queued, %d dead-lettered (see %s)`,
			len(all)-windows, windows, deadFile),
	}
	for name, line := range want {
		if got[name] != line {
			t.Errorf("summary of %s:\n%s\nwant:\n%s\nstderr:\n%s", name, got[name], line, stderr)
		}
	}
	data, err := os.ReadFile(deadFile)
	if err != nil || strings.Count(string(data), "\n") != windows {
		t.Errorf("the dead-letter file holds %d lines (%v), want %d", strings.Count(string(data), "\n"), err, windows)
	}

	// A second run delivers nothing new: its counts are this run's.
	code, _, stderr = e.run("once")
	if line := onceLines(stderr)["archive"]; code != exitOK || line != `serfwd once: sink "archive": 0 delivered, 0 still queued, 0 dead-lettered` {
		t.Errorf("second once: exit %d, archive line %q", code, line)
	}
}

func TestE2EOnceSummaryCountsWhatStaysQueued(t *testing.T) {
	sinks := fmt.Sprintf("  - name: down\n    type: splunk_hec\n    url: http://%s\n    token: %q\n", testnet.RefusingAddr(t), e2eHECToken)
	e := newE2E(t, sersim.Options{}, 2, "", sinks)
	data, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.cfg, []byte(strings.Replace(string(data), "shutdown_timeout: 20s", "shutdown_timeout: 1s", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := e.run("once")
	want := fmt.Sprintf(`serfwd once: sink "down": 0 delivered, %d still queued (they stay in the state file for the next run), 0 dead-lettered`, len(e.expected(e.end)))
	if code != exitFailure || onceLines(stderr)["down"] != want {
		t.Fatalf("exit %d (want 1), summary of down:\n%s\nwant:\n%s\nstderr:\n%s", code, onceLines(stderr)["down"], want, stderr)
	}
	if v := opsShow(t, e); len(v.Sinks) == 0 {
		t.Fatal("checkpoint show lists no sink")
	} else {
		for _, s := range v.Sinks {
			if s.Name == "down" && s.Events != int64(len(e.expected(e.end))) {
				t.Errorf("checkpoint show: %d events queued for down, once said %d", s.Events, len(e.expected(e.end)))
			}
		}
	}
}
