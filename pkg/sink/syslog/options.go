package syslog

// options.go turns a config.Syslog into resolved settings: defaults for empty
// values (the config package sets them too; a sink built directly from a
// struct must still behave) and checks of the enumerations.

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/serfwd/serfwd/pkg/config"
)

// Defaults (SPEC §3).
const (
	DefaultNetwork         = "tls"
	DefaultFraming         = "octet-counting"
	DefaultProtocol        = "rfc5424"
	DefaultFormat          = "leef"
	DefaultFacility        = "local0"
	DefaultAppName         = "serfwd"
	DefaultMaxMessageBytes = 8192
	DefaultMaxMessageUDP   = 2048
)

// minMessageBytes is the smallest limit that still fits a header and the
// start of a payload.
const minMessageBytes = 128

// maxUDPPayload is the largest UDP payload over IPv4.
const maxUDPPayload = 65507

// facilities maps facility names to their codes (RFC 5424 §6.2.1).
var facilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5,
	"lpr": 6, "news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
	"ntp": 12, "security": 13, "console": 14, "solaris-cron": 15,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19,
	"local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

// options are the resolved settings of one sink.
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

// resolveOptions applies defaults and validates c.
func resolveOptions(c config.Syslog, machineHost string) (options, error) {
	o := options{
		address:  c.Address,
		network:  orDefault(c.Network, DefaultNetwork),
		framing:  orDefault(c.Framing, DefaultFraming),
		protocol: orDefault(c.Protocol, DefaultProtocol),
		format:   orDefault(c.Format, DefaultFormat),
		appName:  orDefault(c.AppName, DefaultAppName),
		hostname: c.Hostname,
		maxBytes: c.MaxMessageBytes,
		tls:      c.TLS,
	}
	var errs []error
	if _, _, err := net.SplitHostPort(o.address); err != nil {
		errs = append(errs, fmt.Errorf("address %q: want host:port", o.address))
	}
	errs = append(errs,
		oneOf("network", o.network, "udp", "tcp", "tls"),
		oneOf("framing", o.framing, "octet-counting", "newline"),
		oneOf("protocol", o.protocol, "rfc5424", "rfc3164"),
		oneOf("format", o.format, "leef", "cef", "json"))
	fac, ok := facilities[orDefault(c.Facility, DefaultFacility)]
	if !ok {
		errs = append(errs, fmt.Errorf("facility %q: unknown (kern … local7)", c.Facility))
	}
	o.facility = fac
	if o.maxBytes == 0 {
		o.maxBytes = DefaultMaxMessageBytes
		if o.network == "udp" {
			o.maxBytes = DefaultMaxMessageUDP
		}
	}
	if o.maxBytes < minMessageBytes {
		errs = append(errs, fmt.Errorf("max_message_bytes %d: must be at least %d", o.maxBytes, minMessageBytes))
	}
	if o.network == "udp" && o.maxBytes > maxUDPPayload {
		errs = append(errs, fmt.Errorf("max_message_bytes %d: a UDP datagram holds at most %d", o.maxBytes, maxUDPPayload))
	}
	if (o.tls.CertFile == "") != (o.tls.KeyFile == "") {
		errs = append(errs, errors.New("tls: cert_file and key_file go together"))
	}
	if o.hostname == "" {
		o.hostname = machineHost
	}
	if o.hostname == "" {
		o.hostname, _ = os.Hostname()
	}
	return o, errors.Join(errs...)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func oneOf(name, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s %q: want one of %v", name, v, allowed)
}
