package syslog

// tlsconfig.go builds the client TLS configuration: TLS 1.2 or newer,
// verification on unless insecure_skip_verify, ca_file added to the system
// roots, an optional client certificate for mutual TLS, and the server name
// taken from the address host.

import (
	"crypto/tls"
	"fmt"
	"net"
)

func buildTLSConfig(o options) (*tls.Config, error) {
	host, _, err := net.SplitHostPort(o.address)
	if err != nil {
		return nil, fmt.Errorf("parsing address %q: %w", o.address, err)
	}
	conf, err := o.tls.ClientConfig()
	if err != nil {
		return nil, err
	}
	conf.ServerName = host
	return conf, nil
}
