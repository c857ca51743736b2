// Validation of sinks: the common name and type, then each type's settings.

package config

import (
	"net/url"
	"strings"
)

// Syslog limits Validate enforces (RFC 5424 §6.1, RFC 3164 §4.1.3, and the
// 480 bytes every receiver must accept).
const (
	MinMaxMessageBytes    = 480
	MaxMaxMessageBytesUDP = 65000
	maxAppName5424        = 48
	maxAppName3164        = 32
	maxHostname           = 255
)

// facilities maps syslog facility names to their codes.
var facilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5,
	"lpr": 6, "news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
	"ntp": 12, "security": 13, "console": 14, "solaris-cron": 15,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19,
	"local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

// FacilityCode returns the numeric code of a syslog facility name
// ("local0" → 16).
func FacilityCode(name string) (int, bool) {
	c, ok := facilities[name]
	return c, ok
}

// Validate checks the sink on its own, with paths relative to it.
func (s Sink) Validate() error {
	var p Problems
	s.validate(&p, "")
	return p.err()
}

func (s Sink) validate(p *Problems, path string) {
	checkName(p, field(path, "name"), s.Name)
	switch {
	case s.Type == SinkSplunkHEC && s.HEC != nil:
		s.HEC.validate(p, path)
	case s.Type == SinkSyslog && s.Syslog != nil:
		s.Syslog.validate(p, path)
	case s.Type == SinkFile && s.File != nil:
		s.File.validate(p, path)
	case s.Type == SinkSplunkHEC || s.Type == SinkSyslog || s.Type == SinkFile:
		p.add(path, "no %s settings", s.Type)
	default:
		checkEnum(p, field(path, "type"), s.Type, SinkSplunkHEC, SinkSyslog, SinkFile)
	}
}

func (h HEC) validate(p *Problems, path string) {
	up := field(path, "url")
	checkURL(p, up, h.URL, "http", "https")
	if u, err := url.Parse(h.URL); err == nil && strings.Contains(u.Path, "/services/collector") {
		p.add(up, "give the base URL: /services/collector/event is added")
	}
	if h.Token == "" {
		p.add(field(path, "token"), "required (or token_file)")
	}
	if h.BatchMaxEvents < 1 {
		p.add(field(path, "batch_max_events"), "must be at least 1 (got %d)", h.BatchMaxEvents)
	}
	if h.BatchMaxBytes <= 0 {
		p.add(field(path, "batch_max_bytes"), "must be greater than 0")
	}
	checkPositive(p, field(path, "batch_timeout"), h.BatchTimeout)
	checkEnum(p, field(path, "compression"), h.Compression, "gzip", "none")
	checkPositive(p, field(path, "ack_timeout"), h.AckTimeout)
	checkTLS(p, field(path, "tls"), h.TLS, false)
}

func (s Syslog) validate(p *Problems, path string) {
	if s.Address == "" {
		p.add(field(path, "address"), "required")
	} else {
		checkHostPort(p, field(path, "address"), s.Address, false)
	}
	checkEnum(p, field(path, "network"), s.Network, "udp", "tcp", "tls")
	checkEnum(p, field(path, "framing"), s.Framing, "octet-counting", "newline")
	checkEnum(p, field(path, "protocol"), s.Protocol, "rfc5424", "rfc3164")
	checkEnum(p, field(path, "format"), s.Format, "leef", "cef", "json")
	if _, ok := facilities[s.Facility]; !ok {
		p.add(field(path, "facility"), "%q is not a syslog facility (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, security, console, solaris-cron, local0 … local7)", s.Facility)
	}
	ap := field(path, "app_name")
	if s.AppName == "" {
		p.add(ap, "required")
	} else if s.Protocol == "rfc3164" {
		checkPrintable(p, ap, s.AppName, maxAppName3164)
	} else {
		checkPrintable(p, ap, s.AppName, maxAppName5424)
	}
	checkPrintable(p, field(path, "hostname"), s.Hostname, maxHostname)
	mp := field(path, "max_message_bytes")
	switch {
	case s.MaxMessageBytes == 0: // the network's default
	case s.MaxMessageBytes < MinMaxMessageBytes:
		p.add(mp, "must be at least %d (got %d)", MinMaxMessageBytes, s.MaxMessageBytes)
	case s.Network == "udp" && s.MaxMessageBytes > MaxMaxMessageBytesUDP:
		p.add(mp, "must be at most %d on udp (got %d)", MaxMaxMessageBytesUDP, s.MaxMessageBytes)
	}
	checkTLS(p, field(path, "tls"), s.TLS, true)
}

func (f File) validate(p *Problems, path string) {
	if strings.TrimSpace(f.Path) == "" {
		p.add(field(path, "path"), "required")
	}
	if f.MaxSize < 0 {
		p.add(field(path, "max_size"), "must not be negative")
	}
	if f.MaxBackups < 0 {
		p.add(field(path, "max_backups"), "must not be negative (got %d)", f.MaxBackups)
	}
	switch mp := field(path, "mode"); {
	case f.Mode > 0o777:
		p.add(mp, "%s is not a permission (at most 0777)", f.Mode)
	case f.Mode&0o200 == 0:
		p.add(mp, "%s does not let serfwd write the file (the owner needs 0200)", f.Mode)
	}
}
