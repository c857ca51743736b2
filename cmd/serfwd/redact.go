// Keeping secrets out of what commands print: URLs lose their userinfo and
// query values, and any configured secret in a message is replaced.

package main

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/serapi"
)

const redacted = "[REDACTED]"

// userinfoRE matches the userinfo of a URL inside free text.
var userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@`)

// redactURL renders raw without userinfo and query values, which may carry
// credentials. Text that does not parse as a URL is scrubbed of userinfo.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return userinfoRE.ReplaceAllString(raw, "${1}"+redacted+"@")
	}
	if u.User != nil {
		u.User = url.User(redacted)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{redacted}
		}
		u.RawQuery = q.Encode()
	}
	s := u.String()
	return strings.ReplaceAll(s, url.QueryEscape(redacted), redacted)
}

// newScrubber returns a function that removes every secret of cfg from a
// message, and the userinfo of any URL in it.
func newScrubber(cfg *config.Config) func(string) string {
	var secrets []string
	addURL := func(raw string) {
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			secrets = append(secrets, u.User.String())
			if pw, ok := u.User.Password(); ok {
				secrets = append(secrets, pw)
			}
		}
	}
	for _, in := range cfg.Inputs {
		secrets = append(secrets, in.ClientSecret.Reveal())
		addURL(in.APIURL)
		addURL(in.TokenURL)
		addURL(in.Proxy)
	}
	for _, sc := range cfg.Sinks {
		if sc.HEC != nil {
			secrets = append(secrets, sc.HEC.Token.Reveal())
			addURL(sc.HEC.URL)
		}
	}
	return func(s string) string {
		s = userinfoRE.ReplaceAllString(s, "${1}"+redacted+"@")
		for _, sec := range secrets {
			if sec != "" {
				s = strings.ReplaceAll(s, sec, redacted)
			}
		}
		return s
	}
}

// inputTarget is the API URL an input talks to.
func inputTarget(in config.Input) string {
	if in.APIURL == "" {
		return serapi.DefaultAPIURL
	}
	return redactURL(in.APIURL)
}

// sinkTarget is where a sink delivers: a URL, network://address or a path.
func sinkTarget(sc config.Sink) string {
	switch {
	case sc.HEC != nil:
		return redactURL(sc.HEC.URL)
	case sc.Syslog != nil && sc.Syslog.Network != "":
		return sc.Syslog.Network + "://" + sc.Syslog.Address
	case sc.Syslog != nil:
		return sc.Syslog.Address
	case sc.File != nil:
		return sc.File.Path
	}
	return "-"
}
