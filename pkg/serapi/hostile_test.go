// Tests of the client against a hostile API: redirects fail the request and
// reach nothing, coded answers count their inflated size, token lifetimes are
// clamped and odd ones read, a huge token answer is capped, and errors say
// each thing once.

package serapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/httpx"
)

// TestRedirectsFailTheRequest: a 3xx from the token or the report
// endpoint is an error naming the status and the target's scheme://host;
// it is not retried and the target gets nothing.
func TestRedirectsFailTheRequest(t *testing.T) {
	var targetHits atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		targetHits.Add(1)
		fmt.Fprint(w, `{"access_token":"stolen","expires_in":3600,"applicationUsers":[]}`)
	}))
	defer target.Close()
	redirect := func(code int) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", target.URL+"/collect?from="+r.URL.Path)
			w.WriteHeader(code)
		}
	}
	for _, code := range []int{301, 302, 303, 307, 308} {
		for _, endpoint := range []string{"token", "report"} {
			t.Run(fmt.Sprintf("%s %d", endpoint, code), func(t *testing.T) {
				f := newFakeSER(t)
				key := "api_url"
				if endpoint == "token" {
					key = "token_url"
					f.onToken = func(w http.ResponseWriter, r *http.Request) bool { redirect(code)(w, r); return true }
				} else {
					f.report = func(w http.ResponseWriter, r *http.Request, _ int) { redirect(code)(w, r) }
				}
				c := f.client(func(_ *config.Input, o *Options) { o.RetryMax = 3 })
				_, err := c.Report(context.Background(), testWindow)
				var re *httpx.RedirectError
				if !errors.As(err, &re) || re.Status != code || re.To != target.URL {
					t.Fatalf("err = %v, want a redirect %d to %s", err, code, target.URL)
				}
				want := fmt.Sprintf("requesting %s: %s redirected (HTTP %d) to %s; serfwd never follows redirects: set %s to the address that answers",
					endpoint, f.srv.URL, code, target.URL, key)
				if err.Error() != want {
					t.Fatalf("error %q\nwant  %q", err, want)
				}
				calls := f.reportCalls.Load()
				if endpoint == "token" {
					calls = f.tokenCalls.Load()
				}
				if calls != 1 {
					t.Fatalf("%d requests to the %s endpoint, want 1 (a redirect is not retried)", calls, endpoint)
				}
			})
		}
	}
	if n := targetHits.Load(); n != 0 {
		t.Fatalf("the redirect target received %d requests", n)
	}
}

// TestCodedAnswersCountDecodedBytes: the client asks for identity; a gzip
// answer sent anyway is read, and max_body_bytes counts what it inflates to.
func TestCodedAnswersCountDecodedBytes(t *testing.T) {
	var plain bytes.Buffer
	plain.WriteString(`{"padding":[`)
	for i := range 20_000 {
		if i > 0 {
			plain.WriteByte(',')
		}
		plain.WriteString("1234567890")
	}
	plain.WriteString(`],` + oneRecord[1:])
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain.Bytes())
	zw.Close()
	var accept atomic.Value
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, r *http.Request, _ int) {
		accept.Store(r.Header.Get("Accept-Encoding"))
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	}
	rep, err := f.client(func(_ *config.Input, o *Options) { o.MaxBodyBytes = int64(plain.Len()) }).Report(context.Background(), testWindow)
	if err != nil || rep.Users.Len() != 1 {
		t.Fatalf("a gzip answer within the limit: %v", err)
	}
	if accept.Load() != "identity" {
		t.Fatalf("Accept-Encoding %q, want identity", accept.Load())
	}
	// The same answer, one decoded byte over: its coded size (a few kB)
	// is far below the limit, what it inflates to is not.
	c := f.client(func(_ *config.Input, o *Options) { o.MaxBodyBytes = int64(plain.Len()) - 1 })
	_, err = c.Report(context.Background(), testWindow)
	if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "max_body_bytes") {
		t.Fatalf("err = %v, want the max_body_bytes limit", err)
	}
}

func TestTokenLifetimeClamp(t *testing.T) {
	tests := []struct {
		raw  string
		want time.Duration
	}{
		{`43200`, 12 * time.Hour},
		{`"3600"`, time.Hour},
		{` "90" `, 90 * time.Second},
		{`59.5`, time.Minute},
		{`0`, time.Minute},
		{`-5`, time.Minute},
		{`1e300`, 24 * time.Hour},
		{`86401`, 24 * time.Hour},
		{`"Inf"`, 24 * time.Hour},
		{`"NaN"`, 12 * time.Hour},
		{`"soon"`, 12 * time.Hour},
		{`null`, 12 * time.Hour},
		{`true`, 12 * time.Hour},
		{`{"s":1}`, 12 * time.Hour},
		{``, 12 * time.Hour},
	}
	for _, tt := range tests {
		if got := lifetime(json.RawMessage(tt.raw)); got != tt.want {
			t.Errorf("expires_in %s: lifetime %v, want %v", tt.raw, got, tt.want)
		}
	}
}

// TestTokenAnswersWithOddLifetimes: a string expires_in does not make the
// answer unreadable, and 1e300 does not make every request fetch a token.
func TestTokenAnswersWithOddLifetimes(t *testing.T) {
	for _, expires := range []string{`"soon"`, `1e300`, `-1`, `"7200"`} {
		t.Run(expires, func(t *testing.T) {
			f := newFakeSER(t)
			f.onToken = func(w http.ResponseWriter, r *http.Request) bool {
				f.mu.Lock()
				f.valid["odd"] = true
				f.mu.Unlock()
				fmt.Fprintf(w, `{"access_token":"odd","token_type":"Bearer","expires_in":%s}`, expires)
				return true
			}
			c := f.client()
			base := time.Now()
			c.tokens.now = func() time.Time { return base.Add(50 * time.Second) }
			for range 3 {
				if _, err := c.Report(context.Background(), testWindow); err != nil {
					t.Fatal(err)
				}
			}
			if n := f.tokenCalls.Load(); n != 1 {
				t.Fatalf("%d token requests for 3 reports, want 1", n)
			}
		})
	}
}

func TestTokenAnswerIsCapped(t *testing.T) {
	f := newFakeSER(t)
	f.onToken = func(w http.ResponseWriter, _ *http.Request) bool {
		fmt.Fprintf(w, `{"access_token":"t","padding":"%s"}`, strings.Repeat("p", 2<<20))
		return true
	}
	err := f.client().Token(context.Background())
	if !errors.Is(err, httpx.ErrTooLarge) || !strings.Contains(err.Error(), "answer larger than the token answer limit (1MiB") {
		t.Fatalf("err = %v, want the 1 MiB token answer limit", err)
	}
}

// TestErrorsSayEachThingOnce: each layer adds something new; no error
// repeats the endpoint, the window or the operation.
func TestErrorsSayEachThingOnce(t *testing.T) {
	f := newFakeSER(t)
	in := f.input()
	f.srv.Close() // connections are refused
	c, err := New(in, Options{RetryMax: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Report(context.Background(), testWindow)
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	msg := err.Error()
	host := strings.TrimPrefix(f.srv.URL, "http://")
	if !strings.HasPrefix(msg, "requesting token: dial tcp "+host+": connect: connection refused on each of 2 attempts over ") || strings.Count(msg, host) != 1 ||
		strings.Contains(msg, testWindow.String()) || strings.Contains(msg, `"http://`) {
		t.Fatalf("error %q: want the operation, the attempts and the host once, no window and no quoted URL", msg)
	}
}
