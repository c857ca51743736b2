// The otlp kind's configuration: defaults, Validate with paths relative to
// the sink, decoding from YAML (headers with ${VAR}), the description and
// the batch limits.

package otlp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

const testHeaderSecret = "Bearer " + testToken

func TestConfigValidate(t *testing.T) {
	valid := func() Config {
		c := DefaultConfig()
		c.Endpoint = "https://collector.example.com:4318"
		c.Headers = map[string]config.Secret{"authorization": testHeaderSecret}
		return c
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // exact problems; nil = valid
	}{
		{"defaults with an endpoint", func(*Config) {}, nil},
		{"http and a path prefix", func(c *Config) { c.Endpoint = "http://127.0.0.1:4318/otlp/" }, nil},
		{"client certificate", func(c *Config) { c.TLS.CertFile, c.TLS.KeyFile = "/c.pem", "/k.pem" }, nil},
		{"no endpoint", func(c *Config) { c.Endpoint = "" }, []string{"endpoint: required"}},
		{"logs path given", func(c *Config) { c.Endpoint += "/v1/logs" }, []string{"endpoint: give the base URL: /v1/logs is added"}},
		{"grpc scheme", func(c *Config) { c.Endpoint = "grpc://collector:4317" }, []string{"endpoint: the scheme must be http or https"}},
		{"credentials in the URL", func(c *Config) { c.Endpoint = "https://u:pw@collector:4318" },
			[]string{"endpoint: must not carry user:password; send credentials in headers (e.g. authorization)"}},
		{"query", func(c *Config) { c.Endpoint += "/?token=x" }, []string{"endpoint: must not have a query or fragment"}},
		{"enums", func(c *Config) { c.Encoding, c.Compression = "protobuff", "zstd" }, []string{
			`encoding: "protobuff" is not one of protobuf, json; did you mean protobuf?`,
			`compression: "zstd" is not one of gzip, none`}},
		{"batch limits", func(c *Config) { c.BatchMaxEvents, c.BatchMaxBytes, c.BatchTimeout = 0, 0, -time.Second }, []string{
			"batch_max_events: must be at least 1 (got 0)", "batch_max_bytes: must be greater than 0",
			"batch_timeout: must be greater than 0 (got -1s)"}},
		{"headers", func(c *Config) {
			c.Headers = map[string]config.Secret{"content-type": "text/plain", "bad name": "x", "x-empty": " ",
				"x-split": testHeaderSecret + "\r\nX-Other: 1", "X-Scope-OrgID": "tenant-1"}
		}, []string{
			`headers: "bad name" is not a valid HTTP header name`,
			"headers.content-type: set by serfwd itself; remove it",
			"headers.x-empty: the value is empty",
			"headers.x-split: the value must not hold a line break or NUL"}},
		{"half a client certificate", func(c *Config) { c.TLS.KeyFile = "/k.pem" },
			[]string{"tls: cert_file and key_file go together: set both or neither"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			sinktest.CheckProblems(t, c.Validate(), tt.want, "otlp-t0ken")
		})
	}
}

// TestConfigLoads decodes a sink from YAML through the table of kinds:
// headers with ${VAR}, defaults for what is left out, and paths under
// sinks[N] for problems.
func TestConfigLoads(t *testing.T) {
	kinds, err := sink.NewRegistry(Kind())
	if err != nil {
		t.Fatal(err)
	}
	env := func(name string) (string, bool) {
		return map[string]string{"OTLP_TOKEN": testToken}[name], name == "OTLP_TOKEN"
	}
	load := func(sinkYAML string) (*config.Config, error) {
		path := filepath.Join(t.TempDir(), "serfwd.yaml")
		text := "inputs: [{name: acme, client_id: i, client_secret: \"${OTLP_TOKEN}\"}]\nsinks:\n" + sinkYAML
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return config.LoadAndValidate(path, config.WithSinkKinds(kinds), config.WithLookupEnv(env))
	}
	cfg, err := load("  - {name: collector, type: otlp, endpoint: \"https://c:4318\", headers: {authorization: \"Bearer ${OTLP_TOKEN}\"}, encoding: json}\n")
	if err != nil {
		t.Fatal(err)
	}
	c, ok := cfg.Sinks[0].Config.(Config)
	if !ok {
		t.Fatalf("settings %T", cfg.Sinks[0].Config)
	}
	want := DefaultConfig()
	want.Endpoint, want.Encoding, want.Headers = "https://c:4318", "json", map[string]config.Secret{"authorization": testHeaderSecret}
	if c.Endpoint != want.Endpoint || c.Encoding != want.Encoding || c.Compression != "gzip" || c.BatchMaxEvents != 500 ||
		c.BatchMaxBytes != 1<<20 || c.BatchTimeout != time.Second || len(c.Headers) != 1 || c.Headers["authorization"] != testHeaderSecret {
		t.Errorf("decoded %+v\nwant %+v", c, want)
	}
	_, err = load("  - {name: collector, type: otlp, endpoint: \"https://c:4318/v1/logs\", headers: {host: x}, encodng: json}\n")
	wantErr := "sinks[0].encodng: unknown key; did you mean encoding?\n" +
		"sinks[0].endpoint: give the base URL: /v1/logs is added\nsinks[0].headers.host: set by serfwd itself; remove it"
	if err == nil || err.Error() != wantErr {
		t.Errorf("problems:\n%v\nwant\n%s", err, wantErr)
	}
}

func TestConfigDescribesAndLimits(t *testing.T) {
	c := DefaultConfig()
	c.Endpoint = "https://collector.example.com:4318/otlp/"
	if d := c.Describe(); d.Target != "https://collector.example.com:4318/otlp/v1/logs" || d.Check != "empty export accepted" {
		t.Errorf("Describe() = %+v", d)
	}
	c.BatchMaxEvents, c.BatchTimeout = 123, 2*time.Second
	if l := c.Limits(); l.MaxEvents != 123 || l.BatchTimeout != 2*time.Second {
		t.Errorf("Limits() = %+v, want one request's worth and the batch_timeout", l)
	}
}

func TestNewRefusesAnInvalidConfig(t *testing.T) {
	if _, err := New(sink.Settings{Name: "collector"}, DefaultConfig()); err == nil || !strings.Contains(err.Error(), "endpoint: required") {
		t.Errorf("New = %v, want the problems", err)
	}
}

// The defaults lack only what a user must give (agent's table test checks
// that every kind's defaults fail only with "required").
func TestDefaultConfigLacksOnlyTheRequiredKeys(t *testing.T) {
	sinktest.CheckProblems(t, DefaultConfig().Validate(), []string{"endpoint: required"})
}
