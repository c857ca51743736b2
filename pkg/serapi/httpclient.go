// Construction of the per-input HTTP stack: TLS, proxy, transport, limiter
// and the retryablehttp client on top.

package serapi

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
)

// tlsConfig builds the client TLS settings and warns when verification is off.
func tlsConfig(c config.TLS, log *zap.Logger) (*tls.Config, error) {
	cfg, err := c.ClientConfig()
	if err != nil {
		return nil, err
	}
	if c.InsecureSkipVerify {
		log.Warn("TLS certificate verification is disabled (tls.insecure_skip_verify); the API's identity is not checked")
	}
	return cfg, nil
}

// proxyFunc uses the configured proxy URL, else the environment.
func proxyFunc(proxy string) (func(*http.Request) (*url.URL, error), error) {
	if proxy == "" {
		return http.ProxyFromEnvironment, nil
	}
	u, err := url.Parse(proxy)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("parsing proxy: not an absolute URL (want e.g. http://proxy.example.com:3128)")
	}
	return http.ProxyURL(u), nil
}

// baseTransport is the pooled HTTP transport under the limiter.
func baseTransport(in config.Input, log *zap.Logger, failFast bool) (*http.Transport, error) {
	tc, err := tlsConfig(in.TLS, log)
	if err != nil {
		return nil, err
	}
	proxy, err := proxyFunc(in.Proxy)
	if err != nil {
		return nil, err
	}
	dialTimeout, handshakeTimeout := 30*time.Second, 10*time.Second
	if failFast {
		dialTimeout, handshakeTimeout = failFastTimeout, failFastTimeout
	}
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 proxy,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tc,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          in.Concurrency + 4,
		MaxIdleConnsPerHost:   in.Concurrency + 2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   handshakeTimeout,
		ExpectContinueTimeout: time.Second,
	}, nil
}

// newRetryClient wraps the limited transport in retryablehttp.
func newRetryClient(rt http.RoundTripper, log *zap.Logger, opts Options) *retryablehttp.Client {
	c := &retryablehttp.Client{
		HTTPClient:   &http.Client{Transport: rt}, // per-attempt timeout lives in the transport
		Logger:       zapLeveled{log: log},
		RetryWaitMin: opts.RetryWaitMin,
		RetryWaitMax: opts.RetryWaitMax,
		RetryMax:     opts.RetryMax,
		CheckRetry:   checkRetry,
		Backoff:      backoff,
		ErrorHandler: giveUp,
	}
	if opts.FailFast {
		c.CheckRetry = failFast(c.CheckRetry)
	}
	return c
}
