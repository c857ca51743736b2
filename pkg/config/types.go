// The typed configuration of SPEC §3: the top level, inputs and the value
// types they share with the sink kinds.

package config

import (
	"time"
)

// Config is a whole serfwd configuration (SPEC §3).
type Config struct {
	StatePath       string        `yaml:"state_path"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	Log             Log           `yaml:"log"`
	Metrics         Metrics       `yaml:"metrics"`
	Inputs          []Input       `yaml:"inputs"`
	Sinks           []Sink        `yaml:"sinks"`
	Queue           Queue         `yaml:"queue"`
}

// Log configures serfwd's own logging.
type Log struct {
	Level  string `yaml:"level"`  // debug|info|warn|error
	Format string `yaml:"format"` // json|console
}

// Metrics configures the Prometheus endpoint.
type Metrics struct {
	Listen string `yaml:"listen"` // "" = off
}

// Queue configures the per-sink queues.
type Queue struct {
	MaxBytesPerSink Size `yaml:"max_bytes_per_sink"`
}

// TLS holds client TLS options shared by inputs and sinks.
type TLS struct {
	CAFile             string `yaml:"ca_file"`
	CertFile           string `yaml:"cert_file"` // client certificate for mutual TLS, where the client presents one
	KeyFile            string `yaml:"key_file"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
}

// Input is one SER account.
type Input struct {
	Name         string        `yaml:"name"`
	TokenURL     string        `yaml:"token_url"`
	APIURL       string        `yaml:"api_url"`
	ClientID     string        `yaml:"client_id"`
	ClientSecret Secret        `yaml:"client_secret"` // or client_secret_file, resolved at load
	Start        time.Time     `yaml:"start"`         // zero: now - Lookback
	Lookback     time.Duration `yaml:"lookback"`
	Window       time.Duration `yaml:"window"`
	Interval     time.Duration `yaml:"interval"`
	Delay        time.Duration `yaml:"delay"`
	Revisit      time.Duration `yaml:"revisit"`
	RateLimit    RateLimit     `yaml:"rate_limit"`
	Concurrency  int           `yaml:"concurrency"`
	Timeout      time.Duration `yaml:"timeout"`
	MaxBodyBytes Size          `yaml:"max_body_bytes"` // per report, counted after content decoding
	TLS          TLS           `yaml:"tls"`
	Proxy        string        `yaml:"proxy"`
	Sinks        []string      `yaml:"sinks"` // resolved at load: empty means every sink
}

// RateLimit is "N/period": at most N requests in any period-long interval.
type RateLimit struct {
	N      int
	Period time.Duration
}
