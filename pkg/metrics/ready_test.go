// Tests of /healthz and /readyz: readiness follows SetReady and stuck inputs.

package metrics_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/metrics"
	"github.com/serfwd/serfwd/pkg/serapi"
)

func TestReadyz(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(m *metrics.Metrics, c *clock)
		wantCode int
		wantBody []string // substrings, one per expected line
	}{
		{"state not open", func(*metrics.Metrics, *clock) {}, 503, []string{"state file not open"}},
		{"ready", func(m *metrics.Metrics, _ *clock) { m.SetReady(true) }, 200, []string{"ready"}},
		{"ready then closed", func(m *metrics.Metrics, _ *clock) { m.SetReady(true); m.SetReady(false) },
			503, []string{"state file not open"}},
		{"within three intervals", func(m *metrics.Metrics, c *clock) {
			m.SetReady(true)
			m.SetInterval("eu", time.Minute)
			c.Add(3 * time.Minute)
		}, 200, []string{"ready"}},
		{"stuck input", func(m *metrics.Metrics, c *clock) {
			m.SetReady(true)
			m.SetInterval("eu", time.Minute)
			m.SetInterval("us", time.Hour)
			c.Add(3*time.Minute + time.Second)
		}, 503, []string{`input "eu" stuck: no completed poll for 3m1s (interval 1m0s)`}},
		{"poll done unsticks", func(m *metrics.Metrics, c *clock) {
			m.SetReady(true)
			m.SetInterval("eu", time.Minute)
			c.Add(10 * time.Minute)
			m.PollDone("eu")
			c.Add(2 * time.Minute)
		}, 200, []string{"ready"}},
		{"committed window is progress", func(m *metrics.Metrics, c *clock) {
			m.SetReady(true)
			m.SetInterval("eu", time.Minute)
			c.Add(10 * time.Minute)
			m.Committed("eu", serapi.Window{Start: t0, End: t0.Add(time.Minute)}, 1, true)
		}, 200, []string{"ready"}},
		{"stuck since last pass", func(m *metrics.Metrics, c *clock) {
			m.SetInterval("eu", time.Minute)
			m.PollDone("eu")
			c.Add(5 * time.Minute)
		}, 503, []string{"state file not open", `input "eu" stuck`}},
		{"zero interval never stuck", func(m *metrics.Metrics, c *clock) {
			m.SetReady(true)
			m.SetInterval("eu", 0)
			c.Add(24 * time.Hour)
		}, 200, []string{"ready"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{t: t0}
			m := metrics.New([]string{"eu", "us"}, nil, metrics.WithClock(c.Now))
			tt.setup(m, c)
			code, body := get(t, m.Handler(), "/readyz")
			if code != tt.wantCode {
				t.Errorf("status %d, want %d; body %q", code, tt.wantCode, body)
			}
			lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
			if len(lines) != len(tt.wantBody) {
				t.Fatalf("body %q: %d lines, want %d", body, len(lines), len(tt.wantBody))
			}
			for i, w := range tt.wantBody {
				if !strings.Contains(lines[i], w) {
					t.Errorf("line %d = %q, want it to contain %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestHealthzWhileRunning(t *testing.T) {
	m := metrics.New(nil, nil) // not ready: health is about the process only
	if code, body := get(t, m.Handler(), "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz = %d %q, want 200 ok", code, body)
	}
}
