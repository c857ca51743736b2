// Small named checks that Validate composes: names, enums, URLs, addresses,
// durations and TLS settings. Each adds a Problem and never quotes a secret.

package config

import (
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxNameLen bounds input and sink names, which key state buckets and file
// names.
const maxNameLen = 64

// checkName requires a safe name: letters, digits, '-', '_' and '.',
// starting with a letter or digit.
func checkName(p *Problems, path, name string) {
	switch {
	case name == "":
		p.add(path, "required")
	case len(name) > maxNameLen:
		p.add(path, "longer than %d characters", maxNameLen)
	case !safeName(name):
		p.add(path, "%q may hold only letters, digits, '-', '_' and '.', and must start with a letter or digit", name)
	}
}

func safeName(s string) bool {
	for i, c := range []byte(s) {
		alnum := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		if !alnum && (i == 0 || (c != '-' && c != '_' && c != '.')) {
			return false
		}
	}
	return s != ""
}

// checkEnum requires one of the allowed values.
func checkEnum(p *Problems, path, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		if v == "" {
			p.add(path, "required (one of %s)", strings.Join(allowed, ", "))
			return
		}
		p.add(path, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
}

// checkURL requires an absolute URL with one of the schemes and a host.
// Messages do not quote the URL: it may carry user:password.
func checkURL(p *Problems, path, raw string, schemes ...string) {
	if raw == "" {
		p.add(path, "required")
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		p.add(path, "not a valid URL")
	case !slices.Contains(schemes, strings.ToLower(u.Scheme)):
		p.add(path, "the scheme must be %s", strings.Join(schemes, " or "))
	case u.Host == "" || u.Hostname() == "":
		p.add(path, "the URL has no host")
	}
}

// checkHostPort requires host:port with a numeric port; the host may be
// empty only when allowEmptyHost ("listen on every interface").
func checkHostPort(p *Problems, path, addr string, allowEmptyHost bool) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		p.add(path, "%q is not host:port", addr)
		return
	}
	if host == "" && !allowEmptyHost {
		p.add(path, "%q has no host", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		p.add(path, "%q: the port must be a number from 1 to 65535", addr)
	}
}

// checkPositive requires d > 0.
func checkPositive(p *Problems, path string, d time.Duration) {
	if d <= 0 {
		p.add(path, "must be greater than 0 (got %s)", fmtDuration(d))
	}
}

// checkNotNegative requires d ≥ 0.
func checkNotNegative(p *Problems, path string, d time.Duration) {
	if d < 0 {
		p.add(path, "must not be negative (got %s)", fmtDuration(d))
	}
}

// checkPrintable requires at most max printable US-ASCII characters (RFC
// 5424 PRINTUSASCII, 33–126).
func checkPrintable(p *Problems, path, s string, max int) {
	if len(s) > max {
		p.add(path, "longer than %d characters", max)
	}
	for _, c := range []byte(s) {
		if c < 33 || c > 126 {
			p.add(path, "%q may hold only printable ASCII without spaces", s)
			return
		}
	}
}

// checkTLS checks a tls block; client certificates only where supported.
func checkTLS(p *Problems, path string, t TLS, clientCerts bool) {
	if !clientCerts {
		if t.CertFile != "" {
			p.add(field(path, "cert_file"), "not supported here (only syslog sinks present a client certificate)")
		}
		if t.KeyFile != "" {
			p.add(field(path, "key_file"), "not supported here (only syslog sinks present a client certificate)")
		}
		return
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		p.add(path, "cert_file and key_file go together: set both or neither")
	}
}

// fmtDuration prints a duration without trailing zero units ("1h", not
// "1h0m0s").
func fmtDuration(d time.Duration) string {
	s := d.String()
	if t, ok := strings.CutSuffix(s, "m0s"); ok && strings.ContainsAny(t, "0123456789") {
		s = t + "m"
	}
	if t, ok := strings.CutSuffix(s, "h0m"); ok {
		s = t + "h"
	}
	return s
}
