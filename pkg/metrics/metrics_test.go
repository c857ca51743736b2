// Tests of the series: present at zero from New and moved by the observers.

package metrics_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/metrics"
	"github.com/serfwd/serfwd/pkg/serapi"
)

type series struct {
	name   string
	labels map[string]string
}

func in(name string) map[string]string { return map[string]string{"input": name} }
func sk(name string) map[string]string { return map[string]string{"sink": name} }

func TestEverySeriesAtZeroFromStart(t *testing.T) {
	m := metrics.New([]string{"eu", "us"}, []string{"splunk", "qradar"}, metrics.WithVersion("1.2.3"), metrics.WithTruncating("qradar"))
	fams := scrape(t, m)
	var want []series
	for _, i := range []string{"eu", "us"} {
		want = append(want, series{"serfwd_api_requests_total", map[string]string{"input": i, "code": "200"}})
		for _, n := range []string{"api_request_duration_seconds", "windows_total", "events_total",
			"checkpoint_timestamp_seconds", "lag_seconds", "last_success_timestamp_seconds", "token_refreshes_total"} {
			want = append(want, series{"serfwd_" + n, in(i)})
		}
	}
	for _, s := range []string{"splunk", "qradar"} {
		for _, n := range []string{"sink_sent_total", "sink_failures_total", "sink_queue_events",
			"sink_queue_bytes", "deadletter_total", "sink_config_problem"} {
			want = append(want, series{"serfwd_" + n, sk(s)})
		}
	}
	// The truncation counter only for a sink that may truncate.
	want = append(want, series{"serfwd_syslog_truncated_total", sk("qradar")})
	if _, ok := value(fams, "serfwd_syslog_truncated_total", sk("splunk")); ok {
		t.Error("serfwd_syslog_truncated_total{sink=splunk} exists for a sink that never truncates")
	}
	for _, s := range want {
		v, ok := value(fams, s.name, s.labels)
		if !ok {
			t.Errorf("missing %s%v", s.name, s.labels)
		} else if v != 0 {
			t.Errorf("%s%v = %v, want 0", s.name, s.labels, v)
		}
		if fams[s.name].GetHelp() == "" {
			t.Errorf("%s has no help", s.name)
		}
	}
	info := map[string]string{"version": "1.2.3", "goversion": runtime.Version()}
	if v, ok := value(fams, "serfwd_build_info", info); !ok || v != 1 {
		t.Errorf("serfwd_build_info%v = %v, %v; want 1", info, v, ok)
	}
	for _, n := range []string{"go_goroutines", "process_start_time_seconds"} {
		if fams[n] == nil {
			t.Errorf("missing %s", n)
		}
	}
}

func TestObserversMoveSeries(t *testing.T) {
	w := serapi.Window{Start: t0, End: t0.Add(5 * time.Minute)}
	tests := []struct {
		name string
		act  func(m *metrics.Metrics)
		want series
		val  float64
	}{
		{"request 200", func(m *metrics.Metrics) { m.Input("eu").Request(200, time.Second) },
			series{"serfwd_api_requests_total", map[string]string{"input": "eu", "code": "200"}}, 1},
		{"request 429", func(m *metrics.Metrics) { m.Input("eu").Request(429, time.Second) },
			series{"serfwd_api_requests_total", map[string]string{"input": "eu", "code": "429"}}, 1},
		{"network error", func(m *metrics.Metrics) { m.Input("eu").Request(0, time.Second) },
			series{"serfwd_api_requests_total", map[string]string{"input": "eu", "code": "0"}}, 1},
		{"duration", func(m *metrics.Metrics) {
			o := m.Input("eu")
			o.Request(200, time.Second)
			o.Request(500, 2*time.Second)
		},
			series{"serfwd_api_request_duration_seconds", in("eu")}, 2},
		{"token refresh", func(m *metrics.Metrics) { m.Input("eu").TokenRefresh() },
			series{"serfwd_token_refreshes_total", in("eu")}, 1},
		{"windows", func(m *metrics.Metrics) { m.Committed("eu", w, 7, true); m.Committed("eu", w, 0, false) },
			series{"serfwd_windows_total", in("eu")}, 2},
		{"events", func(m *metrics.Metrics) { m.Committed("eu", w, 7, true); m.Committed("eu", w, 3, false) },
			series{"serfwd_events_total", in("eu")}, 10},
		{"checkpoint", func(m *metrics.Metrics) { m.Committed("eu", w, 7, true) },
			series{"serfwd_checkpoint_timestamp_seconds", in("eu")}, float64(w.End.Unix())},
		{"checkpoint unmoved", func(m *metrics.Metrics) { m.Committed("eu", w, 7, false) },
			series{"serfwd_checkpoint_timestamp_seconds", in("eu")}, 0},
		{"sent", func(m *metrics.Metrics) { m.Sent("splunk", 5); m.Sent("splunk", 6) },
			series{"serfwd_sink_sent_total", sk("splunk")}, 11},
		{"failed", func(m *metrics.Metrics) { m.Failed("splunk", errors.New("503")) },
			series{"serfwd_sink_failures_total", sk("splunk")}, 1},
		{"queue events", func(m *metrics.Metrics) { m.QueueDepth("splunk", 40, 4096); m.QueueDepth("splunk", 12, 1024) },
			series{"serfwd_sink_queue_events", sk("splunk")}, 12},
		{"queue bytes", func(m *metrics.Metrics) { m.QueueDepth("splunk", 12, 1024) },
			series{"serfwd_sink_queue_bytes", sk("splunk")}, 1024},
		{"dead letter", func(m *metrics.Metrics) { m.DeadLetter("splunk", 3) },
			series{"serfwd_deadletter_total", sk("splunk")}, 3},
		{"truncated", func(m *metrics.Metrics) { m.Truncated("qradar", 2) },
			series{"serfwd_syslog_truncated_total", sk("qradar")}, 2},
		{"config problem", func(m *metrics.Metrics) {
			m.ConfigProblem("splunk", errors.New("401"))
			m.Failed("splunk", errors.New("503"))
		},
			series{"serfwd_sink_config_problem", sk("splunk")}, 1},
		{"config problem cleared", func(m *metrics.Metrics) { m.ConfigProblem("splunk", errors.New("401")); m.Sent("splunk", 1) },
			series{"serfwd_sink_config_problem", sk("splunk")}, 0},
		{"negative ignored", func(m *metrics.Metrics) { m.DeadLetter("splunk", -1) },
			series{"serfwd_deadletter_total", sk("splunk")}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := metrics.New([]string{"eu"}, []string{"splunk", "qradar"})
			tt.act(m)
			got, ok := value(scrape(t, m), tt.want.name, tt.want.labels)
			if !ok || got != tt.val {
				t.Errorf("%s%v = %v (present %v), want %v", tt.want.name, tt.want.labels, got, ok, tt.val)
			}
		})
	}
}
