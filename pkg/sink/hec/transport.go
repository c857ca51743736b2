// transport.go builds the one HTTP client a sink uses — serfwd's HTTP client
// (pkg/httpx: TLS 1.2 or later, system roots plus an optional CA file,
// keep-alive reuse, redirects never followed) with a per-request timeout —
// and classifies the round trips that fail.

package hec

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/httpx"
	"github.com/serfwd/serfwd/pkg/sink"
)

// newClient returns an HTTP client for the HEC endpoint.
func newClient(c config.TLS) (*http.Client, error) {
	return httpx.New(httpx.Options{TLS: c, Timeout: requestTimeout, MaxIdleConns: 16, MaxIdleConnsPerHost: 4})
}

// redirectHint is the advice for a HEC URL that answers with a redirect.
const redirectHint = "set url to the address where HEC answers itself (e.g. https://splunk.example.com:8088)"

// transportError classifies a failed round trip: a redirect or a
// certificate that does not verify is a configuration problem (the events
// stay queued), everything else is retried.
func (s *Sink) transportError(ctx context.Context, path string, err error) error {
	var re *httpx.RedirectError
	if errors.As(err, &re) {
		// The redirect names the origin: only the path is new here.
		err = sink.Permanent(&hintError{err: fmt.Errorf("splunk hec %s: %w", path, re), hint: redirectHint})
		s.set.Metrics.ConfigProblem(s.set.Name, err)
		return err
	}
	err = fmt.Errorf("splunk hec %s: %w", s.opt.base+path, httpx.Cause(err))
	if ctx.Err() != nil {
		return err
	}
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) {
		err = sink.Permanent(fmt.Errorf("%w: set tls.ca_file to the CA that signed Splunk's certificate", err))
		s.set.Metrics.ConfigProblem(s.set.Name, err)
	}
	return err
}
