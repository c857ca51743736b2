// config.go resolves a config.HEC into the settings the sink works with,
// filling in SPEC §3 defaults for anything the loader left empty.
package hec

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

// Defaults from SPEC §3, applied when a field is left at its zero value.
const (
	DefaultSourcetype     = "proofpoint:ser:summary"
	DefaultSource         = "serfwd"
	DefaultBatchMaxEvents = 500
	DefaultBatchMaxBytes  = 1 << 20
	DefaultAckTimeout     = 5 * time.Minute
	requestTimeout        = 30 * time.Second
)

// Paths under the configured base URL.
const (
	pathEvent  = "/services/collector/event"
	pathAck    = "/services/collector/ack"
	pathHealth = "/services/collector/health"
)

// options is a validated, defaulted HEC configuration.
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
	tls        config.TLS
}

// resolve checks c and fills in defaults; hostname is the default host.
func resolve(c *config.HEC, hostname string) (options, error) {
	if c == nil {
		return options{}, fmt.Errorf("missing splunk_hec settings")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return options{}, fmt.Errorf("url %q: want http(s)://host:port", c.URL)
	}
	if c.Token == "" {
		return options{}, fmt.Errorf("token: required")
	}
	token := c.Token
	o := options{
		base:       strings.TrimRight(c.URL, "/"),
		token:      &token,
		index:      c.Index,
		sourcetype: orString(c.Sourcetype, DefaultSourcetype),
		source:     orString(c.Source, DefaultSource),
		host:       orString(c.Host, hostname),
		maxEvents:  c.BatchMaxEvents,
		maxBytes:   int(c.BatchMaxBytes),
		ack:        c.Ack,
		ackTimeout: c.AckTimeout,
		tls:        c.TLS,
	}
	switch c.Compression {
	case "", "gzip":
		o.gzip = true
	case "none":
	default:
		return options{}, fmt.Errorf("compression %q: want gzip or none", c.Compression)
	}
	if o.maxEvents <= 0 {
		o.maxEvents = DefaultBatchMaxEvents
	}
	if o.maxBytes <= 0 {
		o.maxBytes = DefaultBatchMaxBytes
	}
	if o.ackTimeout <= 0 {
		o.ackTimeout = DefaultAckTimeout
	}
	return o, nil
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// String describes the settings without the token, so that printing them
// with %v or %+v (or zap.Any) cannot leak it.
func (o options) String() string {
	return fmt.Sprintf("url=%s index=%q sourcetype=%q source=%q host=%q batch_max_events=%d batch_max_bytes=%d gzip=%t ack=%t ack_timeout=%s token=%s",
		o.base, o.index, o.sourcetype, o.source, o.host, o.maxEvents, o.maxBytes, o.gzip, o.ack, o.ackTimeout, *o.token)
}

// GoString keeps %#v from printing the token too.
func (o options) GoString() string { return "hec.options{" + o.String() + "}" }
