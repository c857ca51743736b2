package syslog

// tlsconfig.go builds the client TLS configuration: TLS 1.2 or newer,
// verification on unless insecure_skip_verify, ca_file added to the system
// roots, an optional client certificate for mutual TLS, and the server name
// taken from the address host.

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
)

func buildTLSConfig(o options) (*tls.Config, error) {
	host, _, err := net.SplitHostPort(o.address)
	if err != nil {
		return nil, fmt.Errorf("parsing address %q: %w", o.address, err)
	}
	conf := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         host,
		InsecureSkipVerify: o.tls.InsecureSkipVerify, //nolint:gosec // opt-in, warned about loudly in New
	}
	if o.tls.CAFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(o.tls.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading tls.ca_file: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("reading tls.ca_file %s: %w", o.tls.CAFile, errors.New("no PEM certificates found"))
		}
		conf.RootCAs = pool
	}
	if o.tls.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(o.tls.CertFile, o.tls.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading tls.cert_file/key_file: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf, nil
}
