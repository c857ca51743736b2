// Options configure the simulator: credentials, limits, data shape and faults.

package sersim

import (
	"time"

	"go.uber.org/zap"
)

// Default values applied by New for zero Options fields.
const (
	DefaultTokenLifetime    = 12 * time.Hour
	DefaultRateLimit        = 1000
	DefaultRatePeriod       = time.Minute
	DefaultAnnualThroughput = int64(1) << 40 // 1 TiB
	DefaultAddr             = "127.0.0.1:0"
)

// Default licence period, as in SPEC §1's example body.
var (
	DefaultLicenseStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	DefaultLicenseEnd   = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Options configure a Server. The zero value is a well-behaved simulator
// that accepts any credentials; a zero fault field means that fault is off.
type Options struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port).
	Addr string

	// ClientID and ClientSecret, when set, are the only credentials the
	// token endpoint accepts (each is checked only if set); others get 401.
	ClientID     string
	ClientSecret string
	// TokenLifetime is how long an issued token is valid; default 12h.
	TokenLifetime time.Duration

	// RateLimit report requests are allowed per client in any RatePeriod
	// (sliding window over the arrival times of accepted requests); the
	// rest get 429. Default 1000 per 1m; a negative RateLimit turns it off.
	RateLimit  int
	RatePeriod time.Duration
	// RetryAfter adds a Retry-After header (seconds) to 429 answers.
	RetryAfter bool

	// Seed varies the generated data; the same seed and window always give
	// the same records.
	Seed uint64
	// RecordsPerWindow forces every window (that has started) to hold this
	// many records; 0 = natural: 1 to 15, and no records in about one
	// window in twelve.
	RecordsPerWindow int
	// ListsOnly always encodes fromEnvelope/fromHeader as lists; by default
	// about one single-item list in ten is sent as a bare string.
	ListsOnly bool
	// SettleAfter makes about a third of the records of a window carry
	// tempFailure/inProgress counts while the window's end is less than
	// SettleAfter ago; afterwards those counts move to success and failure
	// (total unchanged). 0 = records are always settled.
	SettleAfter time.Duration

	// Entitlement block; defaults: 1 TiB, 2026-01-01 to 2027-01-01.
	AnnualThroughput int64
	LicenseStart     time.Time
	LicenseEnd       time.Time

	// Latency is added to every request before it is answered.
	Latency time.Duration
	// StreamPause makes a report body trickle: after every 1000 records the
	// server sends what it wrote and waits this long (e.g. to have a client
	// work on a window for a while).
	StreamPause time.Duration
	// FailEvery N: every Nth report request answers 500 or 503 (alternating).
	FailEvery int
	// BadJSONEvery N: every Nth report request answers 200 with an HTML page.
	BadJSONEvery int
	// ResetEvery N: every Nth report request has its connection closed
	// without an answer. (Go's http.Transport silently retries a GET whose
	// reused keep-alive connection fails this way, so a client may see the
	// next answer instead of an error.)
	ResetEvery int
	// SlowEvery N: every Nth report request waits SlowLatency (on top of
	// Latency) before it is answered, e.g. to exceed a client's timeout.
	// A client that gives up meanwhile gets no answer (logged as FaultSlow).
	SlowEvery   int
	SlowLatency time.Duration

	// Now is the clock for token expiry, the rate limit, settling and an
	// omitted endTimeStamp; default time.Now.
	Now func() time.Time
	// Logger receives one debug line per request; default: none.
	Logger *zap.Logger
	// MaxLog caps the request log kept for Stats (oldest entries go first);
	// 0 = 100,000, negative = unlimited.
	MaxLog int
}

// withDefaults returns o with its zero fields filled in.
func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = DefaultTokenLifetime
	}
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.RatePeriod <= 0 {
		o.RatePeriod = DefaultRatePeriod
	}
	if o.AnnualThroughput == 0 {
		o.AnnualThroughput = DefaultAnnualThroughput
	}
	if o.LicenseStart.IsZero() {
		o.LicenseStart = DefaultLicenseStart
	}
	if o.LicenseEnd.IsZero() {
		o.LicenseEnd = DefaultLicenseEnd
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.MaxLog == 0 {
		o.MaxLog = 100_000
	}
	return o
}
