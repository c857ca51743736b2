// /metrics of a running daemon: every series from the start, and the figures
// moving as it works.

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// promSample is one line of the Prometheus text format.
type promSample struct {
	name   string
	labels map[string]string
	value  float64
}

// parseProm reads the text exposition format (no escapes in our labels).
func parseProm(t *testing.T, r io.Reader) []promSample {
	t.Helper()
	var out []promSample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		series, val, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("bad metrics line %q", line)
		}
		v, err := strconv.ParseFloat(strings.Fields(val)[0], 64)
		if err != nil {
			t.Fatalf("bad value in %q: %v", line, err)
		}
		s := promSample{name: series, labels: map[string]string{}, value: v}
		if name, labels, ok := strings.Cut(series, "{"); ok {
			s.name = name
			for _, kv := range strings.Split(strings.TrimSuffix(labels, "}"), ",") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					s.labels[k] = strings.Trim(v, `"`)
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// find returns the value of the sample with name and at least these labels.
func findSample(samples []promSample, name string, labels map[string]string) (float64, bool) {
	for _, s := range samples {
		if s.name != name {
			continue
		}
		match := true
		for k, v := range labels {
			if s.labels[k] != v {
				match = false
			}
		}
		if match {
			return s.value, true
		}
	}
	return 0, false
}

func httpGet(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func TestE2EMetricsDuringRun(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 4, "", "metrics: {listen: \"127.0.0.1:0\"}\n")
	daemon := exec.Command(serfwdBin, "run", "--config", e.cfg)
	stderr := &lockedBuffer{}
	daemon.Stderr = stderr
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer daemon.Process.Kill()
	// The port the system chose, as the start-up log line tells it.
	var listen string
	waitFor(t, 20*time.Second, func() bool { listen = loggedMetricsAddress(stderr.String()); return listen != "" })
	base := "http://" + listen
	waitFor(t, 20*time.Second, func() bool { code, _, _ := httpGet(base + "/readyz"); return code == http.StatusOK })
	if code, _, err := httpGet(base + "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz: %d %v", code, err)
	}
	in, sk := map[string]string{"input": "acme"}, map[string]string{"sink": "archive"}
	var samples []promSample
	waitFor(t, 20*time.Second, func() bool {
		code, body, err := httpGet(base + "/metrics")
		if err != nil || code != http.StatusOK {
			return false
		}
		samples = parseProm(t, strings.NewReader(body))
		w, _ := findSample(samples, "serfwd_windows_total", in)
		sent, _ := findSample(samples, "serfwd_sink_sent_total", sk)
		return w >= 4 && sent > 0
	})
	required := []struct {
		name   string
		labels map[string]string
	}{
		{"serfwd_api_requests_total", map[string]string{"input": "acme", "code": "200"}},
		{"serfwd_api_request_duration_seconds_count", in},
		{"serfwd_api_request_duration_seconds_bucket", in},
		{"serfwd_windows_total", in},
		{"serfwd_events_total", in},
		{"serfwd_checkpoint_timestamp_seconds", in},
		{"serfwd_lag_seconds", in},
		{"serfwd_token_refreshes_total", in},
		{"serfwd_sink_sent_total", sk},
		{"serfwd_sink_failures_total", sk},
		{"serfwd_sink_queue_events", sk},
		{"serfwd_sink_queue_bytes", sk},
		{"serfwd_deadletter_total", sk},
		{"go_goroutines", nil},
		{"process_resident_memory_bytes", nil},
	}
	for _, r := range required {
		if _, ok := findSample(samples, r.name, r.labels); !ok {
			t.Errorf("/metrics lacks %s%v", r.name, r.labels)
		}
	}
	if _, ok := findSample(samples, "serfwd_syslog_truncated_total", sk); ok {
		t.Error("/metrics has serfwd_syslog_truncated_total for a file sink, which never truncates")
	}
	for _, name := range []string{"serfwd_events_total", "serfwd_token_refreshes_total", "serfwd_api_request_duration_seconds_count"} {
		if v, _ := findSample(samples, name, in); v <= 0 {
			t.Errorf("%s{input=acme} = %v after the catch-up, want > 0", name, v)
		}
	}
	if v, _ := findSample(samples, "serfwd_checkpoint_timestamp_seconds", in); v < float64(e.start.Add(4*time.Hour).Unix()) {
		t.Errorf("serfwd_checkpoint_timestamp_seconds = %v, want the cursor after 4 windows (%d)", v, e.start.Add(4*time.Hour).Unix())
	}
	daemon.Process.Signal(syscall.SIGTERM)
	if err := daemon.Wait(); err != nil {
		log := stderr.String()
		t.Fatalf("daemon after SIGTERM: %v\n%s", err, log[max(0, len(log)-4000):])
	}
	e.noSecret(stderr.String())
}

// loggedMetricsAddress is the address of the "metrics endpoint listening"
// line of a JSON log, or "".
func loggedMetricsAddress(log string) string {
	for _, line := range strings.Split(log, "\n") {
		var m struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal([]byte(line), &m) == nil && m.Msg == "metrics endpoint listening" {
			return m.Addr
		}
	}
	return ""
}
