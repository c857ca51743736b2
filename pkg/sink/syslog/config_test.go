// config_test.go: the syslog kind's defaults and how they resolve, Validate
// with paths relative to the sink (the one place the size limits and the
// facility table are checked), and the description per network.

package syslog

import (
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

func TestDefaultsResolve(t *testing.T) {
	c := DefaultConfig()
	c.Address = "q:6514"
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults with an address: %v", err)
	}
	o := resolve(c, "machine")
	if o.network != "tls" || o.framing != "octet-counting" || o.protocol != "rfc5424" || o.format != "leef" ||
		o.facility != 16 || o.appName != "serfwd" || o.maxBytes != 8192 || o.hostname != "machine" {
		t.Errorf("resolved defaults %+v", o)
	}
	c.Network = "udp"
	if o := resolve(c, "machine"); o.maxBytes != 2048 {
		t.Errorf("udp default limit %d, want 2048", o.maxBytes)
	}
	c.MaxMessageBytes, c.Hostname = 4000, "id"
	if o := resolve(c, "machine"); o.maxBytes != 4000 || o.hostname != "id" {
		t.Errorf("explicit limit and hostname: %+v", o)
	}
	for name, code := range map[string]int{"kern": 0, "user": 1, "authpriv": 10, "local7": 23} {
		c.Facility = name
		if o := resolve(c, "m"); o.facility != code {
			t.Errorf("facility %s = %d, want %d", name, o.facility, code)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // exact problems; nil = valid
	}{
		{"udp 65000", func(c *Config) { c.Network, c.MaxMessageBytes = "udp", 65000 }, nil},
		{"tcp large", func(c *Config) { c.Network, c.MaxMessageBytes = "tcp", 100000 }, nil},
		{"480", func(c *Config) { c.MaxMessageBytes = 480 }, nil},
		{"ipv6 address", func(c *Config) { c.Address = "[::1]:514" }, nil},
		{"mutual tls", func(c *Config) { c.TLS.CertFile, c.TLS.KeyFile = "/c", "/k" }, nil},
		{"no address", func(c *Config) { c.Address = "" }, []string{"address: required"}},
		{"address without port", func(c *Config) { c.Address = "nohost" }, []string{`address: "nohost" is not host:port`}},
		{"tiny limit", func(c *Config) { c.MaxMessageBytes = 479 }, []string{"max_message_bytes: must be at least 480 (got 479)"}},
		{"udp limit", func(c *Config) { c.Network, c.MaxMessageBytes = "udp", 65001 }, []string{"max_message_bytes: must be at most 65000 on udp (got 65001)"}},
		{"enums", func(c *Config) { c.Network, c.Framing, c.Protocol, c.Format = "sctp", "lines", "rfc9999", "xml" }, []string{
			`network: "sctp" is not one of udp, tcp, tls`, `framing: "lines" is not one of octet-counting, newline`,
			`protocol: "rfc9999" is not one of rfc5424, rfc3164`, `format: "xml" is not one of leef, cef, json`}},
		{"facility", func(c *Config) { c.Facility = "local9" }, []string{`facility: "local9" is not a syslog facility (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, security, console, solaris-cron, local0 … local7)`}},
		{"app_name 49", func(c *Config) { c.AppName = strings.Repeat("x", 49) }, []string{"app_name: longer than 48 characters"}},
		{"rfc3164 tag 33", func(c *Config) { c.Protocol, c.AppName = "rfc3164", strings.Repeat("x", 33) }, []string{"app_name: longer than 32 characters"}},
		{"no app_name", func(c *Config) { c.AppName = "" }, []string{"app_name: required"}},
		{"hostname with a space", func(c *Config) { c.Hostname = "a host" }, []string{`hostname: "a host" may hold only printable ASCII without spaces`}},
		{"cert without key", func(c *Config) { c.TLS.CertFile = "/c" }, []string{"tls: cert_file and key_file go together: set both or neither"}},
		{"tls block on tcp", func(c *Config) { c.Network, c.TLS.CAFile, c.TLS.InsecureSkipVerify = "tcp", "/ca.pem", true }, []string{
			"tls.ca_file: set, but network is tcp (no TLS): use network: tls",
			"tls.insecure_skip_verify: set, but network is tcp (no TLS): use network: tls"}},
		{"tls block on udp", func(c *Config) { c.Network, c.TLS.CertFile, c.TLS.KeyFile = "udp", "/c", "/k" }, []string{
			"tls.cert_file: set, but network is udp (no TLS): use network: tls",
			"tls.key_file: set, but network is udp (no TLS): use network: tls"}},
		{"empty tls block on tcp", func(c *Config) { c.Network = "tcp" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			c.Address = "qradar.example.com:6514"
			tt.change(&c)
			sinktest.CheckProblems(t, c.Validate(), tt.want)
		})
	}
}

func TestConfigDescribe(t *testing.T) {
	for network, want := range map[string]string{
		"udp": "socket ok (UDP: a missing receiver goes unnoticed)",
		"tcp": "connected",
		"tls": "connected, TLS handshake ok",
	} {
		c := DefaultConfig()
		c.Address, c.Network = "q:514", network
		if d := c.Describe(); d.Target != network+"://q:514" || d.Check != want {
			t.Errorf("%s: Describe() = %+v", network, d)
		}
	}
}

// The defaults lack only what a user must give (agent's table test checks
// that every kind's defaults fail only with "required").
func TestDefaultConfigLacksOnlyTheRequiredKeys(t *testing.T) {
	sinktest.CheckProblems(t, DefaultConfig().Validate(), []string{"address: required"})
}
