// The token never reaches an error or a log line, whatever fails.

package hec

import (
	"fmt"
	"strings"
	"testing"
)

// TestSecretNeverLogged drives every failure path with a token Splunk
// refuses and checks neither errors nor log lines carry it.
func TestSecretNeverLogged(t *testing.T) {
	const secret = "hec token/that+must&not=leak%7c1d$" // $, space, /, +, &, =, %
	f := newFakeHEC(t, false)
	tlsF := newFakeHEC(t, true)
	var texts []string
	for _, url := range []string{f.srv.URL, tlsF.srv.URL} {
		h := newHarness(t, url, func(c *Config) { c.Token = secret; c.Ack = true })
		for _, err := range []error{h.write(t.Context(), mkEvents(2)), h.sink.Check(t.Context())} {
			if err != nil {
				texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
			}
		}
		for _, e := range h.logs.All() {
			texts = append(texts, e.Message, fmt.Sprintf("%v", e.ContextMap()))
		}
		texts = append(texts, fmt.Sprintf("%v %+v %#v %+v", h.sink.opt, h.sink.opt, h.sink.opt, h.sink))
	}
	if len(texts) < 4 {
		t.Fatalf("expected failures to inspect, got %d texts", len(texts))
	}
	for _, s := range texts {
		if strings.Contains(s, secret) {
			t.Errorf("secret leaked in %q", s)
		}
	}
}
