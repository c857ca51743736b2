// Helpers of the simulator tests: a settable clock, windows, a simulator on
// an httptest server with a client that asks for tokens and reports, and a
// strict decoder of served bodies that catches any drift from the documented
// shape.

package sersim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// fakeClock is a settable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(ts string) *fakeClock { return &fakeClock{t: mustTime(ts)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *fakeClock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

func mustTime(ts string) time.Time {
	t, err := time.Parse(serapi.TimeLayout, ts)
	if err != nil {
		panic(err)
	}
	return t
}

// window builds a window from a start timestamp and a length.
func window(start string, d time.Duration) serapi.Window {
	s := mustTime(start)
	return serapi.Window{Start: s, End: s.Add(d)}
}

// newSim serves a simulator with opts on an httptest server; the client
// opens a new connection per request so that resets are seen as such.
func newSim(t *testing.T, opts Options) (*Server, *testClient) {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = zaptest.NewLogger(t)
	}
	s := New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	return s, &testClient{t: t, base: ts.URL, hc: hc}
}

type testClient struct {
	t    *testing.T
	base string
	hc   *http.Client
}

// postToken posts a token request and returns status and decoded body.
func (c *testClient) postToken(form url.Values) (int, map[string]any) {
	c.t.Helper()
	resp, err := c.hc.PostForm(c.base+TokenPath, form)
	if err != nil {
		c.t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		c.t.Fatalf("decoding token answer: %v", err)
	}
	return resp.StatusCode, body
}

// token fetches a token for client id.
func (c *testClient) token(id string) string {
	c.t.Helper()
	status, body := c.postToken(url.Values{"grant_type": {"client_credentials"},
		"client_id": {id}, "client_secret": {"s3cret"}})
	tok, _ := body["access_token"].(string)
	if status != http.StatusOK || tok == "" {
		c.t.Fatalf("token: status %d, body %v", status, body)
	}
	return tok
}

// get requests the report with a raw query; err is a transport error.
func (c *testClient) get(token, rawQuery string) (int, http.Header, []byte, error) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+ReportPath+"?"+rawQuery, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, b, nil
}

// report requests window w and fails the test unless it is answered.
func (c *testClient) report(token string, w serapi.Window) (int, []byte) {
	c.t.Helper()
	status, _, body, err := c.get(token, query(w))
	if err != nil {
		c.t.Fatalf("report %s: %v", w, err)
	}
	return status, body
}

func query(w serapi.Window) string {
	return "startTimeStamp=" + w.Start.Format(serapi.TimeLayout) + "&endTimeStamp=" + w.End.Format(serapi.TimeLayout)
}

// wireRecord mirrors one documented applicationUsers entry.
type wireRecord struct {
	ApplicationName     string          `json:"applicationName"`
	ApplicationUserName string          `json:"applicationUserName"`
	FromEnvelope        json.RawMessage `json:"fromEnvelope"`
	FromHeader          json.RawMessage `json:"fromHeader"`
	Status              struct {
		Success         int64 `json:"success"`
		Failure         int64 `json:"failure"`
		TempFailure     int64 `json:"tempFailure"`
		PartialSuccess  int64 `json:"partialSuccess"`
		InProgress      int64 `json:"inProgress"`
		Total           int64 `json:"total"`
		RecipientsTotal int64 `json:"recipientsTotal"`
	} `json:"status"`
	MessageSizeTotal struct {
		MessageSizeTotal   int64 `json:"messageSizeTotal"`
		DeliveredSizeTotal int64 `json:"deliveredSizeTotal"`
	} `json:"messageSizeTotal"`
	Details map[string]int64 `json:"details"`
}

// wire mirrors the documented body strictly, to catch any shape drift.
type wire struct {
	ApplicationUsers []wireRecord `json:"applicationUsers"`
	Entitlement      struct {
		AnnualThroughput int64  `json:"annual_throughput"`
		LicenseStart     string `json:"license_start"`
		LicenseEnd       string `json:"license_end"`
	} `json:"entitlement"`
}

// decode decodes a served body into a Report, turning bare strings into
// one-item lists; it also reports how many address fields were bare.
func decode(t *testing.T, body []byte) (rep serapi.Report, bare int) {
	t.Helper()
	var wb wire
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wb); err != nil {
		t.Fatalf("decoding body %.200q: %v", body, err)
	}
	for _, u := range wb.ApplicationUsers {
		r, b := u.record(t)
		rep.Users.Append(&r)
		bare += b
	}
	e := wb.Entitlement
	rep.Entitlement = serapi.Entitlement{AnnualThroughput: e.AnnualThroughput,
		LicenseStart: e.LicenseStart, LicenseEnd: e.LicenseEnd}
	return rep, bare
}

// record converts u, counting its bare-string address fields.
func (u *wireRecord) record(t *testing.T) (serapi.Record, int) {
	t.Helper()
	env, b1 := addrs(t, u.FromEnvelope)
	hdr, b2 := addrs(t, u.FromHeader)
	if len(u.Details) != 4 {
		t.Errorf("details has %d buckets: %v", len(u.Details), u.Details)
	}
	st := u.Status
	return serapi.Record{
		ApplicationName: u.ApplicationName, ApplicationUserName: u.ApplicationUserName,
		FromEnvelope: env, FromHeader: hdr,
		Status: serapi.Status{Success: st.Success, Failure: st.Failure, TempFailure: st.TempFailure,
			PartialSuccess: st.PartialSuccess, InProgress: st.InProgress, Total: st.Total,
			RecipientsTotal: st.RecipientsTotal},
		Size: serapi.Size{MessageSizeTotal: u.MessageSizeTotal.MessageSizeTotal,
			DeliveredSizeTotal: u.MessageSizeTotal.DeliveredSizeTotal},
		Details: serapi.Details{DSN2xx: u.Details["2.X.X"], DSN3xx: u.Details["3.X.X"],
			DSN4xx: u.Details["4.X.X"], DSN5xx: u.Details["5.X.X"]},
	}, b1 + b2
}

func addrs(t *testing.T, raw json.RawMessage) ([]string, int) {
	t.Helper()
	if strings.HasPrefix(string(raw), `"`) {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("address %s: %v", raw, err)
		}
		return []string{s}, 1
	}
	var l []string
	if err := json.Unmarshal(raw, &l); err != nil {
		t.Fatalf("address list %s: %v", raw, err)
	}
	return l, 0
}
