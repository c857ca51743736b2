// The otlp kind's configuration (SPEC §3): its keys and defaults, Validate,
// how the sink describes itself, its batch limits, and its entry in the
// table of kinds.

package otlp

import (
	"errors"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Type is the sink type in the config.
const Type = "otlp"

// logsPath is what the sink adds to the configured endpoint (OTLP/HTTP).
const logsPath = "/v1/logs"

// requestTimeout bounds one export request.
const requestTimeout = 30 * time.Second

// Config configures an otlp sink.
type Config struct {
	Endpoint       string                   `yaml:"endpoint"`    // base URL; /v1/logs is added
	Encoding       string                   `yaml:"encoding"`    // protobuf|json
	Compression    string                   `yaml:"compression"` // gzip|none
	Headers        map[string]config.Secret `yaml:"headers"`     // values are secret: never printed
	BatchMaxEvents int                      `yaml:"batch_max_events"`
	BatchMaxBytes  config.Size              `yaml:"batch_max_bytes"`
	BatchTimeout   time.Duration            `yaml:"batch_timeout"`
	TLS            config.TLS               `yaml:"tls"`
}

// DefaultConfig returns an otlp sink's defaults; endpoint has none.
func DefaultConfig() Config {
	return Config{
		Encoding:       "protobuf",
		Compression:    "gzip",
		Headers:        map[string]config.Secret{},
		BatchMaxEvents: 500,
		BatchMaxBytes:  1 << 20,
		BatchTimeout:   time.Second,
	}
}

// Kind is the otlp entry of the table of sink kinds.
func Kind() sink.Kind { return sink.NewKind(Type, DefaultConfig, New) }

// Validate checks the settings, with paths relative to the sink.
func (c Config) Validate() error {
	errs := []error{c.validateEndpoint()}
	if c.BatchMaxEvents < 1 {
		errs = append(errs, config.Problemf("batch_max_events", "must be at least 1 (got %d)", c.BatchMaxEvents))
	}
	if c.BatchMaxBytes <= 0 {
		errs = append(errs, config.Problemf("batch_max_bytes", "must be greater than 0"))
	}
	errs = append(errs,
		config.CheckEnum("encoding", c.Encoding, "protobuf", "json"),
		config.CheckEnum("compression", c.Compression, "gzip", "none"),
		config.CheckPositive("batch_timeout", c.BatchTimeout),
		config.Within("headers", validateHeaders(c.Headers)),
		config.Within("tls", c.TLS.Validate()))
	return errors.Join(errs...)
}

// validateEndpoint wants an http(s) base URL without credentials, query or
// the logs path.
func (c Config) validateEndpoint() error {
	err := config.CheckBaseURL("endpoint", c.Endpoint, "send credentials in headers (e.g. authorization)")
	if err != nil {
		return err
	}
	if u, _ := url.Parse(c.Endpoint); strings.HasSuffix(strings.TrimRight(u.Path, "/"), logsPath) {
		return config.Problemf("endpoint", "give the base URL: %s is added", logsPath)
	}
	return nil
}

// reservedHeaders are set by the sink itself.
var reservedHeaders = []string{"Content-Type", "Content-Encoding", "Content-Length", "Transfer-Encoding", "Host", "Connection"}

// validateHeaders wants HTTP header names (not the reserved ones) and values
// without line breaks. Messages never quote a value.
func validateHeaders(h map[string]config.Secret) error {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		v := h[name].Reveal()
		switch {
		case !isToken(name):
			errs = append(errs, config.Problemf("", "%q is not a valid HTTP header name", name))
		case isReserved(name):
			errs = append(errs, config.Problemf(name, "set by serfwd itself; remove it"))
		case strings.ContainsAny(v, "\r\n\x00"):
			errs = append(errs, config.Problemf(name, "the value must not hold a line break or NUL"))
		case strings.TrimSpace(v) == "":
			errs = append(errs, config.Problemf(name, "the value is empty"))
		}
	}
	return errors.Join(errs...)
}

func isReserved(name string) bool {
	for _, r := range reservedHeaders {
		if strings.EqualFold(name, r) {
			return true
		}
	}
	return false
}

// isToken reports whether s is an RFC 9110 token, as header names are.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// Describe says where the sink delivers and what `check` proves.
func (c Config) Describe() sink.Description {
	return sink.Description{Target: sink.URLTarget(c.logsURL()), Check: "empty export accepted",
		About: "OTLP/HTTP logs receivers such as the OpenTelemetry Collector"}
}

// Limits hands a Write one request's worth of events.
func (c Config) Limits() sink.Limits {
	return sink.Limits{MaxEvents: c.BatchMaxEvents, BatchTimeout: c.BatchTimeout}
}

// logsURL is the endpoint with /v1/logs added.
func (c Config) logsURL() string {
	return strings.TrimRight(c.Endpoint, "/") + logsPath
}
