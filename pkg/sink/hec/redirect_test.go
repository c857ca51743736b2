// Tests that a HEC answering with a redirect gets treated as a configuration
// problem: nothing is delivered to the redirect target, Write keeps the batch
// queued and Check fails.

package hec

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/serfwd/serfwd/pkg/httpx"
	"github.com/serfwd/serfwd/pkg/sink"
)

// TestRedirectIsAConfigurationProblem: a HEC that answers 3xx on any of its
// endpoints gets no event delivered elsewhere: Write fails as a
// configuration problem (the delivery loop keeps the batch queued), Check
// fails, and the redirect target receives nothing — neither the token nor a
// GET that a followed 302 would have made, whose 200 {"code":0} used to count
// the batch as delivered.
func TestRedirectIsAConfigurationProblem(t *testing.T) {
	var targetHits atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		targetHits.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		fmt.Fprint(w, `{"text":"Success","code":0,"ackId":1}`)
	}))
	defer target.Close()
	for _, code := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Location", target.URL+r.URL.Path)
				w.WriteHeader(code)
			}))
			defer src.Close()
			h := newHarness(t, src.URL, nil)
			err := h.write(t.Context(), mkEvents(3))
			var re *httpx.RedirectError
			if !errors.As(err, &re) || !sink.IsPermanent(err) || re.Status != code || re.To != target.URL {
				t.Fatalf("Write: err = %v, want a permanent redirect %d to %s", err, code, target.URL)
			}
			want := fmt.Sprintf("splunk hec /services/collector/event: %s redirected (HTTP %d) to %s; serfwd never follows redirects: %s",
				src.URL, code, target.URL, redirectHint)
			if err.Error() != want {
				t.Fatalf("Write error\n%q\nwant\n%q", err, want)
			}
			if _, problems := h.metrics.Counts(); problems != 1 {
				t.Errorf("%d configuration problems counted, want 1", problems)
			}
			if err := h.sink.Check(t.Context()); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("redirected (HTTP %d) to %s", code, target.URL)) {
				t.Errorf("Check: err = %v, want the redirect named", err)
			}
		})
	}
	if n := targetHits.Load(); n != 0 {
		t.Fatalf("the redirect target received %d requests", n)
	}
}
