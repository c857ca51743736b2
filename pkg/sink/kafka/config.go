// The kafka kind's configuration (SPEC §3): its keys and defaults, Validate
// with paths relative to the sink, how the sink describes itself, its batch
// limits and its entry in the table of kinds.

package kafka

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Type is the sink type in the config.
const Type = "kafka"

// Bounds of max_message_bytes: franz-go accepts record batches of 512 bytes
// to 1 GiB.
const (
	minMessageBytes = 512
	maxMessageBytes = 1 << 30
)

// maxTopicLen is Kafka's limit on topic names.
const maxTopicLen = 249

// Config configures a kafka sink.
type Config struct {
	Brokers         []string      `yaml:"brokers"`
	Topic           string        `yaml:"topic"`
	Key             string        `yaml:"key"`         // eventId|applicationUserName|none
	Compression     string        `yaml:"compression"` // none|gzip|snappy|lz4|zstd
	Acks            string        `yaml:"acks"`        // all|leader
	ClientID        string        `yaml:"client_id"`
	BatchMaxEvents  int           `yaml:"batch_max_events"`
	BatchMaxBytes   config.Size   `yaml:"batch_max_bytes"`
	BatchTimeout    time.Duration `yaml:"batch_timeout"`
	MaxMessageBytes config.Size   `yaml:"max_message_bytes"`
	TLS             TLS           `yaml:"tls"`
	SASL            SASL          `yaml:"sasl"`
}

// TLS is the tls block: off unless enabled, then TLS 1.2 or later,
// verified unless insecure_skip_verify, with a client certificate for
// mutual TLS when cert_file and key_file are set.
type TLS struct {
	Enabled    bool `yaml:"enabled"`
	config.TLS `yaml:",inline"`
}

// SASL is the sasl block: no authentication when mechanism is empty.
type SASL struct {
	Mechanism string        `yaml:"mechanism"` // plain|scram-sha-256|scram-sha-512
	Username  string        `yaml:"username"`
	Password  config.Secret `yaml:"password"` // or password_file
}

// The values of key, compression, acks and sasl.mechanism.
var (
	keyModes     = []string{"eventId", "applicationUserName", "none"}
	compressions = []string{"none", "gzip", "snappy", "lz4", "zstd"}
	ackModes     = []string{"all", "leader"}
	mechanisms   = []string{"plain", "scram-sha-256", "scram-sha-512"}
)

// DefaultConfig returns a kafka sink's defaults; brokers and topic have
// none.
func DefaultConfig() Config {
	return Config{
		Key:             "eventId",
		Compression:     "zstd",
		Acks:            "all",
		ClientID:        "serfwd",
		BatchMaxEvents:  500,
		BatchMaxBytes:   1 << 20,
		BatchTimeout:    time.Second,
		MaxMessageBytes: 1 << 20,
	}
}

// Kind is the kafka entry of the table of sink kinds.
func Kind() sink.Kind { return sink.NewKind(Type, DefaultConfig, New) }

// Validate checks the settings, with paths relative to the sink.
func (c Config) Validate() error {
	errs := []error{c.validateBrokers(), checkTopic(c.Topic),
		config.CheckEnum("key", c.Key, keyModes...),
		config.CheckEnum("compression", c.Compression, compressions...),
		config.CheckEnum("acks", c.Acks, ackModes...)}
	if strings.TrimSpace(c.ClientID) == "" {
		errs = append(errs, config.Problemf("client_id", "required"))
	}
	if c.BatchMaxEvents < 1 {
		errs = append(errs, config.Problemf("batch_max_events", "must be at least 1 (got %d)", c.BatchMaxEvents))
	}
	if c.BatchMaxBytes <= 0 {
		errs = append(errs, config.Problemf("batch_max_bytes", "must be greater than 0"))
	}
	if c.MaxMessageBytes < minMessageBytes || c.MaxMessageBytes > maxMessageBytes {
		errs = append(errs, config.Problemf("max_message_bytes", "must be from %d to %s (got %d)",
			minMessageBytes, config.Size(maxMessageBytes), int64(c.MaxMessageBytes)))
	}
	errs = append(errs, config.CheckPositive("batch_timeout", c.BatchTimeout),
		config.Within("tls", c.TLS.validate()), config.Within("sasl", c.SASL.validate()))
	return errors.Join(errs...)
}

// validateBrokers requires at least one host:port.
func (c Config) validateBrokers() error {
	if len(c.Brokers) == 0 {
		return config.Problemf("brokers", "required: at least one host:port")
	}
	var errs []error
	for i, b := range c.Brokers {
		errs = append(errs, config.CheckHostPort(fmt.Sprintf("brokers[%d]", i), b, false))
	}
	return errors.Join(errs...)
}

// checkTopic requires a name Kafka accepts: 1 to 249 of a-z A-Z 0-9 . _ -,
// and neither "." nor "..".
func checkTopic(t string) error {
	switch {
	case t == "":
		return config.Problemf("topic", "required")
	case len(t) > maxTopicLen:
		return config.Problemf("topic", "longer than %d characters", maxTopicLen)
	case t == "." || t == "..":
		return config.Problemf("topic", "%q is not a valid topic name", t)
	case strings.ContainsFunc(t, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
	}):
		return config.Problemf("topic", "%q may hold only letters, digits, '.', '_' and '-'", t)
	}
	return nil
}

// Warnings reports settings that are allowed but unwise: SASL PLAIN sends
// the password as it is, which only TLS protects.
func (c Config) Warnings() error {
	if c.SASL.Mechanism == "plain" && !c.TLS.Enabled {
		return config.Problemf("sasl.mechanism", "plain without TLS sends the password in clear text to the brokers; set tls.enabled: true")
	}
	return nil
}

// validate checks the tls block: the file and verification keys mean
// nothing while TLS is off, and cert_file and key_file go together.
func (t TLS) validate() error {
	if !t.Enabled {
		var errs []error
		for _, k := range []struct {
			key string
			set bool
		}{{"ca_file", t.CAFile != ""}, {"cert_file", t.CertFile != ""}, {"key_file", t.KeyFile != ""},
			{"insecure_skip_verify", t.InsecureSkipVerify}} {
			if k.set {
				errs = append(errs, config.Problemf(k.key, "set, but TLS is off: add enabled: true"))
			}
		}
		return errors.Join(errs...)
	}
	return t.TLS.Validate()
}

// validate checks the sasl block: a mechanism needs a username and a
// password; credentials without a mechanism would be silently unused.
func (s SASL) validate() error {
	if s.Mechanism == "" {
		if s.Username != "" || s.Password != "" {
			return config.Problemf("mechanism", "required when a username or password is set (one of %s)", strings.Join(mechanisms, ", "))
		}
		return nil
	}
	errs := []error{config.CheckEnum("mechanism", s.Mechanism, mechanisms...)}
	if s.Username == "" {
		errs = append(errs, config.Problemf("username", "required with mechanism %s", s.Mechanism))
	}
	if s.Password == "" {
		errs = append(errs, config.Problemf("password", "required with mechanism %s (or password_file)", s.Mechanism))
	}
	return errors.Join(errs...)
}

// Describe says where the sink delivers and what `check` proves.
func (c Config) Describe() sink.Description {
	scheme := "kafka://"
	if c.TLS.Enabled {
		scheme = "kafka+tls://"
	}
	check := "metadata ok, topic exists, write allowed"
	if c.SASL.Mechanism != "" {
		check = "authenticated, " + check
	}
	if c.Acks == "all" {
		check += ", idempotent producer id"
	}
	return sink.Description{Target: scheme + strings.Join(c.Brokers, ",") + "/" + c.Topic, Check: check, About: "Kafka topics"}
}

// Limits hands a Write about batch_max_events events (a queue entry of more
// comes whole): the producer buffers at most batch_max_events records,
// sends them as record batches per partition, and Write waits until every
// one is acknowledged.
func (c Config) Limits() sink.Limits {
	return sink.Limits{MaxEvents: c.BatchMaxEvents, BatchTimeout: c.BatchTimeout}
}
