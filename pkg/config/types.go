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
	CertFile           string `yaml:"cert_file"` // syslog only: client certificate for mutual TLS
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

// Sink types.
const (
	SinkSplunkHEC = "splunk_hec"
	SinkSyslog    = "syslog"
	SinkFile      = "file"
)

// Sink is one destination. Exactly one of HEC, Syslog and File is set,
// according to Type.
type Sink struct {
	Name   string
	Type   string
	HEC    *HEC
	Syslog *Syslog
	File   *File
}

// HEC configures a splunk_hec sink.
type HEC struct {
	URL            string        `yaml:"url"`
	Token          Secret        `yaml:"token"` // or token_file
	Index          string        `yaml:"index"`
	Sourcetype     string        `yaml:"sourcetype"`
	Source         string        `yaml:"source"`
	Host           string        `yaml:"host"`
	BatchMaxEvents int           `yaml:"batch_max_events"`
	BatchMaxBytes  Size          `yaml:"batch_max_bytes"`
	BatchTimeout   time.Duration `yaml:"batch_timeout"`
	Compression    string        `yaml:"compression"` // gzip|none
	Ack            bool          `yaml:"ack"`
	AckTimeout     time.Duration `yaml:"ack_timeout"`
	TLS            TLS           `yaml:"tls"`
}

// Syslog configures a syslog sink.
type Syslog struct {
	Address         string `yaml:"address"`
	Network         string `yaml:"network"`  // udp|tcp|tls
	Framing         string `yaml:"framing"`  // octet-counting|newline
	Protocol        string `yaml:"protocol"` // rfc5424|rfc3164
	Format          string `yaml:"format"`   // leef|cef|json
	Facility        string `yaml:"facility"`
	AppName         string `yaml:"app_name"`
	Hostname        string `yaml:"hostname"`
	MaxMessageBytes int    `yaml:"max_message_bytes"` // 0 at load means the network's default
	TLS             TLS    `yaml:"tls"`
}

// File configures a file sink.
type File struct {
	Path       string   `yaml:"path"`
	MaxSize    Size     `yaml:"max_size"`
	MaxBackups int      `yaml:"max_backups"`
	Mode       FileMode `yaml:"mode"`
}
