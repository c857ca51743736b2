// End-to-end test of the rate limit: many windows fetched in parallel, with
// token requests and retries, keep to N requests per period as seen by both
// client and server, while `concurrency` requests stay in flight.

package serapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

// recordingRT records, client-side, each attempt from the moment it holds
// its slots until its body ended.
type recordingRT struct {
	base http.RoundTripper
	log  *spanLog
}

func (r *recordingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		r.log.add(span{start, time.Now()})
		return nil, err
	}
	resp.Body = &endRecorder{ReadCloser: resp.Body, done: func() { r.log.add(span{start, time.Now()}) }}
	return resp, nil
}

type endRecorder struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (e *endRecorder) Read(p []byte) (int, error) {
	n, err := e.ReadCloser.Read(p)
	if err != nil {
		e.once.Do(e.done)
	}
	return n, err
}

func (e *endRecorder) Close() error {
	e.once.Do(e.done)
	return e.ReadCloser.Close()
}

// TestRateLimitEndToEnd fetches many windows in parallel, with token
// requests and retries mixed in, and checks on both sides that no
// period-long interval meets more than N requests, while the client still
// keeps `concurrency` requests in flight.
func TestRateLimitEndToEnd(t *testing.T) {
	const n, period, conc, windows = 6, 250 * time.Millisecond, 3, 24
	f := newFakeSER(t)
	f.expiresIn.Store(1) // token refreshes happen during the test
	var server spanLog
	var mu sync.Mutex
	inFlight, maxInFlight, barrier := 0, 0, make(chan struct{})
	f.report = func(w http.ResponseWriter, _ *http.Request, k int) {
		mu.Lock()
		inFlight++
		maxInFlight = max(maxInFlight, inFlight)
		if inFlight == conc {
			select {
			case <-barrier:
			default:
				close(barrier) // conc requests were in flight together
			}
		}
		mu.Unlock()
		if k <= conc {
			select {
			case <-barrier:
			case <-time.After(5 * time.Second):
				t.Error("the client never had `concurrency` requests in flight")
			}
		}
		time.Sleep(time.Duration(k%4) * 5 * time.Millisecond)
		if k%7 == 0 {
			status(503)(w)
		} else {
			fmt.Fprint(w, oneRecord)
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
	}
	recordServer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			next.ServeHTTP(w, r)
			server.add(span{start, time.Now()})
		})
	}
	f.srv.Config.Handler = recordServer(f.srv.Config.Handler)

	c := f.client(func(in *config.Input, _ *Options) {
		in.RateLimit = config.RateLimit{N: n, Period: period}
		in.Concurrency = conc
	})
	var client spanLog
	lt := c.gate
	lt.base = &recordingRT{base: lt.base, log: &client}

	var wg sync.WaitGroup
	errs := make(chan error, windows)
	for i := 0; i < windows; i++ {
		w := Window{Start: testWindow.Start.Add(time.Duration(i) * time.Hour), End: testWindow.End.Add(time.Duration(i) * time.Hour)}
		wg.Go(func() {
			if _, err := c.Report(context.Background(), w); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if maxInFlight > conc {
		t.Errorf("%d report requests in flight at once, concurrency %d", maxInFlight, conc)
	}
	if len(client.spans) != len(server.spans) || len(server.spans) < windows+1 {
		t.Errorf("client saw %d requests, server %d, want equal and > %d", len(client.spans), len(server.spans), windows)
	}
	t.Log("client side:")
	checkSliding(t, client.spans, n, period)
	t.Log("server side:")
	checkSliding(t, server.spans, n, period)
}
