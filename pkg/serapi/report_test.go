// Tests of Report against the fake API: the query it sends and the API URL's
// path, Retry-After, retries that succeed or give up (5xx, non-JSON answers),
// client errors not retried, the body cap, cancellation, and the timeout of
// each attempt.

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

func TestReportQuery(t *testing.T) {
	f := newFakeSER(t)
	var got []string
	f.report = func(w http.ResponseWriter, r *http.Request, _ int) {
		got = append(got, r.URL.Path+"?"+r.URL.RawQuery, r.Header.Get("Authorization"))
		fmt.Fprint(w, oneRecord)
	}
	c := f.client()
	berlin := time.FixedZone("CET", 3600)
	w := Window{
		Start: time.Date(2026, 11, 1, 11, 0, 0, 123456789, berlin), // 10:00:00.123 UTC
		End:   time.Date(2026, 11, 1, 12, 0, 0, 0, berlin),
	}
	rep, err := c.Report(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/v1/sercustomer/report/summary?startTimeStamp=2026-11-01T10:00:00.123Z&endTimeStamp=2026-11-01T11:00:00.000Z",
		"Bearer bearer-tok-1",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("request = %q, want %q", got, want)
	}
	if rep.Users.Len() != 1 || rep.Users.At(0).Status.Success != 5 || rep.Entitlement.AnnualThroughput != 10 {
		t.Errorf("report = %+v", rep)
	}
}

func TestReportAPIURLWithPath(t *testing.T) {
	f := newFakeSER(t)
	c := f.client(func(in *config.Input, _ *Options) { in.APIURL = f.srv.URL + "/" })
	if _, err := c.Report(context.Background(), testWindow); err != nil {
		t.Fatal(err)
	}
}

func TestReportRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header func(now time.Time) (value string, notBefore time.Time)
	}{
		{"429 seconds", 429, func(now time.Time) (string, time.Time) { return "1", now.Add(time.Second) }},
		{"503 seconds", 503, func(now time.Time) (string, time.Time) { return "1", now.Add(time.Second) }},
		{"429 http date", 429, func(now time.Time) (string, time.Time) {
			at := now.Add(2 * time.Second).Truncate(time.Second)
			return at.UTC().Format(http.TimeFormat), at
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() && tt.name != "429 seconds" {
				t.Skip("waits for Retry-After")
			}
			f := newFakeSER(t)
			var mu sync.Mutex
			var notBefore, retried time.Time
			f.report = func(w http.ResponseWriter, _ *http.Request, n int) {
				mu.Lock()
				defer mu.Unlock()
				if n == 1 {
					v, nb := tt.header(time.Now())
					notBefore = nb
					w.Header().Set("Retry-After", v)
					http.Error(w, "slow down", tt.status)
					return
				}
				retried = time.Now()
				fmt.Fprint(w, oneRecord)
			}
			c := f.client()
			if _, err := c.Report(context.Background(), testWindow); err != nil {
				t.Fatal(err)
			}
			if retried.Before(notBefore) {
				t.Errorf("retried %v before the Retry-After time", notBefore.Sub(retried))
			}
		})
	}
}

func TestReportRetriesThenSucceeds(t *testing.T) {
	tests := []struct {
		name  string
		fails []func(w http.ResponseWriter)
	}{
		{"5xx", []func(http.ResponseWriter){status(500), status(502), status(503), status(504)}},
		{"429 without Retry-After", []func(http.ResponseWriter){status(429), status(429)}},
		{"non-JSON 200", []func(http.ResponseWriter){body("<html>maintenance</html>"), body("")}},
		{"users not a list", []func(http.ResponseWriter){body(`{"applicationUsers":"x"}`)}},
		{"truncated 200", []func(http.ResponseWriter){body(`{"applicationUsers":[{"applicationName":`)}},
		{"mixed", []func(http.ResponseWriter){status(503), body("not json"), status(500)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSER(t)
			f.report = func(w http.ResponseWriter, _ *http.Request, n int) {
				if n <= len(tt.fails) {
					tt.fails[n-1](w)
					return
				}
				fmt.Fprint(w, oneRecord)
			}
			c := f.client()
			rep, err := c.Report(context.Background(), testWindow)
			if err != nil {
				t.Fatalf("Report: %v", err)
			}
			if rep.Users.Len() != 1 || int(f.reportCalls.Load()) != len(tt.fails)+1 {
				t.Errorf("%d users after %d requests, want 1 after %d", rep.Users.Len(), f.reportCalls.Load(), len(tt.fails)+1)
			}
		})
	}
}

func status(code int) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { http.Error(w, http.StatusText(code), code) }
}

func body(s string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { fmt.Fprint(w, s) }
}

func TestReportNonJSONGivesUp(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, _ *http.Request, _ int) {
		fmt.Fprint(w, "<html>\x00\x01 Service temporarily replaced by a very long maintenance page that goes on</html>")
	}
	c := f.client(func(_ *config.Input, o *Options) { o.BodyRetries = 2 })
	_, err := c.Report(context.Background(), testWindow)
	var berr *BodyError
	if !errors.As(err, &berr) {
		t.Fatalf("err = %v, want a *BodyError", err)
	}
	msg := err.Error()
	want := `decoding report body (starts "<html>.. Service temporarily replaced by a very long maintenance page that goes on</html>"): invalid character '<' looking for beginning of value (at byte 0 of the answer)`
	if msg != want {
		t.Errorf("error %q\nwant  %q (the caller names the window)", msg, want)
	}
	if n := f.reportCalls.Load(); n != 3 {
		t.Errorf("%d requests, want 3 (1 + 2 body retries)", n)
	}
}

func TestReportClientErrorsNotRetried(t *testing.T) {
	for _, code := range []int{400, 403, 404, 422} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			f := newFakeSER(t)
			f.report = func(w http.ResponseWriter, _ *http.Request, _ int) {
				http.Error(w, `{"error":"startTimeStamp is invalid"}`, code)
			}
			c := f.client()
			_, err := c.Report(context.Background(), testWindow)
			var serr *StatusError
			if !errors.As(err, &serr) || serr.Code != code || serr.Retryable() {
				t.Fatalf("err = %v, want a non-retryable *StatusError %d", err, code)
			}
			for _, want := range []string{"requesting report: ", fmt.Sprintf("HTTP %d", code), "startTimeStamp is invalid", "127.0.0.1"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if n := f.reportCalls.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestReportServerErrorGivesUp(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, _ *http.Request, _ int) { status(502)(w) }
	c := f.client(func(_ *config.Input, o *Options) { o.RetryMax = 3 })
	_, err := c.Report(context.Background(), testWindow)
	var serr *StatusError
	if !errors.As(err, &serr) || serr.Code != 502 || !serr.Retryable() {
		t.Fatalf("err = %v, want a retryable *StatusError 502", err)
	}
	if !strings.HasPrefix(err.Error(), "requesting report: HTTP 502 from "+strings.TrimPrefix(f.srv.URL, "http://")+" on each of 4 attempts over ") {
		t.Errorf("error %q", err)
	}
	if n := f.reportCalls.Load(); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
}

func TestReportBodyCap(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, _ *http.Request, _ int) {
		fmt.Fprint(w, `{"applicationUsers":[`)
		for i := 0; i < 200; i++ {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprint(w, `{"applicationName":"App","status":{"success":1}}`)
		}
		fmt.Fprint(w, `]}`)
	}
	c := f.client(func(_ *config.Input, o *Options) { o.MaxBodyBytes = 4096 })
	_, err := c.Report(context.Background(), testWindow)
	if want := "reading report: answer larger than max_body_bytes (4KiB, counted after content decoding)"; !errors.Is(err, ErrBodyTooLarge) || err.Error() != want {
		t.Fatalf("err = %v, want ErrBodyTooLarge: %q", err, want)
	}
	big := f.client(func(_ *config.Input, o *Options) { o.MaxBodyBytes = 1 << 20 })
	rep, err := big.Report(context.Background(), testWindow)
	if err != nil || rep.Users.Len() != 200 {
		t.Fatalf("with a larger cap: %v", err)
	}
}

func TestReportContextCancelled(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, _ *http.Request, _ int) { status(503)(w) }
	c := f.client(func(_ *config.Input, o *Options) {
		o.RetryWaitMin, o.RetryWaitMax = time.Hour, time.Hour
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.Report(ctx, testWindow); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
}

func TestReportTimeoutPerAttempt(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		fmt.Fprint(w, oneRecord)
	}
	c := f.client(func(in *config.Input, _ *Options) { in.Timeout = 100 * time.Millisecond })
	if _, err := c.Report(context.Background(), testWindow); err != nil {
		t.Fatalf("a slow first attempt was not retried: %v", err)
	}
}
