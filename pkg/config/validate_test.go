// Validate on configs built in code: every check of the top level and
// inputs, and sinks validated through their kinds' Validate with paths.

package config_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink/file"
	"github.com/serfwd/serfwd/pkg/sink/hec"
	"github.com/serfwd/serfwd/pkg/sink/syslog"
)

// validConfig builds a valid config from the default constructors.
func validConfig() *config.Config {
	cfg := config.Default()
	in := config.DefaultInput()
	in.Name, in.ClientID, in.ClientSecret = "acme", "id", "secret-value /+&=%41$"
	in.Sinks = []string{"splunk", "qradar", "archive"}
	h, sl, f := hec.DefaultConfig(), syslog.DefaultConfig(), file.DefaultConfig()
	h.URL, h.Token = "https://splunk.example.com:8088", "hec-token-value /+&=%2F$"
	sl.Address = "qradar.example.com:6514"
	f.Path = "/var/log/serfwd/x.ndjson"
	cfg.Inputs = []config.Input{in}
	cfg.Sinks = []config.Sink{
		{Name: "splunk", Type: hec.Type, Config: h},
		{Name: "qradar", Type: syslog.Type, Config: sl},
		{Name: "archive", Type: file.Type, Config: f},
	}
	return &cfg
}

// edit changes the settings of sink s, of the kind's Config type T.
func edit[T config.SinkConfig](s *config.Sink, change func(*T)) {
	c := s.Config.(T)
	change(&c)
	s.Config = c
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *config.Config)
		want   []string // exact problem lines; nil = valid
	}{
		{"valid", func(*config.Config) {}, nil},
		{"syslog limit 0 means the default", func(c *config.Config) { edit(&c.Sinks[1], func(sl *syslog.Config) { sl.MaxMessageBytes = 0 }) }, nil},
		{"window divides 24h", func(c *config.Config) { c.Inputs[0].Window, c.Inputs[0].Lookback = 90*time.Second, time.Hour }, nil},
		{"window 24h", func(c *config.Config) { c.Inputs[0].Window, c.Inputs[0].Lookback = 24*time.Hour, 24*time.Hour }, nil},
		{"empty input sinks mean every sink", func(c *config.Config) { c.Inputs[0].Sinks = nil }, nil},
		{"metrics on every interface", func(c *config.Config) { c.Metrics.Listen = ":9464" }, nil},
		{"window 7m", func(c *config.Config) { c.Inputs[0].Window = 7 * time.Minute },
			[]string{"inputs[0].window: 7m does not divide 24h evenly, so windows could not align to UTC days (use e.g. 5m, 15m, 30m, 1h, 2h, 3h, 4h, 6h, 12h or 24h)"}},
		{"window 5h", func(c *config.Config) { c.Inputs[0].Window, c.Inputs[0].Lookback = 5*time.Hour, 5*time.Hour },
			[]string{"inputs[0].window: 5h does not divide 24h evenly, so windows could not align to UTC days (use e.g. 5m, 15m, 30m, 1h, 2h, 3h, 4h, 6h, 12h or 24h)"}},
		{"window 0", func(c *config.Config) { c.Inputs[0].Window = 0 }, []string{"inputs[0].window: must be at least 1m (got 0s)"}},
		{"lookback below window", func(c *config.Config) { c.Inputs[0].Lookback = 30 * time.Minute },
			[]string{"inputs[0].lookback: must be at least the window (1h), got 30m"}},
		{"delay 0 is fine, negative is not", func(c *config.Config) { c.Inputs[0].Delay = -time.Second },
			[]string{"inputs[0].delay: must not be negative (got -1s)"}},
		{"concurrency 0", func(c *config.Config) { c.Inputs[0].Concurrency = 0 }, []string{"inputs[0].concurrency: must be from 1 to 64 (got 0)"}},
		{"rate limit zero", func(c *config.Config) { c.Inputs[0].RateLimit = config.RateLimit{} },
			[]string{"inputs[0].rate_limit: must allow at least 1 request (got 0)", "inputs[0].rate_limit: the period must be at least 1s (got 0s)"}},
		{"no secret", func(c *config.Config) { c.Inputs[0].ClientSecret = "" }, []string{"inputs[0].client_secret: required (or client_secret_file)"}},
		{"url without host", func(c *config.Config) { c.Inputs[0].APIURL = "https:///v1" }, []string{"inputs[0].api_url: the URL has no host"}},
		{"routing", func(c *config.Config) { c.Inputs[0].Sinks = []string{"splunk", "nope"} }, []string{`inputs[0].sinks[1]: no sink named "nope"`}},
		{"no inputs, no sinks", func(c *config.Config) { c.Inputs, c.Sinks = nil, nil },
			[]string{"inputs: at least one input is required", "sinks: at least one sink is required"}},
		{"duplicate sink", func(c *config.Config) { c.Sinks[2].Name = "splunk" }, []string{`inputs[0].sinks[2]: no sink named "archive"`, `sinks[2].name: "splunk" is already the name of sinks[0]`}},
		{"unsafe name", func(c *config.Config) { c.Sinks[2].Name = "a/b" },
			[]string{`inputs[0].sinks[2]: no sink named "archive"`, `sinks[2].name: "a/b" may hold only letters, digits, '-', '_' and '.', and must start with a letter or digit`}},
		{"dot name", func(c *config.Config) { c.Inputs[0].Name = ".." },
			[]string{`inputs[0].name: ".." may hold only letters, digits, '-', '_' and '.', and must start with a letter or digit`}},
		{"long name", func(c *config.Config) { c.Inputs[0].Name = strings.Repeat("a", 65) }, []string{"inputs[0].name: longer than 64 characters"}},
		{"hec without token", func(c *config.Config) { edit(&c.Sinks[0], func(h *hec.Config) { h.Token = "" }) }, []string{"sinks[0].token: required (or token_file)"}},
		{"hec http is allowed", func(c *config.Config) { edit(&c.Sinks[0], func(h *hec.Config) { h.URL = "http://127.0.0.1:8088" }) }, nil},
		{"hec client cert", func(c *config.Config) { edit(&c.Sinks[0], func(h *hec.Config) { h.TLS.CertFile = "/c" }) },
			[]string{"sinks[0].tls.cert_file: not supported here (no client certificate is presented to this server)"}},
		{"syslog mutual tls", func(c *config.Config) {
			edit(&c.Sinks[1], func(sl *syslog.Config) { sl.TLS.CertFile, sl.TLS.KeyFile = "/c", "/k" })
		}, nil},
		{"syslog udp 65000", func(c *config.Config) {
			edit(&c.Sinks[1], func(sl *syslog.Config) { sl.Network, sl.MaxMessageBytes = "udp", 65000 })
		}, nil},
		{"syslog tcp large", func(c *config.Config) {
			edit(&c.Sinks[1], func(sl *syslog.Config) { sl.Network, sl.MaxMessageBytes = "tcp", 100000 })
		}, nil},
		{"syslog app_name 49", func(c *config.Config) {
			edit(&c.Sinks[1], func(sl *syslog.Config) { sl.AppName = strings.Repeat("x", 49) })
		},
			[]string{"sinks[1].app_name: longer than 48 characters"}},
		{"syslog ipv6 address", func(c *config.Config) { edit(&c.Sinks[1], func(sl *syslog.Config) { sl.Address = "[::1]:514" }) }, nil},
		{"file without path", func(c *config.Config) { edit(&c.Sinks[2], func(f *file.Config) { f.Path = "" }) }, []string{"sinks[2].path: required"}},
		{"sink type without settings", func(c *config.Config) { c.Sinks[2].Config = nil }, []string{`sinks[2].type: no settings for sink type "file"`}},
		{"unknown sink type", func(c *config.Config) { c.Sinks[2].Type, c.Sinks[2].Config = "kafka", nil },
			[]string{`sinks[2].type: no settings for sink type "kafka"`}},
		{"sink without type", func(c *config.Config) { c.Sinks[2].Type = "" }, []string{"sinks[2].type: required"}},
		{"misspelt route", func(c *config.Config) { c.Inputs[0].Sinks = []string{"splunk", "qradr"} },
			[]string{`inputs[0].sinks[1]: no sink named "qradr"; did you mean qradar?`}},
		{"misspelt enum", func(c *config.Config) { c.Log.Format = "jsno" },
			[]string{`log.format: "jsno" is not one of json, console; did you mean json?`}},
		{"shutdown", func(c *config.Config) { c.ShutdownTimeout = -time.Second }, []string{"shutdown_timeout: must be greater than 0 (got -1s)"}},
		{"metrics port", func(c *config.Config) { c.Metrics.Listen = "127.0.0.1:http" },
			[]string{`metrics.listen: "127.0.0.1:http": the port must be a number from 0 (any free port) to 65535`}},
		{"metrics port 0", func(c *config.Config) { c.Metrics.Listen = "127.0.0.1:0" }, nil},
		{"metrics every address", func(c *config.Config) { c.Metrics.Listen = ":9464" }, nil},
		{"metrics ipv6", func(c *config.Config) { c.Metrics.Listen = "[::1]:9464" }, nil},
		{"metrics localhost", func(c *config.Config) { c.Metrics.Listen = "localhost:9464" }, nil},
		{"metrics host name", func(c *config.Config) { c.Metrics.Listen = "nosuchhost.invalid:9464" },
			[]string{`metrics.listen: "nosuchhost.invalid:9464": the host must be an IP address of this host, localhost, or empty for every address (not a name to look up)`}},
		{"queue exactly 1MiB", func(c *config.Config) { c.Queue.MaxBytesPerSink = 1 << 20 }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig()
			tt.change(cfg)
			err := cfg.Validate()
			var got []string
			if err != nil {
				var ps config.Problems
				if !errors.As(err, &ps) {
					t.Fatalf("not Problems: %v", err)
				}
				for _, p := range ps {
					got = append(got, p.Error())
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), "secret-value") || strings.Contains(err.Error(), "hec-token-value")) {
				t.Errorf("a secret leaked: %v", err)
			}
		})
	}
}

func TestValidateParts(t *testing.T) {
	in := config.DefaultInput()
	if err := in.Validate(); err == nil || !strings.Contains(err.Error(), "\nclient_id: required") {
		t.Errorf("Input.Validate() = %v, want relative paths", err)
	}
	s := config.Sink{Name: "s", Type: syslog.Type, Config: syslog.Config{}}
	if err := s.Validate(); err == nil || !strings.HasPrefix(err.Error(), "address: required") {
		t.Errorf("Sink.Validate() = %v", err)
	}
}
