// The kafka kind's configuration: Validate with paths relative to the sink,
// the description, the limits, and the client options a config turns into.

package kafka

import (
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

func TestConfigValidate(t *testing.T) {
	valid := func() Config {
		c := DefaultConfig()
		c.Brokers, c.Topic = []string{"kafka-1.example.com:9093", "kafka-2.example.com:9093"}, "proofpoint.ser.summary"
		return c
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // exact problems; nil = valid
	}{
		{"defaults with brokers and topic", func(*Config) {}, nil},
		{"tls and scram", func(c *Config) {
			c.TLS = TLS{Enabled: true, TLS: config.TLS{CAFile: "/ca.pem", CertFile: "/c.pem", KeyFile: "/k.pem"}}
			c.SASL = SASL{Mechanism: "scram-sha-512", Username: "serfwd", Password: "kafka-Pw-secret"}
		}, nil},
		{"nothing set", func(c *Config) { c.Brokers, c.Topic = nil, "" }, []string{
			"brokers: required: at least one host:port", "topic: required"}},
		{"bad brokers", func(c *Config) { c.Brokers = []string{"kafka-1", ":9092", "k:99999"} }, []string{
			`brokers[0]: "kafka-1" is not host:port`, `brokers[1]: ":9092" has no host`,
			`brokers[2]: "k:99999": the port must be a number from 1 to 65535`}},
		{"bad topic", func(c *Config) { c.Topic = "ser events" }, []string{
			`topic: "ser events" may hold only letters, digits, '.', '_' and '-'`}},
		{"dot topic", func(c *Config) { c.Topic = ".." }, []string{`topic: ".." is not a valid topic name`}},
		{"long topic", func(c *Config) { c.Topic = strings.Repeat("t", 250) }, []string{"topic: longer than 249 characters"}},
		{"enums", func(c *Config) { c.Key, c.Compression, c.Acks = "eventID", "zstandard", "1" }, []string{
			`key: "eventID" is not one of eventId, applicationUserName, none; did you mean eventId?`,
			`compression: "zstandard" is not one of none, gzip, snappy, lz4, zstd`,
			`acks: "1" is not one of all, leader`}},
		{"limits", func(c *Config) {
			c.ClientID, c.BatchMaxEvents, c.BatchMaxBytes, c.BatchTimeout, c.MaxMessageBytes = " ", 0, 0, 0, 100
		}, []string{"client_id: required", "batch_max_events: must be at least 1 (got 0)", "batch_max_bytes: must be greater than 0",
			"max_message_bytes: must be from 512 to 1GiB (got 100)", "batch_timeout: must be greater than 0 (got 0s)"}},
		{"tls files while tls is off", func(c *Config) {
			c.TLS.CAFile, c.TLS.InsecureSkipVerify = "/ca.pem", true
		}, []string{"tls.ca_file: set, but TLS is off: add enabled: true",
			"tls.insecure_skip_verify: set, but TLS is off: add enabled: true"}},
		{"half a client certificate", func(c *Config) { c.TLS = TLS{Enabled: true, TLS: config.TLS{CertFile: "/c.pem"}} }, []string{
			"tls: cert_file and key_file go together: set both or neither"}},
		{"sasl without credentials", func(c *Config) { c.SASL.Mechanism = "scram-sha-256" }, []string{
			"sasl.username: required with mechanism scram-sha-256",
			"sasl.password: required with mechanism scram-sha-256 (or password_file)"}},
		{"sasl mechanism misspelt", func(c *Config) {
			c.SASL = SASL{Mechanism: "scram-sha256", Username: "u", Password: "kafka-Pw-secret"}
		}, []string{`sasl.mechanism: "scram-sha256" is not one of plain, scram-sha-256, scram-sha-512; did you mean scram-sha-256?`}},
		{"credentials without a mechanism", func(c *Config) { c.SASL.Username, c.SASL.Password = "u", "kafka-Pw-secret" }, []string{
			"sasl.mechanism: required when a username or password is set (one of plain, scram-sha-256, scram-sha-512)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			sinktest.CheckProblems(t, c.Validate(), tt.want, "kafka-Pw-secret")
		})
	}
}

func TestConfigDescribesAndLimits(t *testing.T) {
	c := DefaultConfig()
	c.Brokers, c.Topic = []string{"k1:9093", "k2:9093"}, "ser"
	if d := c.Describe(); d.Target != "kafka://k1:9093,k2:9093/ser" || d.Check != "metadata ok, topic exists, write allowed, idempotent producer id" {
		t.Errorf("Describe = %+v", d)
	}
	c.TLS.Enabled, c.SASL.Mechanism, c.Acks = true, "plain", "leader"
	if d := c.Describe(); d.Target != "kafka+tls://k1:9093,k2:9093/ser" || d.Check != "authenticated, metadata ok, topic exists, write allowed" {
		t.Errorf("Describe with TLS, SASL and acks leader = %+v", d)
	}
	c.BatchMaxEvents, c.BatchTimeout = 250, 3*time.Second
	if l := c.Limits(); l != (sink.Limits{MaxEvents: 250, BatchTimeout: 3 * time.Second}) {
		t.Errorf("Limits = %+v", l)
	}
}

func TestNewRefusesAnInvalidConfigAndUnreadableTLSFiles(t *testing.T) {
	c := DefaultConfig()
	if _, err := New(sink.Settings{Name: "k"}, c); err == nil || !strings.Contains(err.Error(), "brokers: required") {
		t.Fatalf("New with no brokers: %v", err)
	}
	c.Brokers, c.Topic = []string{"127.0.0.1:9093"}, "ser"
	c.TLS = TLS{Enabled: true, TLS: config.TLS{CAFile: "/nonexistent/ca.pem"}}
	if _, err := New(sink.Settings{Name: "k", StateDir: t.TempDir()}, c); err == nil || !strings.Contains(err.Error(), "tls.ca_file") {
		t.Fatalf("New with a missing CA file: %v", err)
	}
}

func TestSoftwareVersion(t *testing.T) {
	for in, want := range map[string]string{"1.4.0": "1.4.0", "v1.4.0-3-gabc+dirty": "v1.4.0-3-gabcdirty", "": "dev", "(devel)": "devel", "-x-": "x"} {
		if got := softwareVersion(in); got != want {
			t.Errorf("softwareVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// The defaults lack only what a user must give (agent's table test checks
// that every kind's defaults fail only with "required").
func TestDefaultConfigLacksOnlyTheRequiredKeys(t *testing.T) {
	sinktest.CheckProblems(t, DefaultConfig().Validate(), []string{"brokers: required: at least one host:port", "topic: required"})
}

func TestConfigWarnings(t *testing.T) {
	for _, tt := range []struct {
		name string
		sasl string
		tls  bool
		want string
	}{
		{"plain without tls", "plain", false, "sasl.mechanism: plain without TLS sends the password in clear text to the brokers; set tls.enabled: true"},
		{"plain over tls", "plain", true, ""},
		{"scram without tls", "scram-sha-512", false, ""},
		{"no sasl", "", false, ""},
	} {
		c := DefaultConfig()
		c.SASL.Mechanism, c.TLS.Enabled = tt.sasl, tt.tls
		got := ""
		if err := c.Warnings(); err != nil {
			got = config.Within("", err).Error()
		}
		if got != tt.want {
			t.Errorf("%s: Warnings() = %q, want %q", tt.name, got, tt.want)
		}
	}
}
