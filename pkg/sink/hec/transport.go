// transport.go builds the one HTTP client a sink uses: TLS 1.2 or later,
// system roots plus an optional CA file, keep-alive reuse, a per-request
// timeout.
package hec

import (
	"crypto/tls"
	"net/http"

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
func tlsConfig(c config.TLS) (*tls.Config, error) { return c.ClientConfig() }
