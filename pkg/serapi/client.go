// The Client: one per input, built from its config, serving Report and
// Token to the poller and to `serfwd check`.

package serapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/redact"
)

// Defaults applied by New when the input leaves a value zero.
const (
	DefaultTokenURL     = "https://auth.proofpoint.com/v1/token"
	DefaultAPIURL       = "https://ser-api.proofpoint.com"
	DefaultMaxBodyBytes = 256 << 20
	defaultConcurrency  = 4
	defaultTimeout      = 30 * time.Second
	defaultBodyRetries  = 3
	reportPath          = "/v1/sercustomer/report/summary"
)

// Observer receives measurements for metrics. Request is called once per
// HTTP attempt (token and report) with its status code, 0 for a network
// error, and its duration; TokenRefresh once per token obtained.
type Observer interface {
	Request(code int, d time.Duration)
	TokenRefresh()
}

// FailureObserver is an Observer that also hears of every attempt that got
// no answer (a network error) or one that is retried (429, 5xx), as it
// happens, before any retry: a live view can show why an input is stuck
// while the client still retries.
type FailureObserver interface {
	Observer
	RequestFailed(err error)
}

// Options are the non-config inputs of New. Zero values mean defaults.
type Options struct {
	Logger       *zap.Logger // scoped by the caller (e.g. with the input name); nil = no logs
	Observer     Observer    // nil = none
	MaxBodyBytes int64       // answer size cap after decoding; default: the input's max_body_bytes, else 256 MiB

	// Retry tuning, mainly so that tests run fast. Defaults: 8 retries,
	// backoff 1s..60s, 3 re-fetches of a 200 whose body is not a report.
	RetryMax     int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	BodyRetries  int

	// FailFast is the one-shot policy (`once`, `backfill`; oneshot.go):
	// each request is tried at most 5 times with waits of at most 10 s;
	// connecting and the TLS handshake time out after 8 s; once an attempt
	// failed, the input has GiveUpAfter to get a good answer before every
	// request of it ends with a *GaveUpError, and no attempt is made that
	// could not end before (so a timed-out attempt of a 30 s timeout is the
	// last); a 429/503 whose Retry-After asks for more than 10 s is not
	// tried again. Each failed attempt is logged at debug only: the caller
	// reports the outcome.
	FailFast bool
	// GiveUpAfter is FailFast's deadline; default DefaultGiveUpAfter.
	GiveUpAfter time.Duration
}

// Client talks to one SER account. It is safe for concurrent use.
type Client struct {
	log         *zap.Logger
	reportURL   *url.URL
	http        *retryablehttp.Client
	tokens      *tokenSource
	limiter     *Limiter
	gate        *limitedTransport // the limiter's RoundTripper, under httpx's rules
	deadline    *deadline         // FailFast's; nil for the patient policy
	maxBody     int64
	opts        Options
	concurrency int
}

// New builds the client of one input: HTTP transport (TLS, proxy), the
// input's rate limiter and concurrency cap, the retrying client and the
// token source. It performs no network I/O.
func New(in config.Input, opts Options) (*Client, error) {
	in, opts = withDefaults(in, opts)
	api, err := parseBase(in.APIURL, "api_url")
	if err != nil {
		return nil, err
	}
	if _, err := parseBase(in.TokenURL, "token_url"); err != nil {
		return nil, err
	}
	limiter := NewLimiter(in.RateLimit.N, in.RateLimit.Period)
	var dl *deadline
	if opts.FailFast {
		dl = newDeadline(opts.GiveUpAfter)
	}
	var gate *limitedTransport
	limit := func(base http.RoundTripper) http.RoundTripper {
		gate = &limitedTransport{base: base, limiter: limiter, slots: make(chan struct{}, in.Concurrency),
			timeout: in.Timeout, observer: opts.Observer, deadline: dl}
		return gate
	}
	httpClient, err := newHTTPClient(in, opts.Logger, limit, opts.FailFast)
	if err != nil {
		return nil, fmt.Errorf("building HTTP client: %w", err)
	}
	policy := checkRetry
	if dl != nil {
		policy = dl.retry(policy, opts.RetryWaitMax, in.Timeout)
	}
	hc := newRetryClient(httpClient, opts.Logger, opts, policy)
	api.Path = strings.TrimSuffix(api.Path, "/") + reportPath
	return &Client{
		log:       opts.Logger,
		reportURL: api,
		http:      hc,
		tokens: &tokenSource{url: in.TokenURL, clientID: in.ClientID, clientSecret: in.ClientSecret.Reveal(),
			http: hc, observer: opts.Observer, now: time.Now, redact: redact.New(in.ClientSecret.Reveal())},
		limiter:     limiter,
		gate:        gate,
		deadline:    dl,
		maxBody:     opts.MaxBodyBytes,
		opts:        opts,
		concurrency: in.Concurrency,
	}, nil
}

// withDefaults fills zero values of the input and the options.
func withDefaults(in config.Input, o Options) (config.Input, Options) {
	if in.TokenURL == "" {
		in.TokenURL = DefaultTokenURL
	}
	if in.APIURL == "" {
		in.APIURL = DefaultAPIURL
	}
	if in.RateLimit.N == 0 {
		in.RateLimit = config.RateLimit{N: 1000, Period: time.Minute}
	}
	if in.Concurrency <= 0 {
		in.Concurrency = defaultConcurrency
	}
	if in.Timeout <= 0 {
		in.Timeout = defaultTimeout
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = int64(in.MaxBodyBytes)
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.RetryMax <= 0 {
		o.RetryMax = defaultRetryMax
	}
	if o.RetryWaitMin <= 0 {
		o.RetryWaitMin = defaultRetryWaitMin
	}
	if o.RetryWaitMax <= 0 {
		o.RetryWaitMax = max(defaultRetryWaitMax, o.RetryWaitMin)
	}
	if o.BodyRetries <= 0 {
		o.BodyRetries = defaultBodyRetries
	}
	if o.FailFast {
		o.RetryMax, o.RetryWaitMax = min(o.RetryMax, oneShotRetryMax), min(o.RetryWaitMax, oneShotWaitMax)
		o.RetryWaitMin = min(o.RetryWaitMin, o.RetryWaitMax)
		if o.GiveUpAfter <= 0 {
			o.GiveUpAfter = DefaultGiveUpAfter
		}
	}
	return in, o
}

// parseBase checks that a configured URL is absolute http(s).
func parseBase(raw, key string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: not an absolute http(s) URL", key)
	}
	return u, nil
}

// Token obtains a token (or confirms the cached one), for `serfwd check`.
func (c *Client) Token(ctx context.Context) error {
	ctx, leave := c.enter(ctx)
	defer leave()
	_, err := c.tokens.get(ctx, false, "")
	return c.explain(ctx, err)
}

// enter starts a call under the one-shot deadline, when there is one.
func (c *Client) enter(ctx context.Context) (context.Context, func()) {
	if c.deadline == nil {
		return ctx, func() {}
	}
	return c.deadline.enter(ctx)
}

// explain says why a call that the one-shot deadline ended failed.
func (c *Client) explain(ctx context.Context, err error) error {
	if c.deadline == nil {
		return err
	}
	return c.deadline.explain(ctx, err)
}

// Limiter returns the input's rate limiter, shared by all its requests.
func (c *Client) Limiter() *Limiter { return c.limiter }

// Concurrency returns how many requests the client keeps in flight at most.
func (c *Client) Concurrency() int { return c.concurrency }

type nopObserver struct{}

func (nopObserver) Request(int, time.Duration) {}
func (nopObserver) TokenRefresh()              {}
