// transport.go builds the one HTTP client a sink uses: TLS 1.2 or later,
// system roots plus an optional CA file, keep-alive reuse, a per-request
// timeout.
package hec

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"

	"github.com/serfwd/serfwd/pkg/config"
)

// newClient returns an HTTP client for the HEC endpoint.
func newClient(c config.TLS) (*http.Client, error) {
	tc, err := tlsConfig(c)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tc
	tr.MaxIdleConns = 16
	tr.MaxIdleConnsPerHost = 4
	return &http.Client{Transport: tr, Timeout: requestTimeout}, nil
}

// tlsConfig builds the client TLS settings from the sink's tls block.
func tlsConfig(c config.TLS) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.InsecureSkipVerify} //nolint:gosec // opt-in, warned about at New
	if c.CAFile == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, fmt.Errorf("reading tls.ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("tls.ca_file %s: no PEM certificates found", c.CAFile)
	}
	tc.RootCAs = pool
	return tc, nil
}
