// A sink kind of the shape Kafka and OTLP sinks need — a list, a map of
// secret headers, a tls block that adds a key to config.TLS, a sasl block
// with a *_file secret — decodes strictly, validates with full paths and
// keeps its secrets out of printing, through a table that is not serfwd's.

package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

type busTLS struct {
	Enabled    bool `yaml:"enabled"`
	config.TLS `yaml:",inline"`
}

type busSASL struct {
	Mechanism string        `yaml:"mechanism"`
	Username  string        `yaml:"username"`
	Password  config.Secret `yaml:"password"`
}

func (s busSASL) Validate() error {
	if s.Mechanism == "" {
		return nil
	}
	errs := []error{config.CheckEnum("mechanism", s.Mechanism, "plain", "scram-sha-256", "scram-sha-512")}
	if s.Password == "" {
		errs = append(errs, config.Problemf("password", "required (or password_file)"))
	}
	return errors.Join(errs...)
}

type busConfig struct {
	Brokers []string                 `yaml:"brokers"`
	Headers map[string]config.Secret `yaml:"headers"`
	Timeout time.Duration            `yaml:"timeout"`
	MaxSize config.Size              `yaml:"max_size"`
	TLS     busTLS                   `yaml:"tls"`
	SASL    busSASL                  `yaml:"sasl"`
}

func (c busConfig) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, config.Problemf("brokers", "at least one broker is required"))
	}
	for i, b := range c.Brokers {
		errs = append(errs, config.CheckHostPort(fmt.Sprintf("brokers[%d]", i), b, false))
	}
	for k, v := range c.Headers {
		if v == "" {
			errs = append(errs, config.Problemf("headers."+k, "empty"))
		}
	}
	return errors.Join(append(errs, config.Within("tls", c.TLS.Validate()), config.Within("sasl", c.SASL.Validate()))...)
}

// busKinds is a table with one kind, "bus".
type busKinds struct{}

func (busKinds) SinkTypes() []string { return []string{"bus"} }
func (busKinds) DefaultSinkConfig(typ string) (config.SinkConfig, bool) {
	if typ != "bus" {
		return nil, false
	}
	return busConfig{Timeout: 5 * time.Second, MaxSize: 1 << 20}, true
}

const busInput = `
inputs: [{name: acme, client_id: id, client_secret: x}]
sinks:
  - name: bus
    type: bus
`

func loadBus(t *testing.T, sink string) (*config.Config, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("sasl-pass-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile("testdata/tls/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), ca, 0o644); err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(busInput+sink, "@DIR@", dir)
	path := writeConfig(t, text, 0o600)
	env := func(name string) (string, bool) {
		return map[string]string{"OTLP_TOKEN": "hdr-token-from-env"}[name], name == "OTLP_TOKEN"
	}
	return config.LoadAndValidate(path, config.WithSinkKinds(busKinds{}), config.WithLookupEnv(env))
}

func TestKindWithNestedBlocksDecodes(t *testing.T) {
	cfg, err := loadBus(t, `    brokers: ["k1:9093", "k2:9093"]
    headers: {authorization: "Bearer ${OTLP_TOKEN}", x-tenant: inline-tenant-secret}
    max_size: 2MiB
    tls: {enabled: true, ca_file: "@DIR@/ca.pem"}
    sasl: {mechanism: scram-sha-512, username: serfwd, password_file: "@DIR@/pw"}
`)
	if err != nil {
		t.Fatal(err)
	}
	c := as[busConfig](t, cfg.Sinks[0])
	want := busConfig{
		Brokers: []string{"k1:9093", "k2:9093"},
		Headers: map[string]config.Secret{"authorization": "Bearer hdr-token-from-env", "x-tenant": "inline-tenant-secret"},
		Timeout: 5 * time.Second, MaxSize: 2 << 20,
		TLS:  busTLS{Enabled: true, TLS: config.TLS{CAFile: c.TLS.CAFile}},
		SASL: busSASL{Mechanism: "scram-sha-512", Username: "serfwd", Password: "sasl-pass-from-file"},
	}
	if fmt.Sprint(c.Brokers, c.Timeout, c.MaxSize, c.TLS, c.SASL.Mechanism, c.SASL.Username) != fmt.Sprint(want.Brokers, want.Timeout, want.MaxSize, want.TLS, want.SASL.Mechanism, want.SASL.Username) ||
		c.SASL.Password != want.SASL.Password || len(c.Headers) != 2 ||
		c.Headers["authorization"] != want.Headers["authorization"] || c.Headers["x-tenant"] != want.Headers["x-tenant"] ||
		!strings.HasSuffix(c.TLS.CAFile, "/ca.pem") {
		t.Errorf("decoded %+v\nwant %+v", c, want)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(verb, cfg); strings.Contains(out, "hdr-token") || strings.Contains(out, "tenant-secret") || strings.Contains(out, "sasl-pass") {
			t.Errorf("%s shows a secret: %s", verb, out)
		}
	}
}

func TestKindWithNestedBlocksReportsPaths(t *testing.T) {
	_, err := loadBus(t, `    brokers: ["k1:9093", "k2"]
    headers: {authorization: ""}
    timeout: soon
    tls: {enabeld: true, cert_file: /c.pem}
    sasl: {mechanism: scram, pasword: x}
    topic: t
`)
	want := []string{
		`sinks[0].timeout: invalid duration "soon" (want a Go duration such as 90s, 5m or 1h)`,
		`sinks[0].tls.enabeld: unknown key; did you mean enabled?`,
		`sinks[0].sasl.pasword: unknown key; did you mean password?`,
		`sinks[0].topic: unknown key`,
		`sinks[0].brokers[1]: "k2" is not host:port`,
		`sinks[0].headers.authorization: empty`,
		`sinks[0].tls: cert_file and key_file go together: set both or neither`,
		`sinks[0].sasl.mechanism: "scram" is not one of plain, scram-sha-256, scram-sha-512`,
		`sinks[0].sasl.password: required (or password_file)`,
	}
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("LoadAndValidate = %v, want Problems", err)
	}
	if got := strings.Split(ps.Error(), "\n"); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUnknownTypeNamesTheTable(t *testing.T) {
	_, err := config.Parse([]byte("sinks: [{name: a, type: buss}, {name: b, type: file}]\n"), config.WithSinkKinds(busKinds{}))
	want := "sinks[0].type: unknown sink type \"buss\" (want bus); did you mean bus?\n" +
		"sinks[1].type: unknown sink type \"file\" (want bus)"
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v\nwant %s", err, want)
	}
}
