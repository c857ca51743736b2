// New: the one constructor of serfwd's HTTP clients, and its options.

package httpx

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

// Defaults for Options left at zero.
const (
	DefaultDialTimeout         = 30 * time.Second
	DefaultTLSHandshakeTimeout = 10 * time.Second
	DefaultIdleConnTimeout     = 90 * time.Second
	DefaultMaxIdleConns        = 16
	DefaultMaxIdleConnsPerHost = 4
	maxResponseHeaderBytes     = 64 << 10
)

// Options configure a client. Zero values mean the defaults above.
type Options struct {
	// TLS is the component's tls block (CA file, client certificate,
	// insecure_skip_verify); TLS 1.2 is the minimum.
	TLS config.TLS
	// Proxy is an http(s) proxy URL; "" uses the environment (HTTPS_PROXY,
	// HTTP_PROXY, NO_PROXY).
	Proxy string
	// Timeout bounds one request from sending to the end of reading its
	// answer (http.Client.Timeout); 0 leaves it to the request's context.
	Timeout time.Duration
	// DialTimeout bounds connecting; TLSHandshakeTimeout the handshake.
	DialTimeout, TLSHandshakeTimeout time.Duration
	// MaxIdleConns and MaxIdleConnsPerHost size the connection pool;
	// IdleConnTimeout closes connections idle that long.
	MaxIdleConns, MaxIdleConnsPerHost int
	IdleConnTimeout                   time.Duration
	// Wrap, when set, wraps the pooled transport, under serfwd's rules: it
	// sees every attempt and its answer as the server sent it, 3xx
	// included (e.g. a rate limiter, metrics).
	Wrap func(http.RoundTripper) http.RoundTripper
}

// New builds a client per o. It never follows redirects, asks for
// identity encoding and inflates a coded answer as it is read (see the
// package comment). It performs no I/O beyond reading the TLS files.
func New(o Options) (*http.Client, error) {
	tc, err := o.TLS.ClientConfig()
	if err != nil {
		return nil, err
	}
	proxy, err := proxyFunc(o.Proxy)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: orDefault(o.DialTimeout, DefaultDialTimeout), KeepAlive: 30 * time.Second}
	base := &http.Transport{
		Proxy:                  proxy,
		DialContext:            dialer.DialContext,
		TLSClientConfig:        tc,
		ForceAttemptHTTP2:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
		MaxIdleConns:           orDefault(o.MaxIdleConns, DefaultMaxIdleConns),
		MaxIdleConnsPerHost:    orDefault(o.MaxIdleConnsPerHost, DefaultMaxIdleConnsPerHost),
		IdleConnTimeout:        orDefault(o.IdleConnTimeout, DefaultIdleConnTimeout),
		TLSHandshakeTimeout:    orDefault(o.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout),
		ExpectContinueTimeout:  time.Second,
	}
	var rt http.RoundTripper = base
	if o.Wrap != nil {
		rt = o.Wrap(base)
	}
	return &http.Client{
		Transport:     &edge{next: rt, closeIdle: base.CloseIdleConnections},
		Timeout:       o.Timeout,
		CheckRedirect: RefuseRedirect,
	}, nil
}

// ErrRedirect is what a client with RefuseRedirect returns for a 3xx.
var ErrRedirect = errors.New("redirects are never followed")

// RefuseRedirect is the CheckRedirect of every HTTP client of serfwd: a
// redirect is never followed. For New's clients it is a second guard (edge
// already turns every 3xx into a *RedirectError); a client that New does
// not build (the control socket's, over a Unix socket) sets it itself.
func RefuseRedirect(*http.Request, []*http.Request) error { return ErrRedirect }

// proxyFunc uses the configured proxy URL, else the environment.
func proxyFunc(proxy string) (func(*http.Request) (*url.URL, error), error) {
	if proxy == "" {
		return http.ProxyFromEnvironment, nil
	}
	u, err := url.Parse(proxy)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("proxy: not an absolute URL (want e.g. http://proxy.example.com:3128)")
	}
	return http.ProxyURL(u), nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Cause returns the error under the *url.Error that http.Client wraps
// every transport error in ("Get \"https://…\": …"), so that callers that
// name the endpoint themselves do not repeat the URL.
func Cause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
