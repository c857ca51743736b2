// config.go is the syslog kind's configuration (SPEC §3): its keys and
// defaults, the facility table and the message size limits (kept here once),
// Validate, how the sink describes itself, and the resolved settings the
// sink works with.

package syslog

import (
	"errors"
	"net"
	"os"
	"strings"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Type is the sink type in the config.
const Type = "syslog"

// Message size limits: the defaults per network, the 480 bytes every
// receiver must accept (RFC 5424 §6.1, RFC 3164 §4.1), and the largest UDP
// payload serfwd sends.
const (
	DefaultMaxMessageBytes = 8192
	DefaultMaxMessageUDP   = 2048
	MinMaxMessageBytes     = 480
	MaxMaxMessageBytesUDP  = 65000
)

// maxAppName3164 bounds an RFC 3164 TAG (RFC 3164 §4.1.3); RFC 5424's
// APP-NAME and HOSTNAME bounds are maxAppName and maxHostname.
const maxAppName3164 = 32

// facilities maps facility names to their codes (RFC 5424 §6.2.1).
var facilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5,
	"lpr": 6, "news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
	"ntp": 12, "security": 13, "console": 14, "solaris-cron": 15,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19,
	"local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

// facilityNames lists the facilities in code order, for messages.
const facilityNames = "kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, security, console, solaris-cron, local0 … local7"

// Config configures a syslog sink.
type Config struct {
	Address         string     `yaml:"address"`
	Network         string     `yaml:"network"`  // udp|tcp|tls
	Framing         string     `yaml:"framing"`  // octet-counting|newline
	Protocol        string     `yaml:"protocol"` // rfc5424|rfc3164
	Format          string     `yaml:"format"`   // leef|cef|json
	Facility        string     `yaml:"facility"`
	AppName         string     `yaml:"app_name"`
	Hostname        string     `yaml:"hostname"`          // "": the machine's hostname
	MaxMessageBytes int        `yaml:"max_message_bytes"` // 0: the network's default
	TLS             config.TLS `yaml:"tls"`
}

// DefaultConfig returns a syslog sink's defaults; address has none.
func DefaultConfig() Config {
	return Config{
		Network:  "tls",
		Framing:  "octet-counting",
		Protocol: "rfc5424",
		Format:   "leef",
		Facility: "local0",
		AppName:  "serfwd",
	}
}

// MessageLimit is max_message_bytes, or the network's default when it is 0:
// 2048 on UDP, 8192 otherwise.
func (c Config) MessageLimit() int {
	switch {
	case c.MaxMessageBytes != 0:
		return c.MaxMessageBytes
	case c.Network == "udp":
		return DefaultMaxMessageUDP
	}
	return DefaultMaxMessageBytes
}

// Validate checks the settings, with paths relative to the sink.
func (c Config) Validate() error {
	var errs []error
	if c.Address == "" {
		errs = append(errs, config.Problemf("address", "required"))
	} else {
		errs = append(errs, config.CheckHostPort("address", c.Address, false))
	}
	errs = append(errs,
		config.CheckEnum("network", c.Network, "udp", "tcp", "tls"),
		config.CheckEnum("framing", c.Framing, "octet-counting", "newline"),
		config.CheckEnum("protocol", c.Protocol, "rfc5424", "rfc3164"),
		config.CheckEnum("format", c.Format, "leef", "cef", "json"))
	if _, ok := facilities[c.Facility]; !ok {
		errs = append(errs, config.Problemf("facility", "%q is not a syslog facility (%s)%s",
			c.Facility, facilityNames, config.DidYouMean(c.Facility, facilityList())))
	}
	switch {
	case c.AppName == "":
		errs = append(errs, config.Problemf("app_name", "required"))
	case c.Protocol == "rfc3164":
		errs = append(errs, checkPrintable("app_name", c.AppName, maxAppName3164))
	default:
		errs = append(errs, checkPrintable("app_name", c.AppName, maxAppName))
	}
	errs = append(errs, checkPrintable("hostname", c.Hostname, maxHostname))
	switch {
	case c.MaxMessageBytes == 0: // the network's default
	case c.MaxMessageBytes < MinMaxMessageBytes:
		errs = append(errs, config.Problemf("max_message_bytes", "must be at least %d (got %d)", MinMaxMessageBytes, c.MaxMessageBytes))
	case c.Network == "udp" && c.MaxMessageBytes > MaxMaxMessageBytesUDP:
		errs = append(errs, config.Problemf("max_message_bytes", "must be at most %d on udp (got %d)", MaxMaxMessageBytesUDP, c.MaxMessageBytes))
	}
	errs = append(errs, config.Within("tls", c.validateTLS()))
	return errors.Join(errs...)
}

// validateTLS checks the tls block: on udp and tcp there is no TLS, so its
// keys would be silently unused (as Kafka's are with TLS off).
func (c Config) validateTLS() error {
	if c.Network != "udp" && c.Network != "tcp" {
		return c.TLS.Validate() // tls, or a network that is a problem of its own
	}
	var errs []error
	for _, k := range []struct {
		key string
		set bool
	}{{"ca_file", c.TLS.CAFile != ""}, {"cert_file", c.TLS.CertFile != ""}, {"key_file", c.TLS.KeyFile != ""},
		{"insecure_skip_verify", c.TLS.InsecureSkipVerify}} {
		if k.set {
			errs = append(errs, config.Problemf(k.key, "set, but network is %s (no TLS): use network: tls", c.Network))
		}
	}
	return errors.Join(errs...)
}

// facilityList lists the facility names, for "did you mean".
func facilityList() []string {
	names := make([]string, 0, len(facilities))
	for n := range facilities {
		names = append(names, n)
	}
	return names
}

// checkPrintable requires at most max printable US-ASCII characters (RFC
// 5424 PRINTUSASCII, 33–126).
func checkPrintable(path, s string, max int) error {
	var errs []error
	if len(s) > max {
		errs = append(errs, config.Problemf(path, "longer than %d characters", max))
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 33 || r > 126 }) {
		errs = append(errs, config.Problemf(path, "%q may hold only printable ASCII without spaces", s))
	}
	return errors.Join(errs...)
}

// Describe says where the sink delivers and what `check` proves.
func (c Config) Describe() sink.Description {
	d := sink.Description{Target: c.Network + "://" + c.Address, Check: "connected", Truncates: true,
		About: "syslog receivers such as QRadar (LEEF, CEF, JSON)"}
	switch c.Network {
	case "udp":
		d.Check = "socket ok (UDP: a missing receiver goes unnoticed)"
	case "tls":
		d.Check = "connected, TLS handshake ok"
	}
	return d
}

// Limits leaves a Write at the delivery loop's default size: the sink sends
// a batch as one stream write, or datagram by datagram.
func (c Config) Limits() sink.Limits { return sink.Limits{} }

// options are the settings the sink works with, resolved from a valid
// Config.
type options struct {
	address  string
	network  string // udp|tcp|tls
	framing  string // octet-counting|newline
	protocol string // rfc5424|rfc3164
	format   string // leef|cef|json
	facility int
	appName  string
	hostname string
	maxBytes int
	tls      config.TLS
}

// resolve turns a valid config into options; machineHost is the default
// hostname (the machine's own when empty).
func resolve(c Config, machineHost string) options {
	o := options{
		address: c.Address, network: c.Network, framing: c.Framing,
		protocol: c.Protocol, format: c.Format, facility: facilities[c.Facility],
		appName: c.AppName, hostname: c.Hostname, maxBytes: c.MessageLimit(), tls: c.TLS,
	}
	if o.hostname == "" {
		o.hostname = machineHost
	}
	if o.hostname == "" {
		o.hostname, _ = os.Hostname()
	}
	return o
}

// serverName is the name TLS verifies: the address's host.
func (o options) serverName() string {
	host, _, _ := net.SplitHostPort(o.address)
	return host
}
