// Construction of the per-input HTTP stack: serfwd's one HTTP client
// (pkg/httpx: TLS, proxy, no redirects, identity encoding) with the
// limiter under it, and the retryablehttp client on top.

package serapi

import (
	"net/http"

	"github.com/hashicorp/go-retryablehttp"
	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/httpx"
)

// newHTTPClient builds the input's client; limit wraps the pooled
// transport (the limiter sees every attempt); failFast shortens connecting
// and the TLS handshake (Options.FailFast). It warns when TLS verification
// is off.
func newHTTPClient(in config.Input, log *zap.Logger, limit func(http.RoundTripper) http.RoundTripper, failFast bool) (*http.Client, error) {
	o := httpx.Options{
		TLS:                 in.TLS,
		Proxy:               in.Proxy,
		MaxIdleConns:        in.Concurrency + 4,
		MaxIdleConnsPerHost: in.Concurrency + 2,
		Wrap:                limit, // the per-attempt timeout lives in the limiter
	}
	if failFast {
		o.DialTimeout, o.TLSHandshakeTimeout = oneShotConnectTimeout, oneShotConnectTimeout
	}
	hc, err := httpx.New(o)
	if err != nil {
		return nil, err
	}
	if in.TLS.InsecureSkipVerify {
		log.Warn("TLS certificate verification is disabled (tls.insecure_skip_verify); the API's identity is not checked")
	}
	return hc, nil
}

// newRetryClient wraps the HTTP client in retryablehttp with the retry
// policy; every failed attempt is noted for the final error (do).
func newRetryClient(hc *http.Client, log *zap.Logger, opts Options, policy retryablehttp.CheckRetry) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       zapLeveled{log: log, quiet: opts.FailFast},
		RetryWaitMin: opts.RetryWaitMin,
		RetryWaitMax: opts.RetryWaitMax,
		RetryMax:     opts.RetryMax,
		CheckRetry:   logAttempts(policy),
		Backoff:      backoff,
		ErrorHandler: giveUp,
	}
}
