// Defaults of SPEC §3: constructors that decoding starts from and overwrites.

package config

import "time"

// Default values that other packages may want to name.
const (
	DefaultStatePath  = "/var/lib/serfwd/state.db"
	DefaultTokenURL   = "https://auth.proofpoint.com/v1/token"
	DefaultAPIURL     = "https://ser-api.proofpoint.com"
	DefaultSourcetype = "proofpoint:ser:summary"
	DefaultAppName    = "serfwd"

	// DefaultMaxBodyBytes caps one report answer, after content decoding.
	DefaultMaxBodyBytes = 256 << 20

	// DefaultMaxMessageBytes is a syslog sink's limit on TCP and TLS;
	// DefaultMaxMessageBytesUDP on UDP.
	DefaultMaxMessageBytes    = 8192
	DefaultMaxMessageBytesUDP = 2048
)

// Default returns the top-level defaults: no inputs, no sinks.
func Default() Config {
	return Config{
		StatePath:       DefaultStatePath,
		ShutdownTimeout: 30 * time.Second,
		Log:             Log{Level: "info", Format: "json"},
		Queue:           Queue{MaxBytesPerSink: 256 << 20},
	}
}

// DefaultInput returns an input with every optional key at its default.
func DefaultInput() Input {
	return Input{
		TokenURL:    DefaultTokenURL,
		APIURL:      DefaultAPIURL,
		Lookback:    24 * time.Hour,
		Window:      time.Hour,
		Interval:    5 * time.Minute,
		Delay:       10 * time.Minute,
		Revisit:     168 * time.Hour,
		RateLimit:   RateLimit{N: 1000, Period: time.Minute},
		Concurrency: 4,
		Timeout:     30 * time.Second,

		MaxBodyBytes: DefaultMaxBodyBytes,
	}
}

// DefaultHEC returns a splunk_hec sink's defaults.
func DefaultHEC() HEC {
	return HEC{
		Sourcetype:     DefaultSourcetype,
		Source:         "serfwd",
		BatchMaxEvents: 500,
		BatchMaxBytes:  1 << 20,
		BatchTimeout:   time.Second,
		Compression:    "gzip",
		AckTimeout:     5 * time.Minute,
	}
}

// DefaultSyslog returns a syslog sink's defaults. MaxMessageBytes is 0,
// meaning "the network's default"; Load replaces it with
// DefaultMaxMessageBytesFor(network).
func DefaultSyslog() Syslog {
	return Syslog{
		Network:  "tls",
		Framing:  "octet-counting",
		Protocol: "rfc5424",
		Format:   "leef",
		Facility: "local0",
		AppName:  DefaultAppName,
	}
}

// DefaultFile returns a file sink's defaults.
func DefaultFile() File {
	return File{
		MaxSize:    100 << 20,
		MaxBackups: 10,
		Mode:       0o640,
	}
}

// DefaultMaxMessageBytesFor is the syslog message limit used when
// max_message_bytes is not set: 2048 on UDP, 8192 otherwise.
func DefaultMaxMessageBytesFor(network string) int {
	if network == "udp" {
		return DefaultMaxMessageBytesUDP
	}
	return DefaultMaxMessageBytes
}
