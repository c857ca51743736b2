// The one-shot policy (FailFast): five attempts of each request whatever
// failed (refused, 5xx, 429), none that would not fit in the input's
// deadline nor after a long Retry-After, the deadline itself, and errors
// that say what each attempt got; the patient policy for comparison.

package serapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/testnet"
)

func TestOneShotTriesEachRequestFiveTimes(t *testing.T) {
	refusing := testnet.RefusingAddr(t)
	for _, tc := range []struct {
		name   string
		status int // 0: the token endpoint refuses connections
		want   string
	}{
		{"refused", 0, "requesting token: dial tcp " + refusing + ": connect: connection refused on each of 5 attempts over "},
		{"503", 503, "requesting token: HTTP 503 from HOST on each of 5 attempts over "},
		{"429 without Retry-After", 429, "requesting token: HTTP 429 from HOST on each of 5 attempts over "},
	} {
		for _, failFast := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/FailFast=%v", tc.name, failFast), func(t *testing.T) {
				f := newFakeSER(t)
				f.onToken = func(w http.ResponseWriter, _ *http.Request) bool { status(tc.status)(w); return true }
				c := f.client(func(in *config.Input, o *Options) {
					if tc.status == 0 {
						in.TokenURL = "http://" + refusing + "/v1/token"
					}
					o.FailFast, o.RetryMax = failFast, 6
				})
				err := c.Token(context.Background())
				attempts := 5
				if !failFast {
					attempts = 7 // RetryMax 6
				}
				want := strings.Replace(tc.want, "HOST", strings.TrimPrefix(f.srv.URL, "http://"), 1)
				want = strings.Replace(want, "5 attempts", fmt.Sprint(attempts, " attempts"), 1)
				if err == nil || !strings.HasPrefix(err.Error(), want) {
					t.Fatalf("Token: %v\nwant it to start %q", err, want)
				}
				if tc.status != 0 && f.tokenCalls.Load() != int64(attempts) {
					t.Errorf("the server saw %d token requests, want %d", f.tokenCalls.Load(), attempts)
				}
			})
		}
	}
}

// A timed-out attempt is tried again only when another one (the longest
// wait and a whole timeout) fits in the input's deadline.
func TestOneShotRetriesATimeoutOnlyWithinTheDeadline(t *testing.T) {
	for _, tc := range []struct {
		name        string
		failFast    bool
		giveUpAfter time.Duration
		attempts    int
	}{
		{"one-shot, no room for another timeout", true, 300 * time.Millisecond, 1},
		{"one-shot, room for all", true, time.Minute, 5},
		{"patient", false, 0, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hang := testnet.NewHang(t)
			f := newFakeSER(t)
			c := f.client(func(in *config.Input, o *Options) {
				in.TokenURL, in.Timeout = "http://"+hang.Addr()+"/v1/token", 200*time.Millisecond
				o.FailFast, o.GiveUpAfter, o.RetryMax = tc.failFast, tc.giveUpAfter, 1
				if tc.failFast {
					o.RetryMax = 10
				}
			})
			err := c.Token(context.Background())
			var te *TimeoutError
			if !errors.As(err, &te) {
				t.Fatalf("Token: %v, want a *TimeoutError", err)
			}
			want := "requesting token: no answer from " + hang.Addr() + " within 200ms (timeout)"
			if tc.attempts > 1 {
				want += fmt.Sprintf(" on each of %d attempts over ", tc.attempts)
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Token: %q, want it to start %q", err, want)
			}
			if n := len(hang.Conns()); n != tc.attempts {
				t.Errorf("the listener saw %d connections, want %d", n, tc.attempts)
			}
		})
	}
}

// A quick failure is tried again however long the input's timeout: only a
// timed-out attempt needs room for a whole timeout more.
func TestOneShotRetriesAQuickFailureWithALongTimeout(t *testing.T) {
	for _, timeout := range []time.Duration{30 * time.Second, 5 * time.Minute} {
		t.Run(timeout.String(), func(t *testing.T) {
			f := newFakeSER(t)
			var calls atomic.Int32
			f.onToken = func(w http.ResponseWriter, _ *http.Request) bool {
				if calls.Add(1) == 1 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return true
				}
				return false
			}
			c := f.client(func(in *config.Input, o *Options) {
				in.Timeout = timeout
				o.FailFast, o.GiveUpAfter = true, time.Minute
			})
			if err := c.Token(context.Background()); err != nil {
				t.Fatalf("Token: %v", err)
			}
			if n := f.tokenCalls.Load(); n != 2 {
				t.Errorf("the server saw %d token requests, want 2 (a 503, then the token)", n)
			}
		})
	}
}

func TestOneShotGivesUpOnALongRetryAfter(t *testing.T) {
	f := newFakeSER(t)
	f.onToken = func(w http.ResponseWriter, _ *http.Request) bool {
		w.Header().Set("Retry-After", "120")
		status(429)(w)
		return true
	}
	c := f.client(func(_ *config.Input, o *Options) { o.FailFast = true })
	err := c.Token(context.Background())
	want := "requesting token: HTTP 429 from " + strings.TrimPrefix(f.srv.URL, "http://") + " asking to retry after 2m0s, longer than a one-shot run waits"
	if err == nil || err.Error() != want {
		t.Fatalf("Token: %v\nwant %s", err, want)
	}
	if n := f.tokenCalls.Load(); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
}

// A request tried again after a quick failure whose next attempt hangs
// past the deadline is ended by it, naming it and the last failure; later
// calls fail at once.
func TestOneShotDeadlineEndsARequestThatHangs(t *testing.T) {
	f := newFakeSER(t)
	f.report = func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			status(503)(w)
			return
		}
		<-r.Context().Done() // hang until the client gives up
	}
	c := f.client(func(in *config.Input, o *Options) {
		in.Timeout = time.Minute // the second attempt would hang a minute
		o.FailFast, o.GiveUpAfter = true, 300*time.Millisecond
	})
	host := strings.TrimPrefix(f.srv.URL, "http://")
	want := "no good answer for 300ms, as long as a one-shot run waits; the last attempt: HTTP 503 from " + host
	var gu *GaveUpError
	for _, which := range []string{"the first", "a later"} {
		_, err := c.Report(context.Background(), testWindow)
		if !errors.As(err, &gu) || !strings.HasSuffix(err.Error(), want) {
			t.Fatalf("%s Report: %v\nwant a *GaveUpError ending %q", which, err, want)
		}
	}
	if n := f.reportCalls.Load(); n != 2 {
		t.Errorf("%d report requests, want 2 (the 503, the attempt the deadline ended; none after)", n)
	}
}

// A good answer ends the input's failing streak: its deadline is off.
func TestOneShotGoodAnswerStopsTheDeadline(t *testing.T) {
	f := newFakeSER(t)
	var fails atomic.Int64
	f.report = func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			fails.Add(1)
			status(502)(w)
			return
		}
		fmt.Fprint(w, oneRecord)
	}
	c := f.client(func(_ *config.Input, o *Options) { o.FailFast = true })
	if _, err := c.Report(context.Background(), testWindow); err != nil || fails.Load() != 1 {
		t.Fatalf("Report: %v after %d failures, want success on the second attempt", err, fails.Load())
	}
	c.deadline.mu.Lock()
	defer c.deadline.mu.Unlock()
	if !c.deadline.since.IsZero() || c.deadline.timer != nil || c.deadline.expired != nil {
		t.Errorf("after a good answer the deadline still runs: since %v, expired %v", c.deadline.since, c.deadline.expired)
	}
}

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
	addr := testnet.RefusingAddr(t)
	log = &failureLog{}
	c = f.client(func(in *config.Input, o *Options) {
		in.TokenURL, o.Observer, o.FailFast = "http://"+addr+"/v1/token", log, true
	})
	if _, err := c.Report(context.Background(), testWindow); err == nil {
		t.Fatal("Report succeeded without a token")
	}
	if len(log.failures) != 5 {
		t.Fatalf("failures heard: %q, want 5", log.failures)
	}
	for _, f := range log.failures {
		if !strings.HasPrefix(f, "POST "+addr+"/v1/token: ") || !strings.Contains(f, "connection refused") {
			t.Errorf("failure heard: %q", f)
		}
	}
}

func TestRetriedErrorSaysWhenAttemptsDiffered(t *testing.T) {
	f := newFakeSER(t)
	codes := []int{503, 502, 503, 502, 500}
	var n atomic.Int64
	f.onToken = func(w http.ResponseWriter, _ *http.Request) bool { status(codes[n.Add(1)-1])(w); return true }
	c := f.client(func(_ *config.Input, o *Options) { o.FailFast = true })
	err := c.Token(context.Background())
	host := strings.TrimPrefix(f.srv.URL, "http://")
	if err == nil || !strings.HasPrefix(err.Error(), "requesting token: 5 attempts over ") ||
		!strings.HasSuffix(err.Error(), " failed, the last with: HTTP 500 from "+host) {
		t.Fatalf("Token: %v", err)
	}
}
