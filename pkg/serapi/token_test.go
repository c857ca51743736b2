// Tests of the OAuth token: reused while valid, fetched once for concurrent
// callers, refreshed before expiry and after a 401 (once for many callers,
// and again when a newer token is rejected too), and the errors of failed or
// refused token requests.

package serapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

func TestTokenReused(t *testing.T) {
	f := newFakeSER(t)
	obs := &countingObserver{}
	c := f.client(func(_ *config.Input, o *Options) { o.Observer = obs })
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, err := c.Report(ctx, testWindow); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			if _, err := c.Report(ctx, testWindow); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.tokenCalls.Load(); n != 1 {
		t.Errorf("%d token requests for 25 reports, want 1", n)
	}
	if obs.refreshes != 1 || obs.codes[200] != 26 {
		t.Errorf("observer saw %d refreshes and %v, want 1 and 26×200", obs.refreshes, obs.codes)
	}
}

// TestTokenConcurrentFirstFetch: callers arriving while the token is being
// fetched wait for that one request.
func TestTokenConcurrentFirstFetch(t *testing.T) {
	f := newFakeSER(t)
	f.tokenDelay = 50 * time.Millisecond
	c := f.client()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Go(func() {
			if _, err := c.Report(context.Background(), testWindow); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.tokenCalls.Load(); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
}

// TestTokenRefreshMargin moves a fake clock across the refresh point:
// min(5 min, 10 % of the lifetime) before expiry.
func TestTokenRefreshMargin(t *testing.T) {
	tests := []struct {
		name      string
		expiresIn int64
		before    time.Duration // still reused at this age
		after     time.Duration // refreshed at this age
	}{
		{"12h token, 5 min margin", 43200, 11*time.Hour + 54*time.Minute, 11*time.Hour + 55*time.Minute + time.Second},
		{"100s token, 10s margin", 100, 89900 * time.Millisecond, 90100 * time.Millisecond},
		{"1s token, raised to 1 min, 6s margin", 1, 53900 * time.Millisecond, 54100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSER(t)
			f.expiresIn.Store(tt.expiresIn)
			c := f.client()
			base := time.Now()
			clock := base
			c.tokens.now = func() time.Time { return clock }
			ctx := context.Background()
			if err := c.Token(ctx); err != nil {
				t.Fatal(err)
			}
			clock = base.Add(tt.before)
			if err := c.Token(ctx); err != nil || f.tokenCalls.Load() != 1 {
				t.Fatalf("at %v: %d token requests (err %v), want 1", tt.before, f.tokenCalls.Load(), err)
			}
			clock = base.Add(tt.after)
			if _, err := c.Report(ctx, testWindow); err != nil || f.tokenCalls.Load() != 2 {
				t.Fatalf("at %v: %d token requests (err %v), want 2", tt.after, f.tokenCalls.Load(), err)
			}
		})
	}
}

func TestTokenRefreshOn401(t *testing.T) {
	f := newFakeSER(t)
	obs := &countingObserver{}
	c := f.client(func(_ *config.Input, o *Options) { o.Observer = obs })
	ctx := context.Background()
	if _, err := c.Report(ctx, testWindow); err != nil {
		t.Fatal(err)
	}
	f.revoke()
	rep, err := c.Report(ctx, testWindow)
	if err != nil {
		t.Fatalf("Report after revocation: %v", err)
	}
	if rep.Users.Len() != 1 || f.tokenCalls.Load() != 2 || f.reportCalls.Load() != 3 {
		t.Errorf("users %d, token requests %d, report requests %d; want 1, 2, 3",
			rep.Users.Len(), f.tokenCalls.Load(), f.reportCalls.Load())
	}
	if obs.codes[401] != 1 || obs.refreshes != 2 {
		t.Errorf("observer: %v, %d refreshes", obs.codes, obs.refreshes)
	}
}

func TestTokenPersistent401(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, _ *http.Request, _ int) { http.Error(w, "no", http.StatusUnauthorized) }
	c := f.client()
	_, err := c.Report(context.Background(), testWindow)
	if !errors.Is(err, ErrUnauthorized) || err.Error() != "requesting report: unauthorized (HTTP 401) even with a fresh token" {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if f.reportCalls.Load() != 2 || f.tokenCalls.Load() != 2 {
		t.Errorf("report requests %d, token requests %d; want 2 and 2", f.reportCalls.Load(), f.tokenCalls.Load())
	}
}

// TestTokenConcurrent401SharesRefresh: many callers rejected with the same
// token cause one new token request.
func TestTokenConcurrent401SharesRefresh(t *testing.T) {
	f := newFakeSER(t)
	f.tokenDelay = 20 * time.Millisecond
	c := f.client(func(in *config.Input, _ *Options) { in.Concurrency = 16 })
	ctx := context.Background()
	if err := c.Token(ctx); err != nil {
		t.Fatal(err)
	}
	f.revoke()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Go(func() {
			if _, err := c.Report(ctx, testWindow); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.tokenCalls.Load(); n != 2 {
		t.Errorf("%d token requests, want 2 (initial + one shared refresh)", n)
	}
}

// TestToken401AfterAnotherRefresh: the API rejects the caller's token, and
// the newer token another request fetched meanwhile is rejected too (it
// expired there before serfwd expected): that newer token was not fetched
// for this window, so one token is still fetched for it and the report is
// read.
func TestToken401AfterAnotherRefresh(t *testing.T) {
	f := newFakeSER(t)
	var c *Client
	ctx := context.Background()
	f.report = func(w http.ResponseWriter, r *http.Request, n int) {
		if n > 1 {
			fmt.Fprint(w, oneRecord)
			return
		}
		// While the window's request with bearer-tok-1 is in flight, another
		// request refreshes (bearer-tok-2), and the API stops taking both.
		f.revoke()
		if _, err := c.tokens.get(ctx, true, "bearer-tok-1"); err != nil {
			t.Error(err)
		}
		f.revoke()
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}
	c = f.client()
	if err := c.Token(ctx); err != nil { // bearer-tok-1
		t.Fatal(err)
	}
	rep, err := c.Report(ctx, testWindow)
	if err != nil {
		t.Fatalf("Report: %v", err)
	}
	// tok-1 refused, tok-2 (not fetched for this window) refused, tok-3
	// (fetched for it) answered.
	if rep.Users.Len() != 1 || f.tokenCalls.Load() != 3 || f.reportCalls.Load() != 3 {
		t.Errorf("users %d, token requests %d, report requests %d; want 1, 3, 3",
			rep.Users.Len(), f.tokenCalls.Load(), f.reportCalls.Load())
	}
}

// TestTokenExpiringWhileRetried: a token fetched for the window expires
// at the API while an attempt is retried after a 503; the 401 that follows
// is not the API's last word, so a newer token is fetched and the report
// read. A token refused at once stays final (TestTokenPersistent401).
func TestTokenExpiringWhileRetried(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 || n == 3 { // the answer is late, and the token expires meanwhile
			f.revoke()
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, oneRecord)
	}
	c := f.client()
	ctx := context.Background()
	if err := c.Token(ctx); err != nil { // bearer-tok-1
		t.Fatal(err)
	}
	rep, err := c.Report(ctx, testWindow)
	if err != nil {
		t.Fatalf("Report: %v", err)
	}
	// tok-1: 503, 401; tok-2 (fetched): 503, 401 after the retry; tok-3: answered.
	if rep.Users.Len() != 1 || f.tokenCalls.Load() != 3 || f.reportCalls.Load() != 5 {
		t.Errorf("users %d, token requests %d, report requests %d; want 1, 3, 5",
			rep.Users.Len(), f.tokenCalls.Load(), f.reportCalls.Load())
	}
}

func TestTokenErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"bad credentials 401", 401, `{"error":"invalid_client"}`, []string{"HTTP 401", "check client_id/client_secret", "invalid_client"}},
		{"bad request 400", 400, `bad`, []string{"HTTP 400", "check client_id/client_secret"}},
		{"forbidden", 403, ``, []string{"HTTP 403"}},
		{"server error after retries", 500, `oops`, []string{"HTTP 500 from ", " on each of 3 attempts over "}},
		{"no token in answer", 200, `{"token_type":"Bearer"}`, []string{"no access_token"}},
		{"not JSON", 200, `<html>`, []string{"not the expected JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSER(t)
			f.onToken = func(w http.ResponseWriter, _ *http.Request) bool {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
				return true
			}
			c := f.client(func(_ *config.Input, o *Options) { o.RetryMax = 2 })
			err := c.Token(context.Background())
			if err == nil {
				t.Fatal("Token succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("error %q contains the secret", err)
			}
		})
	}
}

func TestTokenWrongCredentials(t *testing.T) {
	f := newFakeSER(t)
	c := f.client(func(in *config.Input, _ *Options) { in.ClientSecret = "wrong-secret-value" })
	err := c.Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), "check client_id/client_secret") {
		t.Fatalf("err = %v", err)
	}
	if f.tokenCalls.Load() != 1 {
		t.Errorf("a 401 from the token endpoint was retried: %d requests", f.tokenCalls.Load())
	}
}
