// A receiver (or a proxy in front of it) that echoes the Authorization
// header in its answer gets no part of the token into an error, a log line
// or the dead-letter file, wherever the echo falls in the body.

package hec

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// echoAt builds a body whose text puts the echoed header value so that the
// token starts at byte at of the text.
func echoAt(auth string, at int) string {
	const head = "request headers: Authorization: "
	tokenAt := len(head) + strings.Index(auth, testToken)
	return strings.Repeat("x", at-tokenAt) + head + auth + " (end)"
}

// tokenPrefixLeaked returns the longest prefix of the token, of 8 bytes or
// more, that text holds, or "".
func tokenPrefixLeaked(text string) string {
	for n := len(testToken); n >= 8; n-- {
		if strings.Contains(text, testToken[:n]) {
			return testToken[:n]
		}
	}
	return ""
}

func TestEchoedTokenNeverInOutput(t *testing.T) {
	for _, tc := range []struct {
		name string
		json bool
		code int
		at   int // where the token starts in the answer's text
	}{
		{"non-JSON 503 across byte 200", false, http.StatusServiceUnavailable, 180},
		{"non-JSON 503 across byte 256", false, http.StatusServiceUnavailable, 240},
		{"JSON 400 across byte 200", true, http.StatusBadRequest, 180},
		{"JSON 400 across byte 256", true, http.StatusBadRequest, 240},
	} {
		t.Run(tc.name, func(t *testing.T) {
			echoed := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				auth := r.Header.Get("Authorization")
				if !strings.Contains(auth, testToken) {
					w.WriteHeader(tc.code)
					return
				}
				echoed++
				text := echoAt(auth, tc.at)
				if tc.json {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(tc.code)
					_ = json.NewEncoder(w).Encode(map[string]any{"text": text, "code": codeInvalidData})
					return
				}
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(tc.code)
				fmt.Fprintf(w, "%s\n<p>upstream unavailable</p>\n", text)
			}))
			t.Cleanup(srv.Close)
			h := newHarness(t, srv.URL, nil)
			var texts []string
			for _, err := range []error{h.write(t.Context(), mkEvents(2)), h.sink.Check(t.Context())} {
				if err != nil {
					texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
				}
			}
			for _, e := range h.logs.All() {
				texts = append(texts, e.Message, fmt.Sprintf("%v", e.ContextMap()))
			}
			if data, err := os.ReadFile(h.dir + "/deadletter-splunk.ndjson"); err == nil {
				texts = append(texts, string(data))
			}
			if echoed == 0 || len(texts) == 0 {
				t.Fatalf("the receiver echoed %d times into %d texts: the test proves nothing", echoed, len(texts))
			}
			for _, s := range texts {
				if p := tokenPrefixLeaked(s); p != "" {
					t.Errorf("token prefix %q leaked in:\n%s", p, s)
				}
			}
		})
	}
}
