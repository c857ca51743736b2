// tlsconfig.go builds the client TLS configuration: TLS 1.2 or newer,
// verification on unless insecure_skip_verify, ca_file added to the system
// roots, an optional client certificate for mutual TLS, and the server name
// taken from the address host.

package syslog

import "crypto/tls"

func buildTLSConfig(o options) (*tls.Config, error) {
	conf, err := o.tls.ClientConfig()
	if err != nil {
		return nil, err
	}
	conf.ServerName = o.serverName()
	return conf, nil
}
