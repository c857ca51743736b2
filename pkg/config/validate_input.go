// Validation of one input (an SER account).

package config

import (
	"strings"
	"time"
)

// Validate checks the input on its own (not its sink names), with paths
// relative to it.
func (in Input) Validate() error {
	var p Problems
	in.validate(&p, "")
	return p.err()
}

func (in Input) validate(p *Problems, path string) {
	checkName(p, field(path, "name"), in.Name)
	p.check(CheckURL(field(path, "token_url"), in.TokenURL, "http", "https"),
		CheckURL(field(path, "api_url"), in.APIURL, "http", "https"))
	if strings.TrimSpace(in.ClientID) == "" {
		p.add(field(path, "client_id"), "required")
	}
	if in.ClientSecret == "" {
		p.add(field(path, "client_secret"), "required (or client_secret_file)")
	}
	in.validateTiming(p, path)
	if in.Concurrency < 1 || in.Concurrency > MaxConcurrency {
		p.add(field(path, "concurrency"), "must be from 1 to %d (got %d)", MaxConcurrency, in.Concurrency)
	}
	p.check(CheckPositive(field(path, "timeout"), in.Timeout))
	if in.MaxBodyBytes < 1 {
		p.add(field(path, "max_body_bytes"), "must be greater than 0")
	}
	p.addErr(field(path, "tls"), in.TLS.ValidateWithoutClientCert())
	if in.Proxy != "" {
		p.check(CheckURL(field(path, "proxy"), in.Proxy, "http", "https", "socks5"))
	}
}

// validateTiming checks the window, the schedule and the rate limit.
func (in Input) validateTiming(p *Problems, path string) {
	const day = 24 * time.Hour
	switch wp := field(path, "window"); {
	case in.Window < MinWindow:
		p.add(wp, "must be at least %s (got %s)", FormatDuration(MinWindow), FormatDuration(in.Window))
	case day%in.Window != 0:
		p.add(wp, "%s does not divide 24h evenly, so windows could not align to UTC days (use e.g. 5m, 15m, 30m, 1h, 2h, 3h, 4h, 6h, 12h or 24h)", FormatDuration(in.Window))
	}
	p.check(CheckPositive(field(path, "interval"), in.Interval), CheckNotNegative(field(path, "delay"), in.Delay))
	if in.Lookback < in.Window && in.Window > 0 {
		p.add(field(path, "lookback"), "must be at least the window (%s), got %s", FormatDuration(in.Window), FormatDuration(in.Lookback))
	}
	p.check(CheckNotNegative(field(path, "revisit"), in.Revisit))
	if !in.Start.IsZero() {
		p.addErr(field(path, "start"), CheckTime(in.Start))
	}
	rp := field(path, "rate_limit")
	if in.RateLimit.N < 1 {
		p.add(rp, "must allow at least 1 request (got %d)", in.RateLimit.N)
	}
	if in.RateLimit.Period < time.Second {
		p.add(rp, "the period must be at least 1s (got %s)", FormatDuration(in.RateLimit.Period))
	}
}
