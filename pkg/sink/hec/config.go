// config.go is the splunk_hec kind's configuration (SPEC §3): its keys and
// defaults, Validate, how the sink describes itself and its batch limits,
// and the resolved settings the sink works with.

package hec

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Type is the sink type in the config (SPEC §3).
const Type = "splunk_hec"

// The sourcetypes envelopes carry unless sourcetype is set: the add-on's
// (packaging/splunk/TA-serfwd) for events and for metric data points.
const (
	SourcetypeEvents  = "proofpoint:ser:summary"
	SourcetypeMetrics = "proofpoint:ser:metrics"
)

// DefaultSource is the source envelopes carry unless configured; inputName
// in a source is replaced by the name of the event's input.
const (
	DefaultSource = "serfwd:" + inputName
	inputName     = "<input>"
)

// The values of format: one envelope per event, or one multi-metric data
// point per event for a metrics index (SPEC §5).
const (
	FormatEvent  = "event"
	FormatMetric = "metric"
)

// requestTimeout bounds one HTTP request.
const requestTimeout = 30 * time.Second

// Paths under the configured base URL.
const (
	pathEvent  = "/services/collector/event"
	pathAck    = "/services/collector/ack"
	pathHealth = "/services/collector/health"
)

// Config configures a splunk_hec sink.
type Config struct {
	URL            string        `yaml:"url"`
	Token          config.Secret `yaml:"token"` // or token_file
	Index          string        `yaml:"index"`
	Sourcetype     string        `yaml:"sourcetype"` // "": by format
	Source         string        `yaml:"source"`     // "<input>" is replaced by the input's name; "": the default
	Host           string        `yaml:"host"`       // "": the machine's hostname
	BatchMaxEvents int           `yaml:"batch_max_events"`
	BatchMaxBytes  config.Size   `yaml:"batch_max_bytes"`
	BatchTimeout   time.Duration `yaml:"batch_timeout"`
	Compression    string        `yaml:"compression"` // gzip|none
	Ack            bool          `yaml:"ack"`
	AckTimeout     time.Duration `yaml:"ack_timeout"`
	Format         string        `yaml:"format"` // event|metric
	TLS            config.TLS    `yaml:"tls"`
}

// DefaultConfig returns a splunk_hec sink's defaults; url and token have
// none.
func DefaultConfig() Config {
	return Config{
		Source:         DefaultSource,
		BatchMaxEvents: 500,
		BatchMaxBytes:  1 << 20,
		BatchTimeout:   time.Second,
		Compression:    "gzip",
		AckTimeout:     5 * time.Minute,
		Format:         FormatEvent,
	}
}

// Validate checks the settings, with paths relative to the sink.
func (c Config) Validate() error {
	errs := []error{config.CheckBaseURL("url", c.URL, "the HEC token goes in token (or token_file)")}
	if u, err := url.Parse(c.URL); err == nil && strings.Contains(u.Path, "/services/collector") {
		errs = append(errs, config.Problemf("url", "give the base URL: /services/collector/event is added"))
	}
	if c.Token == "" {
		errs = append(errs, config.Problemf("token", "required (or token_file)"))
	}
	if c.BatchMaxEvents < 1 {
		errs = append(errs, config.Problemf("batch_max_events", "must be at least 1 (got %d)", c.BatchMaxEvents))
	}
	if c.BatchMaxBytes <= 0 {
		errs = append(errs, config.Problemf("batch_max_bytes", "must be greater than 0"))
	}
	errs = append(errs,
		config.CheckPositive("batch_timeout", c.BatchTimeout),
		config.CheckEnum("compression", c.Compression, "gzip", "none"),
		config.CheckPositive("ack_timeout", c.AckTimeout),
		config.CheckEnum("format", c.Format, FormatEvent, FormatMetric),
		config.Within("tls", c.TLS.ValidateWithoutClientCert()))
	return errors.Join(errs...)
}

// Describe says where the sink delivers and what `check` proves.
func (c Config) Describe() sink.Description {
	return sink.Description{Target: sink.URLTarget(c.URL), Check: "health ok, token accepted", About: "Splunk (HTTP Event Collector)"}
}

// Limits hands a Write several requests' worth of events: the sink cuts it
// into requests of batch_max_events itself, and fewer queue transactions
// per event cost less.
func (c Config) Limits() sink.Limits {
	return sink.Limits{MaxEvents: max(c.BatchMaxEvents*4, 1000), BatchTimeout: c.BatchTimeout}
}

// options are the settings the sink works with, resolved from a valid
// Config.
type options struct {
	base       string         // URL without trailing slash
	token      *config.Secret // a pointer: %v of an enclosing struct prints an address, not the value
	index      string
	sourcetype string
	source     string
	host       string
	maxEvents  int
	maxBytes   int
	gzip       bool
	ack        bool
	ackTimeout time.Duration
	metric     bool // format: metric
	tls        config.TLS
}

// resolve turns a valid config into options; hostname is the default host.
func resolve(c Config, hostname string) options {
	token := c.Token
	host := c.Host
	if host == "" {
		host = hostname
	}
	source := c.Source
	if source == "" {
		source = DefaultSource
	}
	metric := c.Format == FormatMetric
	sourcetype := c.Sourcetype
	switch {
	case sourcetype != "":
	case metric:
		sourcetype = SourcetypeMetrics
	default:
		sourcetype = SourcetypeEvents
	}
	return options{
		base:       strings.TrimRight(c.URL, "/"),
		token:      &token,
		index:      c.Index,
		sourcetype: sourcetype,
		source:     source,
		host:       host,
		maxEvents:  c.BatchMaxEvents,
		maxBytes:   int(c.BatchMaxBytes),
		gzip:       c.Compression == "gzip",
		ack:        c.Ack,
		ackTimeout: c.AckTimeout,
		metric:     metric,
		tls:        c.TLS,
	}
}

// String describes the settings without the token, so that printing them
// with %v or %+v (or zap.Any) cannot leak it.
func (o options) String() string {
	return fmt.Sprintf("url=%s index=%q sourcetype=%q source=%q host=%q batch_max_events=%d batch_max_bytes=%d gzip=%t ack=%t ack_timeout=%s metric=%t token=%s",
		o.base, o.index, o.sourcetype, o.source, o.host, o.maxEvents, o.maxBytes, o.gzip, o.ack, o.ackTimeout, o.metric, *o.token)
}

// GoString keeps %#v from printing the token too.
func (o options) GoString() string { return "hec.options{" + o.String() + "}" }
