// The splunk_hec kind's configuration: defaults, Validate with paths
// relative to the sink, the description and the batch limits.

package hec

import (
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

func TestConfigValidate(t *testing.T) {
	valid := func() Config {
		c := DefaultConfig()
		c.URL, c.Token = "https://splunk.example.com:8088", "hec-token-value"
		return c
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // exact problems; nil = valid
	}{
		{"defaults with url and token", func(*Config) {}, nil},
		{"http is allowed", func(c *Config) { c.URL = "http://127.0.0.1:8088" }, nil},
		{"no url, no token", func(c *Config) { c.URL, c.Token = "", "" }, []string{"url: required", "token: required (or token_file)"}},
		{"endpoint path given", func(c *Config) { c.URL += "/services/collector/event" }, []string{"url: give the base URL: /services/collector/event is added"}},
		{"ftp", func(c *Config) { c.URL = "ftp://splunk:21" }, []string{"url: the scheme must be http or https"}},
		{"query", func(c *Config) { c.URL += "/?a=b" }, []string{"url: must not have a query or fragment"}},
		{"fragment", func(c *Config) { c.URL += "#frag" }, []string{"url: must not have a query or fragment"}},
		{"user and password", func(c *Config) { c.URL = "https://user:url-pw@splunk.example.com:8088" },
			[]string{"url: must not carry user:password; the HEC token goes in token (or token_file)"}},
		{"user alone", func(c *Config) { c.URL = "https://user@splunk.example.com:8088" },
			[]string{"url: must not carry user:password; the HEC token goes in token (or token_file)"}},
		{"batch limits", func(c *Config) { c.BatchMaxEvents, c.BatchMaxBytes, c.BatchTimeout = 0, 0, 0 },
			[]string{"batch_max_events: must be at least 1 (got 0)", "batch_max_bytes: must be greater than 0", "batch_timeout: must be greater than 0 (got 0s)"}},
		{"compression", func(c *Config) { c.Compression = "zip" }, []string{`compression: "zip" is not one of gzip, none; did you mean gzip?`}},
		{"ack timeout", func(c *Config) { c.AckTimeout = -time.Second }, []string{"ack_timeout: must be greater than 0 (got -1s)"}},
		{"metric format", func(c *Config) { c.Format = "metric" }, nil},
		{"format misspelt", func(c *Config) { c.Format = "metrics" }, []string{`format: "metrics" is not one of event, metric; did you mean metric?`}},
		{"format empty", func(c *Config) { c.Format = "" }, []string{"format: required (one of event, metric)"}},
		{"client certificate", func(c *Config) { c.TLS.CertFile, c.TLS.KeyFile = "/c", "/k" }, []string{
			"tls.cert_file: not supported here (no client certificate is presented to this server)",
			"tls.key_file: not supported here (no client certificate is presented to this server)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			sinktest.CheckProblems(t, c.Validate(), tt.want, "hec-token-value", "url-pw")
		})
	}
}

func TestConfigDescribesAndLimits(t *testing.T) {
	c := DefaultConfig()
	c.URL = "https://user:url-pw@splunk.example.com:8088"
	d := c.Describe()
	if d.Target != "https://splunk.example.com:8088" || d.Check != "health ok, token accepted" {
		t.Errorf("Describe() = %+v", d)
	}
	for _, tt := range []struct{ events, want int }{{500, 2000}, {100, 1000}, {1000, 4000}} {
		c.BatchMaxEvents = tt.events
		if l := c.Limits(); l.MaxEvents != tt.want || l.BatchTimeout != time.Second {
			t.Errorf("batch_max_events %d: Limits() = %+v, want %d events and the batch_timeout", tt.events, l, tt.want)
		}
	}
}

func TestNewRefusesAnInvalidConfig(t *testing.T) {
	if _, err := New(sink.Settings{Name: "splunk"}, DefaultConfig()); err == nil || !strings.Contains(err.Error(), "url: required") {
		t.Errorf("New = %v, want the problems", err)
	}
}

// TestResolveSourcetypeAndSource: the sourcetype follows the format unless
// set; an empty source is the default.
func TestResolveSourcetypeAndSource(t *testing.T) {
	for _, tc := range []struct {
		format, sourcetype, source string
		wantType, wantSource       string
	}{
		{"event", "", "serfwd:<input>", "proofpoint:ser:summary", "serfwd:<input>"},
		{"metric", "", "serfwd:<input>", "proofpoint:ser:metrics", "serfwd:<input>"},
		{"metric", "proofpoint:ser:summary", "", "proofpoint:ser:summary", "serfwd:<input>"},
		{"event", "custom", "proofpoint", "custom", "proofpoint"},
	} {
		c := DefaultConfig()
		c.Format, c.Sourcetype, c.Source = tc.format, tc.sourcetype, tc.source
		o := resolve(c, "loghost")
		if o.sourcetype != tc.wantType || o.source != tc.wantSource || o.metric != (tc.format == "metric") {
			t.Errorf("format %q sourcetype %q source %q: resolved to sourcetype %q source %q metric %t",
				tc.format, tc.sourcetype, tc.source, o.sourcetype, o.source, o.metric)
		}
	}
}

// The defaults lack only what a user must give (agent's table test checks
// that every kind's defaults fail only with "required").
func TestDefaultConfigLacksOnlyTheRequiredKeys(t *testing.T) {
	sinktest.CheckProblems(t, DefaultConfig().Validate(), []string{"url: required", "token: required (or token_file)"})
}
