// The client TLS settings built from a tls block, shared by the SER client
// and the sinks.

package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// ClientConfig builds client TLS settings: TLS 1.2 or newer, the system roots
// plus ca_file, a client certificate when cert_file and key_file are set, and
// verification unless insecure_skip_verify (callers warn about that loudly).
func (t TLS) ClientConfig() (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // opt-in, warned about by callers
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading tls.ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("reading tls.ca_file %s: no PEM certificates found", t.CAFile)
		}
		conf.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading tls.cert_file/key_file: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf, nil
}

// Validate checks a tls block of a client that may present a certificate:
// cert_file and key_file go together.
func (t TLS) Validate() error {
	if (t.CertFile == "") != (t.KeyFile == "") {
		return Problemf("", "cert_file and key_file go together: set both or neither")
	}
	return nil
}

// ValidateWithoutClientCert checks a tls block of a client that presents no
// certificate: cert_file and key_file are refused.
func (t TLS) ValidateWithoutClientCert() error {
	var errs []error
	if t.CertFile != "" {
		errs = append(errs, Problemf("cert_file", "not supported here (no client certificate is presented to this server)"))
	}
	if t.KeyFile != "" {
		errs = append(errs, Problemf("key_file", "not supported here (no client certificate is presented to this server)"))
	}
	return errors.Join(errs...)
}
