// Defaults of SPEC §3 for the top level and inputs: constructors that
// decoding starts from and overwrites (each sink kind has its own).

package config

import "time"

// Default values that other packages may want to name.
const (
	DefaultStatePath = "/var/lib/serfwd/state.db"
	DefaultTokenURL  = "https://auth.proofpoint.com/v1/token"
	DefaultAPIURL    = "https://ser-api.proofpoint.com"

	// DefaultMaxBodyBytes caps one report answer, after content decoding.
	DefaultMaxBodyBytes = 256 << 20
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
