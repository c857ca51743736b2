// Small named checks that Validate methods compose, here and in the sink
// packages: names, enums (with "did you mean"), URLs, addresses and
// durations. Each returns a Problem at the path it is given, or nil, and
// never quotes a secret.

package config

import (
	"errors"
	"net"
	"net/netip"
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

// CheckEnum requires one of the allowed values and names the nearest one
// when v looks like a misspelling of it.
func CheckEnum(path, v string, allowed ...string) error {
	switch {
	case slices.Contains(allowed, v):
		return nil
	case v == "":
		return Problemf(path, "required (one of %s)", strings.Join(allowed, ", "))
	}
	return Problemf(path, "%q is not one of %s%s", v, strings.Join(allowed, ", "), didYouMean(v, allowed))
}

// CheckURL requires an absolute URL with one of the schemes and a host.
// Messages do not quote the URL: it may carry user:password.
func CheckURL(path, raw string, schemes ...string) error {
	if raw == "" {
		return Problemf(path, "required")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return Problemf(path, "not a valid URL")
	case !slices.Contains(schemes, strings.ToLower(u.Scheme)):
		return Problemf(path, "the scheme must be %s", strings.Join(schemes, " or "))
	case u.Host == "" || u.Hostname() == "":
		return Problemf(path, "the URL has no host")
	}
	return nil
}

// CheckBaseURL requires an http(s) base URL the sink adds its paths to: a
// host, no user:password (credentials says where they go instead) and no
// query or fragment, which the sink's own paths would silently break.
func CheckBaseURL(path, raw, credentials string) error {
	if err := CheckURL(path, raw, "http", "https"); err != nil {
		return err
	}
	u, _ := url.Parse(raw)
	switch {
	case u.User != nil:
		return Problemf(path, "must not carry user:password; %s", credentials)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return Problemf(path, "must not have a query or fragment")
	}
	return nil
}

// CheckHostPort requires host:port with a numeric port; the host may be
// empty only when allowEmptyHost ("listen on every interface").
func CheckHostPort(path, addr string, allowEmptyHost bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return Problemf(path, "%q is not host:port", addr)
	}
	var errs []error
	if host == "" && !allowEmptyHost {
		errs = append(errs, Problemf(path, "%q has no host", addr))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		errs = append(errs, Problemf(path, "%q: the port must be a number from 1 to 65535", addr))
	}
	return errors.Join(errs...)
}

// CheckListen requires an address to listen on: an IP address of this host,
// "localhost" or nothing (every address), and a port from 0 to 65535 (0:
// any free port, which the listener then reports). A host name is refused:
// it would be looked up at each start, and one that does not resolve then
// would stop the service on something a restart cannot fix.
func CheckListen(path, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return Problemf(path, "%q is not host:port", addr)
	}
	var errs []error
	if _, err := netip.ParseAddr(host); err != nil && host != "" && host != "localhost" {
		errs = append(errs, Problemf(path, "%q: the host must be an IP address of this host, localhost, or empty for every address (not a name to look up)", addr))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, Problemf(path, "%q: the port must be a number from 0 (any free port) to 65535", addr))
	}
	return errors.Join(errs...)
}

// CheckPositive requires d > 0.
func CheckPositive(path string, d time.Duration) error {
	if d <= 0 {
		return Problemf(path, "must be greater than 0 (got %s)", FormatDuration(d))
	}
	return nil
}

// CheckNotNegative requires d ≥ 0.
func CheckNotNegative(path string, d time.Duration) error {
	if d < 0 {
		return Problemf(path, "must not be negative (got %s)", FormatDuration(d))
	}
	return nil
}

// FormatDuration prints a duration without trailing zero units ("1h", not
// "1h0m0s").
func FormatDuration(d time.Duration) string {
	s := d.String()
	if t, ok := strings.CutSuffix(s, "m0s"); ok && strings.ContainsAny(t, "0123456789") {
		s = t + "m"
	}
	if t, ok := strings.CutSuffix(s, "h0m"); ok {
		s = t + "h"
	}
	return s
}
