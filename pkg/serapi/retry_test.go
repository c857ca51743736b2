// The SER client's retry wait follows serfwd's one Retry-After policy
// (backoff.AtLeast): a server that asks for longer than the backoff gets
// it, capped; one that asks for less does not shorten it.

package serapi

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	retry "github.com/serfwd/serfwd/pkg/backoff"
	"github.com/serfwd/serfwd/pkg/httpx"
)

func TestBackoffHonoursRetryAfterWithoutUndercutting(t *testing.T) {
	answer := func(status int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h}
	}
	const minWait, maxWait = time.Second, 60 * time.Second
	for _, tt := range []struct {
		name    string
		attempt int
		resp    *http.Response
		lo, hi  time.Duration // bounds written out by hand
	}{
		{"longer Retry-After wins", 0, answer(429, "30"), 30 * time.Second, 30 * time.Second},
		{"503 too", 1, answer(503, "20"), 20 * time.Second, 20 * time.Second},
		{"shorter Retry-After does not cut the backoff", 5, answer(429, "1"), 16 * time.Second, 32 * time.Second},
		{"Retry-After 0", 3, answer(429, "0"), 4 * time.Second, 8 * time.Second},
		{"capped", 0, answer(429, strconv.Itoa(int(time.Hour/time.Second))), retry.MaxRetryAfter, retry.MaxRetryAfter},
		{"500 too (SPEC §1: 429 and 5xx)", 0, answer(500, "30"), 30 * time.Second, 30 * time.Second},
		{"502 too", 0, answer(502, "30"), 30 * time.Second, 30 * time.Second},
		{"ignored on other answers", 0, answer(408, "30"), 500 * time.Millisecond, time.Second},
		{"no answer", 2, nil, 2 * time.Second, 4 * time.Second},
	} {
		for range 50 {
			if d := backoff(minWait, maxWait, tt.attempt, tt.resp); d < tt.lo || d > tt.hi {
				t.Fatalf("%s: wait %s, want %s … %s", tt.name, d, tt.lo, tt.hi)
			}
		}
	}
}

// TestCertificateErrorsAreNotRetried: a certificate error is final, also
// when a long text (a hostile certificate's names) had it cut by httpx.
func TestCertificateErrorsAreNotRetried(t *testing.T) {
	cv := &tls.CertificateVerificationError{Err: errors.New("x509: certificate is valid for " + strings.Repeat("a.example, ", 100))}
	for _, err := range []error{cv, &httpx.CutError{Err: cv}} {
		if retry, _ := checkRetry(context.Background(), nil, &url.Error{Op: "Get", URL: "https://a", Err: err}); retry {
			t.Errorf("%T retried", err)
		}
	}
	if retry, _ := checkRetry(context.Background(), nil, &url.Error{Op: "Get", URL: "https://a", Err: &httpx.CutError{Err: io.ErrUnexpectedEOF}}); !retry {
		t.Error("a cut transport error is not retried")
	}
}
