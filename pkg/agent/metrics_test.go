// The agent pre-creates a sink's per-kind series only when the sink's
// description says it has them: the truncation counter for syslog sinks.

package agent

import (
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink/file"
	"github.com/serfwd/serfwd/pkg/sink/hec"
	"github.com/serfwd/serfwd/pkg/sink/syslog"
)

func TestTruncationSeriesOnlyForSinksThatTruncate(t *testing.T) {
	cfg := &config.Config{Sinks: []config.Sink{
		{Name: "qradar", Type: syslog.Type, Config: syslog.DefaultConfig()},
		{Name: "splunk", Type: hec.Type, Config: hec.DefaultConfig()},
		{Name: "archive", Type: file.Type, Config: file.DefaultConfig()},
	}}
	fams, err := newMetrics(cfg, "test").Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range fams {
		if f.GetName() != "serfwd_syslog_truncated_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				got[l.GetValue()] = true
			}
		}
	}
	if !got["qradar"] || got["splunk"] || got["archive"] || len(got) != 1 {
		t.Errorf("serfwd_syslog_truncated_total for sinks %v, want only qradar", got)
	}
}
