// The fail-fast policy: an API that refuses connections costs one attempt,
// each named once in the error; 5xx are still retried; Unreachable tells
// connection-level failures from answers.

package serapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

// closedAddr is an address on which nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestFailFastRefusedIsOneAttempt(t *testing.T) {
	addr := closedAddr(t)
	for _, failFast := range []bool{true, false} {
		t.Run(fmt.Sprintf("FailFast=%v", failFast), func(t *testing.T) {
			f := newFakeSER(t)
			obs := &countingObserver{}
			c := f.client(func(in *config.Input, o *Options) {
				in.TokenURL, in.APIURL = "http://"+addr+"/v1/token", "http://"+addr
				o.FailFast, o.RetryMax, o.Observer = failFast, 3, obs
			})
			_, err := c.Report(context.Background(), testWindow)
			if err == nil || !Unreachable(err) || !errors.Is(err, syscallRefused()) {
				t.Fatalf("Report: %v, want a refused connection", err)
			}
			attempts := 1
			if !failFast {
				attempts = 4 // RetryMax 3
			}
			if obs.codes[0] != attempts {
				t.Errorf("%d attempts, want %d", obs.codes[0], attempts)
			}
			if n := strings.Count(err.Error(), testWindow.String()); n != 0 {
				t.Errorf("the error names the window, which the caller does: %v", err)
			}
			if failFast && strings.Contains(err.Error(), "giving up after") {
				t.Errorf("a single attempt is reported as retried: %v", err)
			}
		})
	}
}

func TestFailFastStillRetriesServerErrors(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, _ *http.Request, n int) {
		if n <= 2 {
			status(503)(w)
			return
		}
		fmt.Fprint(w, oneRecord)
	}
	c := f.client(func(_ *config.Input, o *Options) { o.FailFast = true })
	if _, err := c.Report(context.Background(), testWindow); err != nil || f.reportCalls.Load() != 3 {
		t.Fatalf("Report: %v after %d requests, want success on the third", err, f.reportCalls.Load())
	}
}

func TestUnreachable(t *testing.T) {
	addr := closedAddr(t)
	_, refused := net.Dial("tcp", addr)
	_, dns := net.LookupHost("no-such-host.invalid")
	plainSrv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer plainSrv.Close()
	_, plain := (&http.Client{Timeout: 5 * time.Second}).Get(strings.Replace(plainSrv.URL, "http://", "https://", 1))
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused", refused, true},
		{"refused, wrapped", fmt.Errorf("fetching window: %w", refused), true},
		{"DNS", dns, true},
		{"TLS to a plain-text port", plain, true},
		{"handshake timeout", errors.New("net/http: TLS handshake timeout"), true},
		{"answer", &StatusError{Code: 503, Host: "h"}, false},
		{"reset after connecting", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, false},
		{"nil", nil, false},
	} {
		if got := Unreachable(tc.err); got != tc.want {
			t.Errorf("%s: Unreachable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

func syscallRefused() error { return syscall.ECONNREFUSED }

// failureLog is a FailureObserver.
type failureLog struct {
	countingObserver
	mu       sync.Mutex
	failures []string
}

func (f *failureLog) RequestFailed(err error) {
	f.mu.Lock()
	f.failures = append(f.failures, err.Error())
	f.mu.Unlock()
}

func TestFailureObserverHearsEachFailedAttempt(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			status(503)(w)
			return
		}
		fmt.Fprint(w, oneRecord)
	}
	log := &failureLog{}
	c := f.client(func(_ *config.Input, o *Options) { o.Observer = log })
	if _, err := c.Report(context.Background(), testWindow); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(f.srv.URL, "http://")
	want := []string{"GET " + host + "/v1/sercustomer/report/summary: HTTP 503 from " + host}
	if !slices.Equal(log.failures, want) {
		t.Errorf("failures heard: %q, want %q", log.failures, want)
	}
	addr := closedAddr(t)
	log = &failureLog{}
	c = f.client(func(in *config.Input, o *Options) {
		in.TokenURL, o.Observer, o.FailFast = "http://"+addr+"/v1/token", log, true
	})
	if _, err := c.Report(context.Background(), testWindow); err == nil {
		t.Fatal("Report succeeded without a token")
	}
	if len(log.failures) != 1 || !strings.HasPrefix(log.failures[0], "POST "+addr+"/v1/token: ") || !strings.Contains(log.failures[0], "connection refused") {
		t.Errorf("failures heard: %q", log.failures)
	}
}
