// The Retry-After header of HTTP (RFC 9110 §10.2.3): how long a server asks
// a client to wait, read once for every HTTP client of serfwd.

package backoff

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter caps what a server may ask for: a longer Retry-After is
// honoured as this long, so that a hostile or confused server cannot park a
// sink or an input for days.
const MaxRetryAfter = 10 * time.Minute

// ParseRetryAfter reads a Retry-After value, delay-seconds or an HTTP date
// (relative to now), and returns the wait, capped at MaxRetryAfter; a date
// in the past is a wait of 0. ok is false when v is empty or neither form.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(MaxRetryAfter/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), MaxRetryAfter), true
}

// AtLeast is wait d stretched to a server's requested wait, capped at
// MaxRetryAfter: a destination that asks for longer gets it, one that asks
// for less does not shorten the backoff. It is serfwd's one Retry-After
// policy: the delivery loop and the SER API client both wait through it.
func AtLeast(d, requested time.Duration) time.Duration {
	return max(d, min(requested, MaxRetryAfter))
}
