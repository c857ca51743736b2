// A fake SER API for the client tests: a token endpoint issuing numbered
// tokens and a report endpoint answering as each test chooses, checking
// credentials and bearer tokens like the real one; with clients for it and an
// observer that counts what the client reports.

package serapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/config"
)

const (
	testClientID = "client-id-1"
	testSecret   = "s3cr3t Value/x9+&=%41$" // $, space, /, +, &, =, %: its encoded forms differ
	oneRecord    = `{"applicationUsers":[{"applicationName":"App","applicationUserName":"u","status":{"success":5}}],` +
		`"entitlement":{"annual_throughput":10}}`
)

// fakeSER is a minimal SER API for client tests: a token endpoint that
// issues numbered tokens and a report endpoint whose answers each test
// chooses. It checks credentials and bearer tokens like the real API.
type fakeSER struct {
	t   *testing.T
	srv *httptest.Server

	expiresIn   atomic.Int64
	tokenDelay  time.Duration
	tokenCalls  atomic.Int64
	reportCalls atomic.Int64

	mu      sync.Mutex
	valid   map[string]bool
	onToken func(w http.ResponseWriter, r *http.Request) bool   // true: answered
	report  func(w http.ResponseWriter, r *http.Request, n int) // n counts from 1
}

func newFakeSER(t *testing.T) *fakeSER {
	f := &fakeSER{t: t, valid: map[string]bool{}}
	f.expiresIn.Store(43200)
	f.report = func(w http.ResponseWriter, _ *http.Request, _ int) { fmt.Fprint(w, oneRecord) }
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/token", f.serveToken)
	mux.HandleFunc("GET /v1/sercustomer/report/summary", f.serveReport)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSER) serveToken(w http.ResponseWriter, r *http.Request) {
	n := f.tokenCalls.Add(1)
	time.Sleep(f.tokenDelay)
	if f.onToken != nil && f.onToken(w, r) {
		return
	}
	if r.FormValue("grant_type") != "client_credentials" || r.FormValue("client_id") != testClientID ||
		r.FormValue("client_secret") != testSecret {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	tok := "bearer-tok-" + strconv.FormatInt(n, 10)
	f.mu.Lock()
	f.valid[tok] = true
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":%d}`, tok, f.expiresIn.Load())
}

func (f *fakeSER) serveReport(w http.ResponseWriter, r *http.Request) {
	n := int(f.reportCalls.Add(1))
	f.mu.Lock()
	ok := len(r.Header.Get("Authorization")) > 7 && f.valid[r.Header.Get("Authorization")[7:]]
	f.mu.Unlock()
	if !ok {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	f.report(w, r, n)
}

// revoke makes every token issued so far invalid.
func (f *fakeSER) revoke() {
	f.mu.Lock()
	clear(f.valid)
	f.mu.Unlock()
}

// input is a config for this server.
func (f *fakeSER) input() config.Input {
	return config.Input{
		Name:         "test",
		TokenURL:     f.srv.URL + "/v1/token",
		APIURL:       f.srv.URL,
		ClientID:     testClientID,
		ClientSecret: config.Secret(testSecret),
		RateLimit:    config.RateLimit{N: 1000, Period: time.Minute},
		Concurrency:  4,
		Timeout:      5 * time.Second,
	}
}

// fastOptions retries quickly.
func fastOptions(log *zap.Logger) Options {
	return Options{Logger: log, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
}

func (f *fakeSER) client(mods ...func(*config.Input, *Options)) *Client {
	f.t.Helper()
	in, opts := f.input(), fastOptions(zaptest.NewLogger(f.t))
	for _, m := range mods {
		m(&in, &opts)
	}
	c, err := New(in, opts)
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return c
}

var testWindow = Window{
	Start: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
	End:   time.Date(2026, 11, 1, 11, 0, 0, 0, time.UTC),
}

// countingObserver records what the client reports for metrics.
type countingObserver struct {
	mu        sync.Mutex
	codes     map[int]int
	refreshes int
}

func (o *countingObserver) Request(code int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.codes == nil {
		o.codes = map[int]int{}
	}
	o.codes[code]++
}

func (o *countingObserver) TokenRefresh() {
	o.mu.Lock()
	o.refreshes++
	o.mu.Unlock()
}
