// The OAuth client-credentials token source: one token per input, reused,
// refreshed shortly before expiry, one refresh shared by all callers.

package serapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/serfwd/serfwd/pkg/httpx"
	"github.com/serfwd/serfwd/pkg/redact"
)

const (
	defaultTokenLifetime = 12 * time.Hour // when expires_in is missing or not a number
	minTokenLifetime     = time.Minute    // a shorter (or negative) expires_in is raised to it
	maxTokenLifetime     = 24 * time.Hour // a longer one is lowered to it
	maxRefreshMargin     = 5 * time.Minute
	maxTokenBody         = 1 << 20
)

// tokenSource fetches and caches the bearer token.
type tokenSource struct {
	url          string
	clientID     string
	clientSecret string
	http         *retryablehttp.Client
	observer     Observer
	now          func() time.Time
	redact       *redact.Redactor // knows the client secret

	mu        sync.Mutex
	token     string
	refreshAt time.Time
	call      *tokenCall // the refresh in progress, if any
	fetched   int        // tokens obtained so far
}

// fetches tells how many tokens were obtained so far.
func (s *tokenSource) fetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetched
}

// tokenCall is one token request that several callers may wait for.
type tokenCall struct {
	done  chan struct{}
	token string
	err   error
}

// get returns a token that is not yet due for refresh, fetching one if
// needed. With force, a token equal to stale is not accepted (the API
// rejected it); a different, newer token is.
func (s *tokenSource) get(ctx context.Context, force bool, stale string) (string, error) {
	for {
		s.mu.Lock()
		fresh := s.token != "" && s.now().Before(s.refreshAt)
		if fresh && (!force || s.token != stale) {
			tok := s.token
			s.mu.Unlock()
			return tok, nil
		}
		call, leader := s.call, false
		if call == nil {
			call, leader = &tokenCall{done: make(chan struct{})}, true
			s.call = call
		}
		s.mu.Unlock()

		if leader {
			s.lead(ctx, call)
		}
		select {
		case <-call.done:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		if call.err == nil {
			return call.token, nil
		}
		// The leader's own context ended: ours is alive, so try again.
		if !leader && ctx.Err() == nil && isContextErr(call.err) {
			continue
		}
		return "", call.err
	}
}

// lead performs the token request for call and publishes its result.
func (s *tokenSource) lead(ctx context.Context, call *tokenCall) {
	tok, lifetime, err := s.fetch(ctx)
	s.mu.Lock()
	if err == nil {
		margin := min(maxRefreshMargin, lifetime/10)
		s.token, s.refreshAt = tok, s.now().Add(lifetime-margin)
		s.fetched++
	}
	s.call = nil
	s.mu.Unlock()
	call.token, call.err = tok, err
	close(call.done)
	if err == nil {
		s.observer.TokenRefresh()
	}
}

// tokenAnswer is the token endpoint's JSON; expires_in may be a number, a
// string or anything else (see lifetime).
type tokenAnswer struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

// fetch posts the client credentials and parses the answer. Its errors
// never contain the secret or a token.
func (s *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.clientID},
		"client_secret": {s.clientSecret},
	}.Encode()
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, s.url, []byte(form))
	if err != nil {
		return "", 0, fmt.Errorf("requesting token: %w", httpx.Cause(err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := do(s.http, req)
	if err != nil {
		return "", 0, fmt.Errorf("requesting token: %w", redirectHint(err, "token_url"))
	}
	defer drainClose(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", 0, s.statusError(resp)
	}
	var ans tokenAnswer
	body := httpx.LimitReader(resp.Body, maxTokenBody, "the token answer limit")
	if err := json.NewDecoder(body).Decode(&ans); err != nil {
		if errors.Is(err, httpx.ErrTooLarge) {
			return "", 0, fmt.Errorf("requesting token from %s: %w", resp.Request.URL.Host, err)
		}
		return "", 0, fmt.Errorf("requesting token from %s: answer is not the expected JSON", resp.Request.URL.Host)
	}
	if ans.AccessToken == "" {
		return "", 0, fmt.Errorf("requesting token from %s: answer has no access_token", resp.Request.URL.Host)
	}
	return ans.AccessToken, lifetime(ans.ExpiresIn), nil
}

// statusError describes a refused token request.
func (s *tokenSource) statusError(resp *http.Response) error {
	serr := &StatusError{Code: resp.StatusCode, Host: resp.Request.URL.Host, Prefix: s.redact.Excerpt(readPrefix(resp.Body))}
	if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("requesting token: %w: check client_id/client_secret", serr)
	}
	return fmt.Errorf("requesting token: %w", serr)
}

// lifetime reads expires_in, seconds as a JSON number or a string holding
// one. Missing, null or not a number means the documented 12 h; a number is
// clamped to [1 min, 24 h], so that a server answering 0, a negative value
// or 1e300 gets neither a token request per report nor a token kept for
// centuries (a 401 still fetches a fresh one early).
func lifetime(raw json.RawMessage) time.Duration {
	text := strings.TrimSpace(string(raw))
	if unq, err := strconv.Unquote(text); err == nil {
		text = strings.TrimSpace(unq)
	}
	secs, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(secs) {
		return defaultTokenLifetime
	}
	switch {
	case secs < minTokenLifetime.Seconds():
		return minTokenLifetime
	case secs > maxTokenLifetime.Seconds():
		return maxTokenLifetime
	}
	return time.Duration(secs * float64(time.Second))
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// bearer renders the Authorization header value.
func bearer(tok string) string { return "Bearer " + strings.TrimSpace(tok) }
