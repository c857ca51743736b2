// The sink's HTTP client (serfwd's one client constructor, pkg/httpx:
// TLS 1.2 or later, redirects never followed) and one export POST, with the
// failed round trips classified.

package otlp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/httpx"
)

// newClient returns the HTTP client for the receiver.
func newClient(c config.TLS) (*http.Client, error) {
	return httpx.New(httpx.Options{TLS: c, Timeout: requestTimeout})
}

// Content types of OTLP/HTTP requests.
const (
	contentProtobuf = "application/x-protobuf"
	contentJSON     = "application/json"
)

// post sends one encoded (uncompressed) request body and reads the answer.
func (s *Sink) post(ctx context.Context, body []byte) (answer, error) {
	body, err := s.compress(body)
	if err != nil {
		return answer{}, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opt.url, bytes.NewReader(body))
	if err != nil {
		return answer{}, fmt.Errorf("building otlp request: %w", err)
	}
	hr.Header.Set("User-Agent", "serfwd/"+s.set.Version)
	for name, v := range s.opt.headerMap() {
		hr.Header.Set(name, v.Reveal())
	}
	hr.Header.Set("Content-Type", contentProtobuf)
	if s.opt.json {
		hr.Header.Set("Content-Type", contentJSON)
	}
	if s.opt.gzip {
		hr.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := s.client.Do(hr)
	if err != nil {
		return answer{}, s.transportError(ctx, err)
	}
	defer resp.Body.Close()
	return s.readAnswer(resp), nil
}

// transportError classifies a failed round trip: a redirect, a server
// certificate that does not verify or a client certificate the server
// refuses is a configuration problem (the events stay queued), everything
// else is retried.
func (s *Sink) transportError(ctx context.Context, err error) error {
	var re *httpx.RedirectError
	if errors.As(err, &re) {
		return s.configProblem(fmt.Errorf("otlp %s: %w: set endpoint to the address where the receiver answers itself", logsPath, re))
	}
	err = fmt.Errorf("otlp %s: %w", s.opt.url, httpx.Cause(err))
	if ctx.Err() != nil {
		return err
	}
	if cv := (*tls.CertificateVerificationError)(nil); errors.As(err, &cv) {
		return s.configProblem(fmt.Errorf("%w: set tls.ca_file to the CA that signed the receiver's certificate", err))
	}
	if refusedClientCert(err) {
		return s.configProblem(fmt.Errorf("%w: the receiver refused the TLS handshake; it may want a client certificate it trusts (tls.cert_file, tls.key_file)", err))
	}
	return err
}

// clientCertAlerts are the texts of the TLS alerts a server sends when it
// refuses the handshake, about the client's certificate above all (RFC 8446
// §6.2: handshake failure — what a TLS 1.2 server says when none came —,
// bad, unsupported, revoked, expired or unknown certificate, unknown CA,
// certificate required), as crypto/tls names them; it reports them as a
// "remote error" whose type it does not export. Under TLS 1.3 the alert may
// come while the request is being written: that failure is retried.
var clientCertAlerts = []string{"tls: handshake failure", "tls: bad certificate", "tls: unsupported certificate",
	"tls: revoked certificate", "tls: expired certificate", "tls: unknown certificate",
	"tls: unknown certificate authority", "tls: certificate required"}

// refusedClientCert reports whether err is the server's TLS alert about
// the client's certificate.
func refusedClientCert(err error) bool {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return false
	}
	return slices.Contains(clientCertAlerts, op.Err.Error())
}
