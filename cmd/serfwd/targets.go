// What the check table names as each input's and sink's target, with
// credentials removed from URLs.

package main

import (
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/redact"
	"github.com/serfwd/serfwd/pkg/serapi"
)

// inputTarget is the API URL an input talks to.
func inputTarget(in config.Input) string {
	if in.APIURL == "" {
		return serapi.DefaultAPIURL
	}
	return redact.URL(in.APIURL)
}

// sinkTarget is where a sink delivers: a URL, network://address or a path.
func sinkTarget(sc config.Sink) string {
	switch {
	case sc.HEC != nil:
		return redact.URL(sc.HEC.URL)
	case sc.Syslog != nil && sc.Syslog.Network != "":
		return sc.Syslog.Network + "://" + sc.Syslog.Address
	case sc.Syslog != nil:
		return sc.Syslog.Address
	case sc.File != nil:
		return sc.File.Path
	}
	return "-"
}
